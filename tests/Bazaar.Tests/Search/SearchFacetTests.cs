using System.Globalization;
using System.Text.Json;
using Bazaar.Catalog;
using Bazaar.Data;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Search;

// Facet counts from the index equal counts computed from the database for the same filters, over random
// combinations: OR within a facet, AND across facets, each facet's counts ignoring only its own selection.
public class SearchFacetTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private sealed record Row(int Id, string Brand, decimal Price, HashSet<int> Categories, Dictionary<string, string> Attributes, bool InStock);

    private sealed record Filters(List<int> Categories, List<string> Brands, List<(decimal? Min, decimal? Max, string Key)> Prices, bool InStock, Dictionary<string, List<string>> Attributes);

    [Fact]
    public async Task Facet_counts_equal_database_counts_for_random_filter_combinations()
    {
        await store.WaitForIndexAsync(freshStock: true);
        var rows = await LoadRowsAsync();
        using var client = store.CreateClient();
        var all = await client.SearchAsync("pageSize=100");
        Assert.Equal(rows.Count, all.GetProperty("total").GetInt32());

        var brands = rows.Select(r => r.Brand).Distinct().ToList();
        var categories = rows.SelectMany(r => r.Categories).Distinct().ToList();
        var attributeValues = all.GetProperty("facets").GetProperty("attributes").EnumerateArray()
            .SelectMany(a => a.GetProperty("values").EnumerateArray().Select(v => (Key: a.GetProperty("key").GetString()!, Value: v.GetProperty("value").GetString()!)))
            .ToList();
        var prices = new (decimal?, decimal?, string)[] { (null, 25, "-25"), (25, 50, "25-50"), (50, 100, "50-100"), (100, 250, "100-250"), (250, null, "250-"), (10, 60, "10-60") };

        var random = new Random(20261125);
        for (var round = 0; round < 40; round++)
        {
            var filters = new Filters(
                Pick(random, categories, 2), Pick(random, brands, 3), Pick(random, prices.ToList(), 2), random.Next(3) == 0,
                Pick(random, attributeValues, 2).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Select(a => a.Value).ToList()));
            var query = QueryOf(filters);
            var result = await client.SearchAsync(query);
            var facets = result.GetProperty("facets");

            Assert.True(Matching(rows, filters, null).Count() == result.GetProperty("total").GetInt32(), $"total for {query}");
            foreach (var brand in facets.GetProperty("brands").EnumerateArray())
                Assert.True(Matching(rows, filters, "brand").Count(r => r.Brand == brand.GetProperty("value").GetString()) == brand.GetProperty("count").GetInt32(),
                    $"brand {brand} for {query}");
            foreach (var node in Flatten(facets.GetProperty("categories")))
                Assert.True(Matching(rows, filters, "category").Count(r => r.Categories.Contains(node.GetProperty("id").GetInt32())) == node.GetProperty("count").GetInt32(),
                    $"category {node.GetProperty("name")} for {query}");
            foreach (var price in facets.GetProperty("prices").EnumerateArray())
            {
                var key = price.GetProperty("value").GetString()!;
                var (min, max) = Range(key);
                Assert.True(Matching(rows, filters, "price").Count(r => InRange(r.Price, min, max, key)) == price.GetProperty("count").GetInt32(),
                    $"price {key} for {query}");
            }
            Assert.True(Matching(rows, filters, "inStock").Count(r => r.InStock) == facets.GetProperty("inStock").GetProperty("count").GetInt32(), $"in stock for {query}");
            foreach (var attribute in facets.GetProperty("attributes").EnumerateArray())
            {
                var key = attribute.GetProperty("key").GetString()!;
                foreach (var value in attribute.GetProperty("values").EnumerateArray())
                    Assert.True(Matching(rows, filters, "attr." + key).Count(r => r.Attributes.GetValueOrDefault(key) == value.GetProperty("value").GetString()) == value.GetProperty("count").GetInt32(),
                        $"attribute {key}={value.GetProperty("value")} for {query}");
            }
        }
    }

    [Fact]
    public async Task Search_results_show_stock_read_from_the_database()
    {
        await store.WaitForIndexAsync();
        using var client = store.CreateClient();
        var result = await client.SearchAsync("pageSize=100");
        await using var scope = store.Services.CreateAsyncScope();
        var inventory = scope.ServiceProvider.GetRequiredService<Bazaar.Inventory.Inventory>();
        var ids = result.Ids().ToList();
        var levels = await inventory.GetStockForProductsAsync(ids);
        foreach (var item in result.GetProperty("items").EnumerateArray())
        {
            var id = item.GetProperty("id").GetInt32();
            var expected = levels.TryGetValue(id, out var level) ? level.Label : "Not sold right now";
            Assert.Equal(expected, item.GetProperty("stock").GetProperty("label").GetString());
        }
    }

    private static string QueryOf(Filters f)
    {
        var parts = new List<string> { "pageSize=5" };
        parts.AddRange(f.Categories.Select(c => "category=" + c.ToString(CultureInfo.InvariantCulture)));
        parts.AddRange(f.Brands.Select(b => "brand=" + Uri.EscapeDataString(b)));
        parts.AddRange(f.Prices.Select(p => "price=" + p.Key));
        if (f.InStock) parts.Add("inStock=true");
        foreach (var (key, values) in f.Attributes)
            parts.AddRange(values.Select(v => $"attr.{key}={Uri.EscapeDataString(v)}"));
        return string.Join('&', parts);
    }

    // The products passing every filter group but `except`.
    private static IEnumerable<Row> Matching(List<Row> rows, Filters f, string? except) => rows.Where(r =>
        (except == "category" || f.Categories.Count == 0 || f.Categories.Any(r.Categories.Contains))
        && (except == "brand" || f.Brands.Count == 0 || f.Brands.Contains(r.Brand))
        && (except == "price" || f.Prices.Count == 0 || f.Prices.Any(p => InRange(r.Price, p.Min, p.Max, p.Key)))
        && (except == "inStock" || !f.InStock || r.InStock)
        && f.Attributes.All(a => except == "attr." + a.Key || (r.Attributes.TryGetValue(a.Key, out var v) && a.Value.Contains(v))));

    // The facet's own buckets leave out their maximum; a range a shopper typed includes it.
    private static readonly HashSet<string> Buckets = ["-25", "25-50", "50-100", "100-250", "250-500", "500-1000", "1000-"];

    private static bool InRange(decimal price, decimal? min, decimal? max, string key) =>
        (min is null || price >= min) && (max is null || price < max || (price == max && !Buckets.Contains(key)));

    private static (decimal? Min, decimal? Max) Range(string key)
    {
        var dash = key.IndexOf('-', StringComparison.Ordinal);
        decimal? Part(string s) => s.Length == 0 ? null : decimal.Parse(s, CultureInfo.InvariantCulture);
        return (Part(key[..dash]), Part(key[(dash + 1)..]));
    }

    private static List<T> Pick<T>(Random random, IReadOnlyList<T> from, int most)
    {
        var count = random.Next(most + 1);
        return from.OrderBy(_ => random.Next()).Take(count).ToList();
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement nodes) =>
        nodes.EnumerateArray().SelectMany(n => Flatten(n.GetProperty("children")).Prepend(n));

    // Straight from the database: products, their category paths, facetable attribute values and stock.
    private async Task<List<Row>> LoadRowsAsync()
    {
        await using var scope = store.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var parents = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.ParentId);
        var stock = await db.StockItems.AsNoTracking().ToDictionaryAsync(s => s.ProductId, s => s.OnHand - s.Reserved > 0);
        var products = await db.Products.AsNoTracking().Include(p => p.Attributes).ToListAsync();
        return products.Select(p =>
        {
            var path = new HashSet<int>();
            for (int? id = p.CategoryId; id is { } c && path.Add(c); id = parents.GetValueOrDefault(c)) { }
            var attributes = p.Attributes
                .Select(a => (a.Key, Value: a.DisplayValue.Trim()))
                .Where(a => a.Value.Length is > 0 and <= 40 && !a.Value.Contains('\n', StringComparison.Ordinal))
                .ToDictionary(a => a.Key, a => a.Value);
            return new Row(p.Id, p.Brand, p.Price, path, attributes, stock.GetValueOrDefault(p.Id));
        }).ToList();
    }
}
