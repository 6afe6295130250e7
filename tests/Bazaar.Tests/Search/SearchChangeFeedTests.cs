using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Search;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Search;

// The change feed: product writes append to it in their own transaction; each node's indexer tails it, so
// every index converges on the database, after restarts and with more than one node.
public class SearchChangeFeedTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "bazaar-tests", "search-" + Guid.NewGuid().ToString("N"));
    private StoreFactory? _first;

    public async ValueTask InitializeAsync()
    {
        _first = new StoreFactory().With("Database:DataDirectory", _dataDirectory).With("Search:CommitInterval", "00:00:00.200");
        await _first.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_first is not null) await _first.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    // A word no catalogue has, letters only (so the analyzer keeps it whole).
    private static string Word() => "zq" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));

    [Fact]
    public async Task Create_update_and_delete_reach_the_index_within_seconds()
    {
        var store = _first!;
        using var admin = await store.CreateAdminClientAsync();
        var before = Word();
        var id = await admin.CreateProductAsync($"Feed test {before} cable");
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(id, (await admin.SearchAsync("q=" + before)).Ids().First());

        var after = Word();
        var product = await admin.GetFromJsonAsync<Bazaar.Catalog.ProductDetails>($"/api/products/{id}");
        var update = await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
        {
            sku = product!.Sku, title = $"Feed test {after} cable", brand = product.Brand, price = 5.00m, categoryId = product.CategoryPath[^1].Id,
        });
        update.EnsureSuccessStatusCode();
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(id, (await admin.SearchAsync("q=" + before)).Ids());
        var found = await admin.SearchAsync("q=" + after);
        Assert.Equal(id, found.Ids().First());
        Assert.Equal(5.00m, found.GetProperty("items")[0].GetProperty("price").GetDecimal());

        (await admin.DeleteAsync(new Uri($"/api/admin/products/{id}", UriKind.Relative))).EnsureSuccessStatusCode();
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(id, (await admin.SearchAsync("q=" + after)).Ids());
    }

    [Fact]
    public async Task A_product_in_a_category_another_node_just_created_is_indexed_under_it()
    {
        var store = _first!;
        using var admin = await store.CreateAdminClientAsync();
        // This node has the category tree cached for navigation, as any page view leaves it.
        var department = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement[0].GetProperty("id").GetInt32();
        // Another node creates a category and a product in it: this node's catalogue does not hear of it.
        await using var other = new StoreFactory().SharingDatabaseWith(store);
        await other.InitializeAsync();
        using var otherAdmin = await other.CreateAdminClientAsync();
        var shelf = await otherAdmin.PostAsJsonAsync("/api/admin/categories", new { name = "Feed Shelf " + Word(), parentId = department });
        Assert.True(shelf.IsSuccessStatusCode, await shelf.Content.ReadAsStringAsync());
        var category = JsonDocument.Parse(await shelf.Content.ReadAsStringAsync()).RootElement;
        var (categoryId, slug) = (category.GetProperty("id").GetInt32(), category.GetProperty("slug").GetString()!);
        var word = Word();
        var created = await otherAdmin.PostAsJsonAsync("/api/admin/products", new { sku = "S-" + Word()[..10], title = $"Feed shelf {word} bracket", brand = "Testbrand", price = 9.99m, categoryId });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        await store.WaitForIndexAsync(TimeSpan.FromSeconds(5));

        // Within a minute this node's navigation tree reads the new category (forced here); the index must by then
        // hold the product under it, as it keeps what it was given until the product changes again.
        await using (var scope = store.Services.CreateAsyncScope())
            scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>().ForgetCategoryTree();
        var found = await admin.SearchAsync($"q={word}");
        Assert.Equal([id], found.Ids());
        var facet = Assert.Single(Flatten(found.GetProperty("facets").GetProperty("categories")), c => c.GetProperty("id").GetInt32() == categoryId);
        Assert.Equal(1, facet.GetProperty("count").GetInt32());
        Assert.Equal([id], (await admin.SearchAsync($"category={slug}")).Ids());
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement nodes) =>
        nodes.EnumerateArray().SelectMany(n => Flatten(n.GetProperty("children")).Prepend(n));

    [Fact]
    public async Task Every_product_write_appends_to_the_feed_in_its_transaction()
    {
        using var admin = await _first!.CreateAdminClientAsync();
        var latest = await LatestChangeAsync(_first);
        var id = await admin.CreateProductAsync("Feed row test " + Word());
        (await admin.DeleteAsync(new Uri($"/api/admin/products/{id}", UriKind.Relative))).EnsureSuccessStatusCode();
        // A refused write (an unknown product) appends nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("/api/admin/products/999999", UriKind.Relative))).StatusCode);
        await using var scope = _first.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<BazaarDb>().ProductChanges.Where(c => c.Id > latest).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal([id, id], rows.Select(r => r.ProductId));
    }

    [Fact]
    public async Task A_restarted_node_resumes_from_its_index_and_converges()
    {
        var nodeData = _dataDirectory + "-node";
        try
        {
            var node = new StoreFactory().SharingDatabaseWith(_first!).With("Database:DataDirectory", nodeData);
            await node.InitializeAsync();
            await node.WaitForIndexAsync();
            var committed = node.Services.GetRequiredService<SearchIndex>().CommittedThrough;
            using (var admin = await node.CreateAdminClientAsync())
                for (var i = 0; i < 15; i++) await admin.CreateProductAsync($"Restart test {Word()} item {i}");
            // Stopped at once: part-way through applying the new rows, or before it saw them.
            await node.DisposeAsync();

            await using var restarted = new StoreFactory().SharingDatabaseWith(_first!).With("Database:DataDirectory", nodeData);
            await restarted.InitializeAsync();
            var index = restarted.Services.GetRequiredService<SearchIndex>();
            Assert.True(index.CommittedThrough >= committed, "The restarted node opened its own index, not a rebuild from scratch.");
            await restarted.WaitForIndexAsync();
            await AssertConvergedAsync(restarted);
        }
        finally
        {
            try { Directory.Delete(nodeData, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
    }

    [Fact]
    public async Task Two_nodes_each_converge_on_the_database()
    {
        await using var second = new StoreFactory().SharingDatabaseWith(_first!);
        await second.InitializeAsync();
        using var admin = await _first!.CreateAdminClientAsync();
        using var otherAdmin = await second.CreateAdminClientAsync();
        var ids = new List<int>();
        for (var i = 0; i < 6; i++) ids.Add(await (i % 2 == 0 ? admin : otherAdmin).CreateProductAsync($"Two nodes {Word()} {i}"));
        (await otherAdmin.DeleteAsync(new Uri($"/api/admin/products/{ids[0]}", UriKind.Relative))).EnsureSuccessStatusCode();

        await _first.WaitForIndexAsync();
        await second.WaitForIndexAsync();
        await AssertConvergedAsync(_first);
        await AssertConvergedAsync(second);
    }

    private static async Task<long> LatestChangeAsync(StoreFactory store)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BazaarDb>().ProductChanges.MaxAsync(c => (long?)c.Id) ?? 0;
    }

    // The index holds exactly the database's products, each with its current title.
    private static async Task AssertConvergedAsync(StoreFactory store)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var products = await scope.ServiceProvider.GetRequiredService<BazaarDb>().Products.AsNoTracking().Select(p => new { p.Id, p.Title }).ToListAsync();
        var index = store.Services.GetRequiredService<SearchIndex>();
        using var lease = index.Acquire();
        var indexed = new List<int>();
        lease.Searcher.Search(new Lucene.Net.Search.MatchAllDocsQuery(), new ProductIdCollector(indexed));
        Assert.Equal(products.Select(p => p.Id).Order(), indexed.Order());
        using var client = store.CreateClient();
        foreach (var product in products.Where(p => p.Title.Contains("zq", StringComparison.Ordinal)))
        {
            var word = product.Title.Split(' ').First(w => w.StartsWith("zq", StringComparison.Ordinal));
            Assert.Contains(product.Id, (await client.SearchAsync("q=" + word)).Ids());
        }
    }
}
