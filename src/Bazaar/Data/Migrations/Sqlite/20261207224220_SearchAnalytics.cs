using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchAnalytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "search_day_stats",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    search_id = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    query = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    filters = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    searches = table.Column<long>(type: "INTEGER", nullable: false),
                    no_results = table.Column<long>(type: "INTEGER", nullable: false),
                    results_total = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_day_stats", x => new { x.day, x.search_id });
                });

            migrationBuilder.CreateTable(
                name: "search_result_events",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    search_id = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    product_id = table.Column<int>(type: "INTEGER", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    opens = table.Column<long>(type: "INTEGER", nullable: false),
                    cart_adds = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_result_events", x => new { x.day, x.search_id, x.product_id, x.position });
                });

            migrationBuilder.CreateTable(
                name: "search_shopper_days",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    search_id = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    shopper = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_shopper_days", x => new { x.day, x.search_id, x.shopper });
                });

            migrationBuilder.CreateIndex(
                name: "ix_search_day_stats_day_query",
                table: "search_day_stats",
                columns: new[] { "day", "query" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "search_day_stats");

            migrationBuilder.DropTable(
                name: "search_result_events");

            migrationBuilder.DropTable(
                name: "search_shopper_days");
        }
    }
}
