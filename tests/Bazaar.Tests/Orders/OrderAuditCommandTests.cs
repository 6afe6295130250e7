using System.Net;
using System.Net.Http.Json;
using Bazaar.Data;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Bazaar.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Orders;

// The `audit` command checks orders and payments as well as stock: on a clean store it exits 0; after the data is
// corrupted behind the facades' backs it exits 1 and names every broken rule and the order or SKU that breaks it.
public class OrderAuditCommandTests : IAsyncLifetime
{
    private readonly CheckoutStore _store = new();

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task<(int Code, string Output)> AuditAsync()
    {
        using var output = new StringWriter();
        var code = await StoreCommands.AuditAsync(_store.Services, output);
        return (code, output.ToString());
    }

    private async Task<long> PaidOrderAsync(string sku)
    {
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return await CheckoutScenario.OrderIdOf(placed);
    }

    [Fact]
    public async Task The_audit_command_names_a_second_capture_an_unrecorded_move_and_a_stock_count_off_the_ledger()
    {
        var sku = await _store.CreateStockedProductAsync(10);
        var shipped = await PaidOrderAsync(sku);
        var paid = await PaidOrderAsync(sku);
        using var admin = await _store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{shipped}/ship", new { })).EnsureSuccessStatusCode();

        var clean = await AuditAsync();
        Assert.True(clean.Code == 0, clean.Output);
        Assert.Contains("audit: ok, every invariant holds", clean.Output, StringComparison.Ordinal);

        await _store.WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<BazaarDb>();
            // A second capture with its own reference: money taken twice for one order.
            db.PaymentAttempts.Add(new PaymentAttempt
            {
                OrderId = shipped, Operation = PaymentOperation.Capture, Outcome = AttemptOutcome.Succeeded, Amount = 1m,
                IdempotencyKey = "capture-again", Reference = "cap_forged", At = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            // Delivered without passing the table (never shipped, never captured, no recorded move).
            await db.Orders.Where(o => o.Id == paid).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.Delivered));
            // One more unit on the shelf than the ledger knows of.
            await db.StockItems.Where(s => s.Sku == sku).ExecuteUpdateAsync(u => u.SetProperty(s => s.OnHand, s => s.OnHand + 1));
            return 0;
        });

        var (code, output) = await AuditAsync();

        Assert.Equal(1, code);
        Assert.Contains($"audit: VIOLATION a payment is captured at most once: order {shipped}: 2 captures", output, StringComparison.Ordinal);
        Assert.Contains($"audit: VIOLATION every move is recorded: order {paid}: status Delivered", output, StringComparison.Ordinal);
        Assert.Contains($"audit: VIOLATION a shipped order is captured: order {paid}: order Delivered, payment Authorised", output, StringComparison.Ordinal);
        Assert.Contains($"audit: VIOLATION on_hand = sum of ledger: {sku}", output, StringComparison.Ordinal);
        Assert.Contains("audit: 4 violation(s)", output, StringComparison.Ordinal);
    }
}
