using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BackorderPaidAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paid_at",
                table: "backorders",
                type: "timestamp with time zone",
                nullable: true);

            // Back-orders placed before this change claimed units as soon as they were placed; they keep doing so.
            migrationBuilder.Sql("UPDATE backorders SET paid_at = created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "paid_at",
                table: "backorders");
        }
    }
}
