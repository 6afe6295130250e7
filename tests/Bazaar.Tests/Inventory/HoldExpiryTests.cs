using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Inventory;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Inventory;

// Holds expire on a fake clock; sweepers release each hold exactly once.
public class HoldExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly StoreFactory _store;

    public HoldExpiryTests()
    {
        // The host's own sweeper is taken out so that these tests decide when sweepers run (several at once).
        _store = new StoreFactory().WithServices(s =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            var background = s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ExpiredReservationSweeper));
            s.Remove(background);
        });
    }

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private async Task<int> SweepConcurrentlyAsync(int sweepers)
    {
        var runs = Enumerable.Range(0, sweepers).Select(async _ =>
        {
            await using var scope = _store.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<Bazaar.Inventory.Inventory>().ExpireDueAsync(1000)).Count;
        });
        return (await Task.WhenAll(runs)).Sum();
    }

    [Fact]
    public async Task Expired_holds_are_released_once_by_concurrent_sweepers_and_stock_comes_back()
    {
        var sku = await _store.CreateStockedProductAsync(10);
        var shoppers = Enumerable.Range(0, 4).Select(_ => _store.CreateClient()).ToList();
        foreach (var shopper in shoppers)
            (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        Assert.Equal(2, (await _store.StockOfAsync(sku)).Available);

        Assert.Equal(0, await SweepConcurrentlyAsync(3));
        _clock.Advance(TimeSpan.FromMinutes(31));
        var released = await SweepConcurrentlyAsync(3);

        Assert.Equal(4, released);
        var stock = await _store.StockOfAsync(sku);
        Assert.Equal(0, stock.Reserved);
        Assert.Equal(10, stock.Available);
        await using var scope = _store.Services.CreateAsyncScope();
        var ledger = await scope.ServiceProvider.GetRequiredService<Bazaar.Inventory.Inventory>().GetLedgerAsync(sku);
        Assert.Equal(4, ledger.Count(m => m.Kind == nameof(MovementKind.Expired)));
        Assert.Empty(await _store.AuditAsync());
        shoppers.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_shopper_whose_hold_expired_sees_it_in_the_cart_and_can_hold_again()
    {
        var sku = await _store.CreateStockedProductAsync(3);
        using var shopper = _store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        var cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        Assert.Equal("Held", cart.GetProperty("lines")[0].GetProperty("hold").GetString());

        _clock.Advance(TimeSpan.FromMinutes(45));
        await SweepConcurrentlyAsync(2);

        cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        var line = cart.GetProperty("lines")[0];
        Assert.Equal("Expired", line.GetProperty("hold").GetString());
        Assert.Equal(0, line.GetProperty("heldQuantity").GetInt32());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());

        var again = await shopper.PostAsync(new Uri($"/api/cart/items/{sku}/hold", UriKind.Relative), null);
        again.EnsureSuccessStatusCode();
        Assert.Equal(2, (await _store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await _store.AuditAsync());
    }

    [Fact]
    public async Task Viewing_the_cart_extends_holds_up_to_the_cap()
    {
        var sku = await _store.CreateStockedProductAsync(3);
        using var shopper = _store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(25));
            await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative));
            await SweepConcurrentlyAsync(1);
        }
        // 150 minutes in: activity kept it alive past 30 minutes, but the 2-hour cap ended it.
        var line = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement.GetProperty("lines")[0];
        Assert.Equal("Expired", line.GetProperty("hold").GetString());
    }
}
