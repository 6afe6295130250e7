using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bazaar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Backorders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "quantity_backordered",
                table: "order_lines",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "backorders",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    order_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    shopper_key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    allocated = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backorders", x => x.id);
                    table.CheckConstraint("ck_backorder_allocated_within_quantity", "allocated >= 0 AND allocated <= quantity");
                    table.CheckConstraint("ck_backorder_quantity_positive", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_backorders_stock_items_sku",
                        column: x => x.sku,
                        principalTable: "stock_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_order_line_backordered_within_quantity",
                table: "order_lines",
                sql: "quantity_backordered >= 0 AND quantity_backordered <= quantity");

            migrationBuilder.CreateIndex(
                name: "ix_backorders_order_id_sku",
                table: "backorders",
                columns: new[] { "order_id", "sku" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_backorders_sku_status_id",
                table: "backorders",
                columns: new[] { "sku", "status", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backorders");

            migrationBuilder.DropCheckConstraint(
                name: "ck_order_line_backordered_within_quantity",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "quantity_backordered",
                table: "order_lines");
        }
    }
}
