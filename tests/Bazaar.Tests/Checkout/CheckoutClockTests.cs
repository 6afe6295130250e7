using System.Net;
using System.Text.Json;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Checkout;

// Checkout against time on a fake clock: holds that ran out before checkout, orders whose payment never came.
public class CheckoutClockTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly StoreFactory _store;

    public CheckoutClockTests()
    {
        // The sweeper is taken out so that these tests decide when holds are released.
        _store = new CheckoutStore().With("Orders:PaymentTimeout", "00:15:00").WithServices(s =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ExpiredReservationSweeper)));
        });
    }

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private Task<int> SweepAsync() => _store.WithAsync(async sp => (await sp.GetRequiredService<Bazaar.Inventory.Inventory>().ExpireDueAsync(1000)).Count);

    [Fact]
    public async Task A_hold_that_ran_out_is_held_again_at_checkout_when_the_shelf_still_has_the_units()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 2);
        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await SweepAsync());

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stock = await _store.StockOfAsync(sku);
        Assert.Equal((3, 0), (stock.OnHand, stock.Reserved));
        var ledger = await _store.WithAsync(sp => sp.GetRequiredService<Bazaar.Inventory.Inventory>().GetLedgerAsync(sku));
        Assert.Equal(["Received", "Reserved", "Expired", "Reserved", "Committed"], ledger.Reverse().Select(m => m.Kind).ToArray());
        Assert.Empty(await _store.FullAuditAsync());
    }

    [Fact]
    public async Task A_hold_that_ran_out_while_the_units_sold_elsewhere_names_the_line_and_places_nothing()
    {
        var sku = await _store.CreateStockedProductAsync(3);
        var other = await _store.CreateStockedProductAsync(3);
        using var shopper = await _store.ShopperWithCartAsync(sku, 2);
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(shopper, "/api/cart/items", new { sku = other, quantity = 1 })).EnsureSuccessStatusCode();
        _clock.Advance(TimeSpan.FromMinutes(31));
        await SweepAsync();
        using var rival = await _store.ShopperWithCartAsync(sku, 2);
        var orders = await _store.OrderCountAsync();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, $"lines.{sku}");
        var line = Assert.Single(problem.GetProperty("lines").EnumerateArray());
        Assert.Equal((sku, 2, 1), (line.GetProperty("sku").GetString(), line.GetProperty("requested").GetInt32(), line.GetProperty("available").GetInt32()));
        Assert.Equal(orders, await _store.OrderCountAsync());
        Assert.Equal((3, 2), ((await _store.StockOfAsync(sku)).OnHand, (await _store.StockOfAsync(sku)).Reserved));
        Assert.Equal((3, 0), ((await _store.StockOfAsync(other)).OnHand, (await _store.StockOfAsync(other)).Reserved));
        var cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        Assert.Equal(2, cart.GetProperty("lines").GetArrayLength());
        Assert.Empty(await _store.FullAuditAsync());
    }

    [Fact]
    public async Task An_order_whose_payment_never_completes_is_cancelled_within_minutes_and_its_page_takes_no_card()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 2);
        var pending = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(pending);
        var canceller = _store.Services.GetRequiredService<UnpaidOrderCanceller>();
        Assert.Equal(0, await canceller.RunOnceAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(16));
        await Task.WhenAll(canceller.RunOnceAsync(CancellationToken.None), canceller.RunOnceAsync(CancellationToken.None));

        var order = await shopper.OrderAsync(id);
        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Equal(("ExpireUnpaid", "system"), (order.GetProperty("timeline").EnumerateArray().Last().GetProperty("action").GetString(), order.GetProperty("timeline").EnumerateArray().Last().GetProperty("actor").GetString()));
        // It never took stock: the units are still the cart's holds, which the shopper can check out again.
        Assert.Equal((5, 2), ((await _store.StockOfAsync(sku)).OnHand, (await _store.StockOfAsync(sku)).Reserved));
        Assert.Equal("Voided", (await _store.PaymentOfAsync(id))!.Status);
        var late = await shopper.PayOnGatewayAsync((await _store.PaymentOfAsync(id))!.PayUrl!, Bazaar.Payments.Sandbox.SandboxCard.Succeeds);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Empty(await _store.FullAuditAsync());
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
    }
}
