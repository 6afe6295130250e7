using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bazaar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Checkout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "checkout_requests",
                columns: table => new
                {
                    shopper_key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    order_id = table.Column<long>(type: "INTEGER", nullable: true),
                    response_status = table.Column<int>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_checkout_requests", x => new { x.shopper_key, x.key });
                });

            migrationBuilder.CreateTable(
                name: "order_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    shopper_key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    shipping_method = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    shipping_method_name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    delivery_days_min = table.Column<int>(type: "INTEGER", nullable: false),
                    delivery_days_max = table.Column<int>(type: "INTEGER", nullable: false),
                    subtotal = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    shipping_cost = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    tax_rate = table.Column<double>(type: "REAL", precision: 7, scale: 5, nullable: false),
                    tax = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    total = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    placed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    payment_due_by = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    ship_to_city = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ship_to_country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    ship_to_line1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ship_to_line2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ship_to_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ship_to_phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ship_to_postal_code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ship_to_region = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.id);
                    table.CheckConstraint("ck_order_total", "total >= 0");
                });

            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    amount = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    authorised = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    captured = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    refunded = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    authorisation_ref = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    capture_ref = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    card_brand = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    card_last4 = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payments", x => x.order_id);
                    table.CheckConstraint("ck_payment_captured_within_authorised", "captured >= 0 AND captured <= authorised");
                    table.CheckConstraint("ck_payment_refunded_within_captured", "refunded >= 0 AND refunded <= captured");
                });

            migrationBuilder.CreateTable(
                name: "saved_addresses",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    line1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    line2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    city = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    region = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    postal_code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    last_used_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saved_addresses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "order_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    from = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    to = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_order_events_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_id = table.Column<int>(type: "INTEGER", nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    unit_price = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    line_total = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    quantity_shipped = table.Column<int>(type: "INTEGER", nullable: false),
                    quantity_returned = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_lines", x => x.id);
                    table.CheckConstraint("ck_order_line_quantity_positive", "quantity > 0");
                    table.CheckConstraint("ck_order_line_returned_within_shipped", "quantity_returned >= 0 AND quantity_returned <= quantity_shipped");
                    table.CheckConstraint("ck_order_line_shipped_within_quantity", "quantity_shipped >= 0 AND quantity_shipped <= quantity");
                    table.ForeignKey(
                        name: "fk_order_lines_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payment_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    order_id = table.Column<long>(type: "INTEGER", nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    amount = table.Column<double>(type: "REAL", precision: 12, scale: 2, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_attempts", x => x.id);
                    table.ForeignKey(
                        name: "fk_payment_attempts_payments_order_id",
                        column: x => x.order_id,
                        principalTable: "payments",
                        principalColumn: "order_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_checkout_requests_order_id",
                table: "checkout_requests",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_events_order_id_id",
                table: "order_events",
                columns: new[] { "order_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_order_id_sku",
                table: "order_lines",
                columns: new[] { "order_id", "sku" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_order_notifications_order_id",
                table: "order_notifications",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_order_notifications_sent_at_id",
                table: "order_notifications",
                columns: new[] { "sent_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_customer_id_placed_at",
                table: "orders",
                columns: new[] { "customer_id", "placed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_placed_at",
                table: "orders",
                column: "placed_at");

            migrationBuilder.CreateIndex(
                name: "ix_orders_shopper_key_placed_at",
                table: "orders",
                columns: new[] { "shopper_key", "placed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_status_payment_due_by",
                table: "orders",
                columns: new[] { "status", "payment_due_by" });

            migrationBuilder.CreateIndex(
                name: "ix_payment_attempts_order_id_id",
                table: "payment_attempts",
                columns: new[] { "order_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_status",
                table: "payments",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_saved_addresses_customer_id_last_used_at",
                table: "saved_addresses",
                columns: new[] { "customer_id", "last_used_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checkout_requests");

            migrationBuilder.DropTable(
                name: "order_events");

            migrationBuilder.DropTable(
                name: "order_lines");

            migrationBuilder.DropTable(
                name: "order_notifications");

            migrationBuilder.DropTable(
                name: "payment_attempts");

            migrationBuilder.DropTable(
                name: "saved_addresses");

            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "payments");
        }
    }
}
