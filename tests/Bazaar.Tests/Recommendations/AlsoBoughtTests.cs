using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Recommendations;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Recommendations;

// Also bought over real orders: the hand-checked set of CoPurchaseCountsTests, placed through checkout.
public class AlsoBoughtTests(RecommendationStore store) : IClassFixture<RecommendationStore>
{
    private async Task<(string Sku, int Id)[]> HandCheckedOrdersAsync(bool countBetween = false)
    {
        var p = await store.CreateProductsAsync(4);
        var (a, b, c, d) = (p[0].Sku, p[1].Sku, p[2].Sku, p[3].Sku);
        await store.PlaceOrderAsync(null, a, b);
        await store.PlaceOrderAsync(null, a, b);
        await store.PlaceOrderAsync(null, a, c);
        if (countBetween) await store.CatchUpAlsoBoughtAsync();
        await store.PlaceOrderAsync(null, a, b, c);
        await store.PlaceOrderAsync(null, c, d);
        await store.PlaceOrderAsync(null, c, d);
        await store.CatchUpAlsoBoughtAsync();
        return p;
    }

    private async Task<Dictionary<(int, int), int>> PairsAsync(IReadOnlyCollection<int> ids) =>
        await store.WithAsync(async sp => await sp.GetRequiredService<BazaarDb>().CoPurchasePairs.AsNoTracking()
            .Where(x => ids.Contains(x.ProductId)).ToDictionaryAsync(x => (x.ProductId, x.OtherId), x => x.Baskets));

    [Fact]
    public async Task Orders_counted_as_they_arrive_give_the_hand_computed_neighbours_and_scores()
    {
        var p = await HandCheckedOrdersAsync(countBetween: true);
        var (a, b, c, d) = (p[0].Id, p[1].Id, p[2].Id, p[3].Id);

        var ofA = await store.NeighboursAsync(a);
        var ofC = await store.NeighboursAsync(c);

        Assert.Equal([b, c], ofA.Select(n => n.ProductId));
        Assert.Equal([0.866025, 0.5], ofA.Select(n => Math.Round(n.Score, 6)));
        Assert.Equal([d, a], ofC.Select(n => n.ProductId));
        Assert.Equal(0.707107, Math.Round(ofC[0].Score, 6));
        Assert.Equal([3, 2], ofA.Select(n => n.Together));
    }

    [Fact]
    public async Task A_full_rebuild_gives_the_same_counts_as_counting_orders_as_they_arrive()
    {
        var p = await HandCheckedOrdersAsync(countBetween: true);
        var ids = p.Select(x => x.Id).ToList();
        var incremental = await PairsAsync(ids);

        await store.RequestRebuildAsync();
        await store.CatchUpAlsoBoughtAsync();

        Assert.Equal(incremental.OrderBy(x => x.Key), (await PairsAsync(ids)).OrderBy(x => x.Key));
        Assert.Equal(8, incremental.Count);
    }

    [Fact]
    public async Task The_rebuild_drops_cancelled_orders()
    {
        var p = await store.CreateProductsAsync(2);
        var first = await store.PlaceOrderAsync(null, p[0].Sku, p[1].Sku);
        await store.PlaceOrderAsync(null, p[0].Sku, p[1].Sku);
        await store.CatchUpAlsoBoughtAsync();
        Assert.Equal([p[1].Id], (await store.NeighboursAsync(p[0].Id)).Select(n => n.ProductId));

        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{first}/cancel", new { reason = "test" })).EnsureSuccessStatusCode();
        await store.RequestRebuildAsync();
        await store.CatchUpAlsoBoughtAsync();

        // One order left with both: below the two-order minimum, so no longer a neighbour.
        Assert.Empty(await store.NeighboursAsync(p[0].Id));
        Assert.Equal(1, (await PairsAsync([p[0].Id]))[(p[0].Id, p[1].Id)]);
    }

    [Fact]
    public async Task Out_of_stock_neighbours_are_left_out_at_display_time()
    {
        var p = await HandCheckedOrdersAsync();
        using var admin = await store.CreateAdminClientAsync();
        using var client = store.CreateClient();
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/products/{p[0].Id}/also-bought");
        Assert.Equal([p[1].Id, p[2].Id], before.EnumerateArray().Select(x => x.GetProperty("id").GetInt32()));

        (await admin.PostAsJsonAsync($"/api/admin/stock/{p[1].Sku}/adjust", new { onHand = 0, reason = "sold out" })).EnsureSuccessStatusCode();

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/products/{p[0].Id}/also-bought");
        Assert.Equal([p[2].Id], after.EnumerateArray().Select(x => x.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task Builders_running_at_once_count_every_order_exactly_once()
    {
        var p = await store.CreateProductsAsync(3);
        await store.CatchUpAlsoBoughtAsync();
        for (var i = 0; i < 6; i++) await store.PlaceOrderAsync(null, p[0].Sku, p[1].Sku, p[2].Sku);

        var jobs = store.Services.GetRequiredService<RecommendationJobs>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => jobs.CatchUpAsync(CancellationToken.None))));

        var pairs = await PairsAsync(p.Select(x => x.Id).ToList());
        Assert.Equal(6, pairs.Count);
        Assert.All(pairs.Values, count => Assert.Equal(6, count));
        var items = await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().CoPurchaseItems.AsNoTracking()
            .Where(x => p.Select(y => y.Id).Contains(x.ProductId)).Select(x => x.Baskets).ToListAsync());
        Assert.Equal([6, 6, 6], items);
    }

    [Fact]
    public async Task Unknown_products_get_404_problems()
    {
        using var client = store.CreateClient();
        await (await client.GetAsync(new Uri("/api/products/99999999/also-bought", UriKind.Relative))).AssertProblemAsync(System.Net.HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync("/api/recently-viewed", new { productId = 99999999 })).AssertProblemAsync(System.Net.HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync("/api/recently-viewed", new { })).AssertProblemAsync(System.Net.HttpStatusCode.BadRequest, "productId");
    }
}
