using System.Net;
using System.Net.Http.Json;
using Bazaar.Recommendations;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Recommendations;

public static class RecommendationScenario
{
    // Stocked products, by SKU and product id.
    public static async Task<(string Sku, int Id)[]> CreateProductsAsync(this StoreFactory store, int count, int units = 50)
    {
        var products = new (string, int)[count];
        for (var i = 0; i < count; i++)
        {
            var sku = await store.CreateStockedProductAsync(units);
            products[i] = (sku, await store.ProductIdAsync(sku));
        }
        return products;
    }

    public static Task<int> ProductIdAsync(this StoreFactory store, string sku) =>
        store.WithAsync(async sp => (await sp.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(sku)).GetValueOrDefault());

    // A paid order with one unit of each SKU, placed through the cart and checkout like a shopper would (as a guest
    // unless a client is given).
    public static async Task<long> PlaceOrderAsync(this StoreFactory store, HttpClient? shopper, params string[] skus)
    {
        var client = shopper ?? store.CreateClient();
        foreach (var sku in skus) (await client.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        var response = await client.CheckOutAsync(CheckoutScenario.Body());
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = await CheckoutScenario.OrderIdOf(response);
        if (shopper is null) client.Dispose();
        return id;
    }

    public static Task<int> CatchUpAlsoBoughtAsync(this StoreFactory store) =>
        store.Services.GetRequiredService<RecommendationJobs>().CatchUpAsync(CancellationToken.None);

    public static Task RequestRebuildAsync(this StoreFactory store) =>
        store.WithAsync(async sp => { await sp.GetRequiredService<AlsoBoughtBuilder>().RequestRebuildAsync(); return 0; });

    // Neighbours through the facade; a RecommendationStore caches nothing, so they are the counts in the database.
    public static Task<IReadOnlyList<Neighbour>> NeighboursAsync(this StoreFactory store, int productId) =>
        store.WithAsync(sp => sp.GetRequiredService<Bazaar.Recommendations.Recommendations>().NeighboursAsync(productId));
}

// Recommendations read straight from the database: no per-node cache between a recount and the assertion.
public class RecommendationStore : CheckoutStore
{
    public RecommendationStore()
    {
        With("Recommendations:CacheFor", "00:00:00");
        With("Recommendations:BuildInterval", "01:00:00");
    }
}
