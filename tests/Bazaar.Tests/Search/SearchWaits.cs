using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Search;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Search;

// Search is eventually consistent: tests wait for this node's indexer to apply every change in the feed
// (and, where stock matters, for a fresh in-stock snapshot) before comparing with the database.
public static class SearchWaits
{
    public static async Task WaitForIndexAsync(this StoreFactory store, TimeSpan? within = null, bool freshStock = false)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        var startedAt = DateTimeOffset.UtcNow;
        var indexer = store.Services.GetRequiredService<SearchIndexer>();
        var index = store.Services.GetRequiredService<SearchIndex>();
        var stock = store.Services.GetRequiredService<StockSnapshot>();
        while (true)
        {
            await using (var scope = store.Services.CreateAsyncScope())
            {
                var latest = await scope.ServiceProvider.GetRequiredService<BazaarDb>().ProductChanges.MaxAsync(c => (long?)c.Id) ?? 0;
                var stockFresh = !freshStock || stock.RefreshedAt > startedAt;
                if (index.IsOpen && indexer.HighestSeen >= latest && indexer.Rebuilding is null && stockFresh) return;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"The search index did not catch up: applied through {indexer.AppliedThrough}, seen {indexer.HighestSeen}, latest {latest}.");
            }
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> SearchAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync(new Uri("/api/search?" + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static IEnumerable<int> Ids(this JsonElement result) =>
        result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());

    public static async Task<int> CreateProductAsync(this HttpClient admin, string title, string brand = "Testbrand", decimal price = 19.99m)
    {
        var tree = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement;
        var categoryId = tree[0].GetProperty("id").GetInt32();
        var sku = "S-" + Guid.NewGuid().ToString("N")[..10];
        var created = await admin.PostAsJsonAsync("/api/admin/products", new { sku, title, brand, price, categoryId });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
    }
}
