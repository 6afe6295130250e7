using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bazaar.Catalog;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Search;

// A store whose catalogue is a slice of the bundled one, as shoppers see it: every laptop and every product naming
// laptops or notebooks (bags, locks, stands, privacy screens), every toner naming HP (HP's own and the ones made for
// HP printers), and every fortieth other product.
public sealed class BundledSliceStore : StoreFactory
{
    private readonly string _slice = Path.Combine(Path.GetTempPath(), "bazaar-tests", "bundled-slice-" + Guid.NewGuid().ToString("N") + ".json");

    public override async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_slice)!);
        var picked = new JsonArray();
        var position = 0;
        foreach (var file in Directory.EnumerateFiles(CatalogImport.BundledCatalogPath, "*.zip").Order(StringComparer.Ordinal))
        {
            using var zip = ZipFile.OpenRead(file);
            foreach (var entry in zip.Entries)
            {
                await using var stream = entry.Open();
                var products = await JsonNode.ParseAsync(stream) as JsonArray ?? [];
                foreach (var product in products.ToList())
                {
                    var title = product?["title"]?.GetValue<string>() ?? "";
                    var keep = Regex.IsMatch(title, "laptop|notebook", RegexOptions.IgnoreCase)
                        || (Regex.IsMatch(title, "toner", RegexOptions.IgnoreCase) && Regex.IsMatch(title, @"\bhp\b", RegexOptions.IgnoreCase))
                        || position++ % 40 == 0;
                    if (keep) picked.Add(product!.DeepClone());
                }
            }
        }
        await File.WriteAllTextAsync(_slice, picked.ToJsonString());
        With("Database:SeedCatalogPath", _slice);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_slice);
    }
}

public class BundledSearchTests(BundledSliceStore store) : IClassFixture<BundledSliceStore>
{
    [Theory]
    [InlineData("laptop")]
    [InlineData("laptops")]
    [InlineData("notebook")]
    [InlineData("lapptop")]
    public async Task A_type_query_returns_products_of_that_type_before_accessories_for_it(string query)
    {
        var top = await TopAsync(query);
        Assert.Equal(10, top.Count);
        Assert.All(top, hit => Assert.Equal("Laptops", hit.Category));
        // Read as a shopper would: none of these is a bag, lock, stand, screen or cable for a laptop.
        Assert.All(top, hit => Assert.DoesNotMatch(new Regex(@"\b(bag|case|sleeve|backpack|lock|stand|arm|screen|privacy|cable|cord|adapter|for laptop)\b",
            RegexOptions.IgnoreCase), hit.Title));
    }

    [Fact]
    public async Task A_brand_and_a_type_put_the_brands_own_products_of_that_type_first()
    {
        var top = await TopAsync("hp toner");
        Assert.Equal(10, top.Count);
        Assert.All(top, hit => Assert.Equal(("HP", "Toner Cartridges"), (hit.Brand, hit.Category)));
    }

    [Fact]
    public async Task The_same_words_the_other_way_round_ask_for_the_accessory()
    {
        var top = await TopAsync("laptop bag");
        Assert.All(top.Take(5), hit => Assert.Equal("Laptop Bags & Cases", hit.Category));
    }

    [Fact]
    public async Task Type_ahead_completes_the_search_and_offers_the_brand_it_names()
    {
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(120));
        using var client = store.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search/suggest?q=hp%20las", UriKind.Relative)));
        var searches = doc.RootElement.GetProperty("searches").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("hp laserjet", searches);
        Assert.Contains(doc.RootElement.GetProperty("brands").EnumerateArray(), b => b.GetProperty("value").GetString() == "HP");
        Assert.All(doc.RootElement.GetProperty("products").EnumerateArray(), p => Assert.Equal("HP", p.GetProperty("brand").GetString()));
    }

    [Fact]
    public async Task Every_page_has_the_type_ahead_box_in_its_header_and_the_search_page_has_only_that_one()
    {
        using var client = store.CreateClient();
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Matches("<input id=\"site-search\"[^>]*role=\"combobox\"", home);
        var search = await client.GetStringAsync(new Uri("/search?q=toner", UriKind.Relative));
        Assert.Single(Regex.Matches(search, "type=\"search\""));
        Assert.Matches("<input id=\"site-search\"[^>]*value=\"toner\"", search);
    }

    private async Task<List<(string Title, string Brand, string Category)>> TopAsync(string query)
    {
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(120));
        using var client = store.CreateClient();
        var names = new Dictionary<int, string>();
        using (var tree = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/categories", UriKind.Relative))))
            Collect(tree.RootElement, names);
        var result = await client.SearchAsync("pageSize=10&q=" + Uri.EscapeDataString(query));
        return result.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("title").GetString()!, i.GetProperty("brand").GetString()!, names[i.GetProperty("categoryId").GetInt32()]))
            .ToList();
    }

    private static void Collect(JsonElement element, Dictionary<int, string> names)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Collect(item, names);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        if (element.TryGetProperty("id", out var id) && element.TryGetProperty("name", out var name)) names[id.GetInt32()] = name.GetString()!;
        foreach (var property in element.EnumerateObject())
            if (property.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Object) Collect(property.Value, names);
    }
}
