using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BackorderPaidAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "paid_at",
                table: "backorders",
                type: "INTEGER",
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
