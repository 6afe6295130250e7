using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShippingAndTax : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rate_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    change = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "shipping_methods",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    price = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    free_from = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: true),
                    days_min = table.Column<int>(type: "INTEGER", nullable: false),
                    days_max = table.Column<int>(type: "INTEGER", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipping_methods", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "tax_rates",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    rate = table.Column<double>(type: "REAL", precision: 7, scale: 5, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tax_rates", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "shipping_weight_bands",
                columns: table => new
                {
                    method_code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    up_to_grams = table.Column<int>(type: "INTEGER", nullable: false),
                    price = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipping_weight_bands", x => new { x.method_code, x.up_to_grams });
                    table.ForeignKey(
                        name: "fk_shipping_weight_bands_shipping_methods_method_code",
                        column: x => x.method_code,
                        principalTable: "shipping_methods",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rate_changes");

            migrationBuilder.DropTable(
                name: "shipping_weight_bands");

            migrationBuilder.DropTable(
                name: "tax_rates");

            migrationBuilder.DropTable(
                name: "shipping_methods");
        }
    }
}
