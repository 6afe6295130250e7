using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Inventory;

// Hundreds of shoppers try to hold a few units at the same moment, through the real host and database.
public class ReservationConcurrencyTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private const int Units = 25;
    private const int Buyers = 300;

    public static async Task<(int Held, int SoldOut, int Other)> RaceAsync(IReadOnlyList<HttpClient> buyers, string sku)
    {
        // Each buyer has its own cookie jar: a distinct shopper. Fetch the cookies first, then release all at once.
        await Task.WhenAll(buyers.Select(b => b.GetAsync(new Uri("/api/cart", UriKind.Relative))));
        using var start = new ManualResetEventSlim(false);
        var attempts = buyers.Select(b => Task.Run(async () =>
        {
            start.Wait();
            return await b.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 });
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(attempts);
        var held = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var soldOut = responses.Count(r => r.StatusCode == HttpStatusCode.Conflict);
        foreach (var r in responses.Where(r => (int)r.StatusCode >= 500))
            Assert.Fail($"A buyer got {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        return (held, soldOut, responses.Length - held - soldOut);
    }

    [Theory]
    [InlineData("row-lock")]
    [InlineData("queue")]
    [InlineData("gate")]
    public async Task Concurrent_buyers_hold_exactly_the_units_there_are(string strategy)
    {
        var sku = await store.CreateStockedProductAsync(Units, strategy);
        var buyers = Enumerable.Range(0, Buyers).Select(_ => store.CreateClient()).ToList();

        var (held, soldOut, other) = await RaceAsync(buyers, sku);

        Assert.Equal(Units, held);
        Assert.Equal(Buyers - Units, soldOut);
        Assert.Equal(0, other);
        var stock = await store.StockOfAsync(sku);
        Assert.Equal(Units, stock.OnHand);
        Assert.Equal(Units, stock.Reserved);
        Assert.Empty(await store.AuditAsync());
        buyers.ForEach(b => b.Dispose());
    }

    [Theory]
    [InlineData("row-lock")]
    [InlineData("queue")]
    [InlineData("gate")]
    public async Task One_shopper_racing_themself_never_passes_the_purchase_limit(string strategy)
    {
        var sku = await store.CreateStockedProductAsync(50, strategy, purchaseLimit: 3);
        using var shopper = store.CreateClient();
        await shopper.GetAsync(new Uri("/api/cart", UriKind.Relative));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(3, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
    }
}
