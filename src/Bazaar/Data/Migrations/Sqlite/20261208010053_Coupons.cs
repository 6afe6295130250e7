using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Coupons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "coupon_code",
                table: "orders",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "discount",
                table: "orders",
                type: "REAL",
                precision: 12,
                scale: 2,
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "discount_reason",
                table: "orders",
                type: "TEXT",
                maxLength: 250,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "discount",
                table: "order_lines",
                type: "REAL",
                precision: 12,
                scale: 2,
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.CreateTable(
                name: "coupons",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    value = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    category_ids = table.Column<string>(type: "TEXT", nullable: false),
                    skus = table.Column<string>(type: "TEXT", nullable: false),
                    minimum_spend = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: true),
                    starts_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: true),
                    usage_limit = table.Column<int>(type: "INTEGER", nullable: true),
                    per_customer_limit = table.Column<int>(type: "INTEGER", nullable: true),
                    used = table.Column<int>(type: "INTEGER", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupons", x => x.id);
                    table.CheckConstraint("ck_coupons_used_within_limit", "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)");
                });

            migrationBuilder.CreateTable(
                name: "coupon_redemptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    coupon_id = table.Column<int>(type: "INTEGER", nullable: false),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    customer = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    amount = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_redemptions", x => x.id);
                    table.ForeignKey(
                        name: "fk_coupon_redemptions_coupons_coupon_id",
                        column: x => x.coupon_id,
                        principalTable: "coupons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_redemptions_coupon_id_customer",
                table: "coupon_redemptions",
                columns: new[] { "coupon_id", "customer" });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_redemptions_order_id",
                table: "coupon_redemptions",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_coupons_code",
                table: "coupons",
                column: "code",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_redemptions");

            migrationBuilder.DropTable(
                name: "coupons");

            migrationBuilder.DropColumn(
                name: "coupon_code",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "discount",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "discount_reason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "discount",
                table: "order_lines");
        }
    }
}
