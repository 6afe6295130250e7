using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Catalog;

public class CatalogApiTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private static readonly int SampleProductCount = SampleCatalog.ValidRecords().Count;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement nodes) =>
        nodes.EnumerateArray().SelectMany(n => Flatten(n.GetProperty("children")).Prepend(n));

    private async Task<int> AnyLeafCategoryIdAsync(HttpClient client)
    {
        var tree = await Json(await client.GetAsync(new Uri("/api/categories", UriKind.Relative)));
        return Flatten(tree).First(n => n.GetProperty("children").GetArrayLength() == 0).GetProperty("id").GetInt32();
    }

    private static object NewProduct(int categoryId, string? sku = null, decimal price = 19.99m) => new
    {
        sku = sku ?? "T-" + Guid.NewGuid().ToString("N")[..10],
        title = "Test cable 2 m",
        brand = "TestBrand",
        model = "TC-2",
        description = "A cable made for tests.",
        price,
        currency = "USD",
        categoryId,
        eans = new[] { "4006381333931" },
        imageUrls = new[] { "https://images.example/cable.jpg" },
        attributes = new object[]
        {
            new { key = "length", name = "Length", kind = "number", value = "2" },
            new { key = "colour", name = "Colour", kind = "text", value = "Black" },
        },
    };

    [Fact]
    public async Task The_category_tree_counts_every_product_once()
    {
        using var client = store.CreateClient();
        var tree = await Json(await client.GetAsync(new Uri("/api/categories", UriKind.Relative)));
        var total = (await Json(await client.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)))).GetProperty("total").GetInt32();
        Assert.True(total >= SampleProductCount, "Every valid sample product was imported.");
        Assert.Equal(total, tree.EnumerateArray().Sum(d => d.GetProperty("productCount").GetInt32()));
        foreach (var node in Flatten(tree))
        {
            var children = node.GetProperty("children").EnumerateArray().Sum(c => c.GetProperty("productCount").GetInt32());
            Assert.True(node.GetProperty("productCount").GetInt32() >= children, "A parent counts at least its children's products.");
        }
    }

    [Fact]
    public async Task Products_are_paged_with_totals()
    {
        using var client = store.CreateClient();
        var first = await Json(await client.GetAsync(new Uri("/api/products?page=1&pageSize=5", UriKind.Relative)));
        var second = await Json(await client.GetAsync(new Uri("/api/products?page=2&pageSize=5", UriKind.Relative)));
        Assert.True(first.GetProperty("total").GetInt32() >= SampleProductCount);
        Assert.Equal(5, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(5, first.GetProperty("pageSize").GetInt32());
        var firstIds = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
        var secondIds = second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32());
        Assert.Empty(firstIds.Intersect(secondIds));
    }

    [Fact]
    public async Task Products_sort_by_price_both_ways()
    {
        using var client = store.CreateClient();
        var asc = await Json(await client.GetAsync(new Uri("/api/products?sort=price-asc&pageSize=100", UriKind.Relative)));
        var desc = await Json(await client.GetAsync(new Uri("/api/products?sort=price-desc&pageSize=100", UriKind.Relative)));
        var up = asc.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal()).ToList();
        var down = desc.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(up.Order(), up);
        Assert.Equal(down.OrderDescending(), down);
        Assert.True(up[0] < up[^1], "The sample catalogue has different prices.");
    }

    [Fact]
    public async Task A_department_filter_includes_its_subcategories_and_a_brand_filter_narrows_it()
    {
        using var client = store.CreateClient();
        var tree = await Json(await client.GetAsync(new Uri("/api/categories", UriKind.Relative)));
        var department = tree.EnumerateArray().OrderByDescending(d => d.GetProperty("productCount").GetInt32()).First();
        var slug = department.GetProperty("slug").GetString();
        var page = await Json(await client.GetAsync(new Uri($"/api/products?category={slug}&pageSize=100", UriKind.Relative)));
        Assert.Equal(department.GetProperty("productCount").GetInt32(), page.GetProperty("total").GetInt32());

        var brand = page.GetProperty("items")[0].GetProperty("brand").GetString()!;
        var branded = await Json(await client.GetAsync(new Uri($"/api/products?category={slug}&brand={Uri.EscapeDataString(brand)}&pageSize=100", UriKind.Relative)));
        Assert.All(branded.GetProperty("items").EnumerateArray(), i => Assert.Equal(brand, i.GetProperty("brand").GetString()));
        Assert.Equal(page.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("brand").GetString() == brand), branded.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_product_shows_its_specification_and_category_path()
    {
        using var client = store.CreateClient();
        var list = await Json(await client.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)));
        var id = list.GetProperty("items")[0].GetProperty("id").GetInt32();
        var product = await Json(await client.GetAsync(new Uri($"/api/products/{id}", UriKind.Relative)));
        Assert.Equal(id, product.GetProperty("id").GetInt32());
        Assert.NotEmpty(product.GetProperty("attributes").EnumerateArray());
        Assert.True(product.GetProperty("categoryPath").GetArrayLength() >= 2, "A product sits in a category below a department.");
        Assert.StartsWith("IC-", product.GetProperty("sku").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/products?pageSize=100000", "pageSize")]
    [InlineData("/api/products?pageSize=0", "pageSize")]
    [InlineData("/api/products?pageSize=abc", "pageSize")]
    [InlineData("/api/products?page=-1", "page")]
    [InlineData("/api/products?sort=cheapest", "sort")]
    [InlineData("/api/products?category=no-such-category", "category")]
    public async Task Bad_query_values_get_a_400_naming_the_field(string url, string field)
    {
        using var client = store.CreateClient();
        await (await client.GetAsync(new Uri(url, UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_unknown_product_is_a_404_problem()
    {
        using var client = store.CreateClient();
        await (await client.GetAsync(new Uri("/api/products/987654321", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Admin_endpoints_refuse_anonymous_callers_and_customers()
    {
        using var anonymous = store.CreateClient();
        var categoryId = await AnyLeafCategoryIdAsync(anonymous);
        await (await anonymous.PostAsJsonAsync("/api/admin/products", NewProduct(categoryId))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var customer = await store.CreateCustomerClientAsync();
        await (await customer.PostAsJsonAsync("/api/admin/products", NewProduct(categoryId))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.DeleteAsync(new Uri("/api/admin/categories/1", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_admin_creates_updates_and_deletes_a_product()
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = await AnyLeafCategoryIdAsync(admin);
        var created = await admin.PostAsJsonAsync("/api/admin/products", NewProduct(categoryId));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await Json(created);
        var id = product.GetProperty("id").GetInt32();
        Assert.Equal(19.99m, product.GetProperty("price").GetDecimal());
        Assert.Equal(2, product.GetProperty("attributes").GetArrayLength());
        Assert.Equal($"/api/products/{id}", created.Headers.Location?.OriginalString);

        var updated = await Json(await admin.PutAsJsonAsync($"/api/admin/products/{id}", NewProduct(categoryId, product.GetProperty("sku").GetString(), 24.5m)));
        Assert.Equal(24.5m, updated.GetProperty("price").GetDecimal());
        var read = await Json(await admin.GetAsync(new Uri($"/api/products/{id}", UriKind.Relative)));
        Assert.Equal(24.5m, read.GetProperty("price").GetDecimal());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/admin/products/{id}", UriKind.Relative))).StatusCode);
        await (await admin.GetAsync(new Uri($"/api/products/{id}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync(new Uri($"/api/admin/products/{id}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_duplicate_sku_is_a_conflict_and_writes_nothing()
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = await AnyLeafCategoryIdAsync(admin);
        var sku = "DUP-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsJsonAsync("/api/admin/products", NewProduct(categoryId, sku));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = (await Json(await admin.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)))).GetProperty("total").GetInt32();
        await (await admin.PostAsJsonAsync("/api/admin/products", NewProduct(categoryId, sku))).AssertProblemAsync(HttpStatusCode.Conflict);
        var after = (await Json(await admin.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)))).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
        await admin.DeleteAsync(created.Headers.Location!.OriginalString.Replace("/api/products/", "/api/admin/products/", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadProducts => new()
    {
        { """{"sku":"X-1","title":"T","brand":"B","price":-5,"categoryId":CAT}""", "price" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1.999,"categoryId":CAT}""", "price" },
        { """{"sku":"X-1","title":"T","brand":"B","price":"cheap","categoryId":CAT}""", "price" },
        { """{"sku":"X-1","title":"","brand":"B","price":1,"categoryId":CAT}""", "title" },
        { """{"sku":"bad sku!","title":"T","brand":"B","price":1,"categoryId":CAT}""", "sku" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1,"categoryId":99999999}""", "categoryId" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1,"categoryId":CAT,"currency":"dollars"}""", "currency" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1,"categoryId":CAT,"eans":["12ab"]}""", "eans" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1,"categoryId":CAT,"attributes":[{"key":"w","kind":"number","value":"heavy"}]}""", "attributes[0].value" },
        { """{"sku":"X-1","title":"T","brand":"B","price":1,"categoryId":"seven"}""", "categoryId" },
    };

    [Theory]
    [MemberData(nameof(BadProducts))]
    public async Task Bad_product_input_gets_a_400_naming_the_field_and_writes_nothing(string json, string field)
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = await AnyLeafCategoryIdAsync(admin);
        var before = (await Json(await admin.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)))).GetProperty("total").GetInt32();
        using var content = new StringContent(json.Replace("CAT", categoryId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), Encoding.UTF8, "application/json");
        await (await admin.PostAsync(new Uri("/api/admin/products", UriKind.Relative), content)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        var after = (await Json(await admin.GetAsync(new Uri("/api/products?pageSize=1", UriKind.Relative)))).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Malformed_json_gets_a_400_problem()
    {
        using var admin = await store.CreateAdminClientAsync();
        using var content = new StringContent("{\"sku\": \"X-1\", \"title\": ", Encoding.UTF8, "application/json");
        await (await admin.PostAsync(new Uri("/api/admin/products", UriKind.Relative), content)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Updating_an_unknown_product_is_a_404()
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = await AnyLeafCategoryIdAsync(admin);
        await (await admin.PutAsJsonAsync("/api/admin/products/987654321", NewProduct(categoryId))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_manages_categories_and_cannot_delete_one_that_holds_products()
    {
        using var admin = await store.CreateAdminClientAsync();
        var department = await Json(await admin.PostAsJsonAsync("/api/admin/categories", new { name = "Test Department " + Guid.NewGuid().ToString("N")[..6] }));
        var departmentId = department.GetProperty("id").GetInt32();
        var child = await Json(await admin.PostAsJsonAsync("/api/admin/categories", new { name = "Test Child", parentId = departmentId }));
        var childId = child.GetProperty("id").GetInt32();

        // A department with a subcategory cannot go, nor can a category that holds a product.
        await (await admin.DeleteAsync(new Uri($"/api/admin/categories/{departmentId}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Conflict);
        var product = await Json(await admin.PostAsJsonAsync("/api/admin/products", NewProduct(childId)));
        await (await admin.DeleteAsync(new Uri($"/api/admin/categories/{childId}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Conflict);

        // Moving a department under its own child would make a cycle.
        await (await admin.PutAsJsonAsync($"/api/admin/categories/{departmentId}", new { name = "Moved", parentId = childId })).AssertProblemAsync(HttpStatusCode.BadRequest, "parentId");

        var tree = await Json(await admin.GetAsync(new Uri("/api/categories", UriKind.Relative)));
        var node = Flatten(tree).Single(n => n.GetProperty("id").GetInt32() == departmentId);
        Assert.Equal(1, node.GetProperty("productCount").GetInt32());

        await admin.DeleteAsync(new Uri($"/api/admin/products/{product.GetProperty("id").GetInt32()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/admin/categories/{childId}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/admin/categories/{departmentId}", UriKind.Relative))).StatusCode);
        await (await admin.PostAsJsonAsync("/api/admin/categories", new { name = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task Many_products_read_at_once_are_the_same_as_read_one_by_one()
    {
        await using var scope = store.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
        var ids = (await catalog.ListSkusAsync()).Select(p => p.ProductId).Take(5).ToList();
        var batch = await catalog.GetProductsAsync([.. ids, -1]);
        Assert.Equal(ids, batch.Select(p => p.Id));
        foreach (var product in batch)
        {
            var single = (await catalog.GetProductAsync(product.Id))!;
            Assert.Equal(single.Title, product.Title);
            Assert.Equal(single.CategoryPath, product.CategoryPath);
            Assert.Equal(single.Attributes, product.Attributes);
            Assert.Equal(single.Eans, product.Eans);
        }
    }

    [Fact]
    public async Task The_openapi_document_and_docs_page_are_served()
    {
        using var client = store.CreateClient();
        var doc = await Json(await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/products", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/categories", out _));
        var docs = await client.GetAsync(new Uri("/api/docs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        // /metrics needs its token outside Development: QuietEndpointsTests scrapes it.
        using var client = store.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }
}
