using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FirstStartStepsAndRequestKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_key",
                table: "order_events",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "first_start_steps",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_first_start_steps", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_order_events_order_id_request_key",
                table: "order_events",
                columns: new[] { "order_id", "request_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "first_start_steps");

            migrationBuilder.DropIndex(
                name: "ix_order_events_order_id_request_key",
                table: "order_events");

            migrationBuilder.DropColumn(
                name: "request_key",
                table: "order_events");
        }
    }
}
