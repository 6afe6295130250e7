using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GatewayPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Card data the store held before it stopped taking cards: the request hash of a checkout covered the card
            // number, expiry and security code (unsalted SHA-256, recoverable), and an authorisation's idempotency key
            // carried a hash of number and expiry. Both are overwritten; nothing derived from a card is kept beyond
            // brand and last4.
            migrationBuilder.Sql("UPDATE checkout_requests SET request_hash = 'purged'");
            migrationBuilder.Sql("UPDATE payment_attempts SET idempotency_key = 'auth:' || order_id WHERE operation = 'Authorise'");

            migrationBuilder.RenameColumn(
                name: "authorisation_ref",
                table: "payments",
                newName: "gateway_payment_id");

            migrationBuilder.AddColumn<string>(
                name: "pay_url",
                table: "payments",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payment_webhook_events",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    gateway_payment_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_webhook_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_operations",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    amount = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_operations", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_payments",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    merchant_reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    captured = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    refunded = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    card_brand = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    card_last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    last_decline = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    failed_attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    return_url = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_payments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_webhooks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered_at = table.Column<long>(type: "INTEGER", nullable: true),
                    abandoned = table.Column<bool>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_webhooks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payments_gateway_payment_id",
                table: "payments",
                column: "gateway_payment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payment_webhook_events_gateway_payment_id",
                table: "payment_webhook_events",
                column: "gateway_payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_payments_idempotency_key",
                table: "sandbox_payments",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_webhooks_delivered_at_abandoned_next_attempt_at",
                table: "sandbox_webhooks",
                columns: new[] { "delivered_at", "abandoned", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_webhooks_event_id",
                table: "sandbox_webhooks",
                column: "event_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_webhook_events");

            migrationBuilder.DropTable(
                name: "sandbox_operations");

            migrationBuilder.DropTable(
                name: "sandbox_payments");

            migrationBuilder.DropTable(
                name: "sandbox_webhooks");

            migrationBuilder.DropIndex(
                name: "ix_payments_gateway_payment_id",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "pay_url",
                table: "payments");

            migrationBuilder.RenameColumn(
                name: "gateway_payment_id",
                table: "payments",
                newName: "authorisation_ref");
        }
    }
}
