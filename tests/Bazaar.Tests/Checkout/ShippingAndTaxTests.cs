using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// A store of its own: these tests change the shipping and tax tables the other checkout tests price with.
public class RatesStore : StoreFactory;

// Shipping methods and tax rates live in the database and the admin edits them (/api/admin/shipping-methods,
// /api/admin/tax-rates): checked, audited, and the next quote is priced with them. Each test uses its own method codes
// and US regions, so that the tests of the class do not price each other's carts.
public class ShippingAndTaxTests(RatesStore store) : IClassFixture<RatesStore>
{
    private static object Address(string region) =>
        new { name = "Ada Lovelace", line1 = "1 Main St", city = "Springfield", region, postalCode = "95014", country = "US" };

    private static async Task<JsonElement> QuoteAsync(HttpClient shopper, string region, string method)
    {
        var response = await shopper.PostAsJsonAsync("/api/checkout/quote", new { shipTo = Address(region), shippingMethod = method });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task PutAsync(HttpClient admin, string path, object body)
    {
        var response = await admin.PutAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Method(string name, decimal price, decimal? freeFrom = null, object[]? weightBands = null) =>
        new { name, price, freeFrom, daysMin = 2, daysMax = 4, weightBands };

    [Fact]
    public async Task An_admin_edit_of_a_price_changes_the_next_quote_and_a_total_confirmed_before_is_refused_with_the_new_one()
    {
        using var admin = await store.CreateAdminClientAsync();
        await PutAsync(admin, "/api/admin/shipping-methods/courier-a", Method("Courier A", 5.00m));
        await PutAsync(admin, "/api/admin/tax-rates/US-QA", new { rate = 0.10m });
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var seen = await QuoteAsync(shopper, "QA", "courier-a");
        Assert.Equal(5.00m, seen.GetProperty("shippingCost").GetDecimal());
        Assert.Equal(16.49m, seen.GetProperty("total").GetDecimal());

        await PutAsync(admin, "/api/admin/shipping-methods/courier-a", Method("Courier A", 7.00m));

        var next = await QuoteAsync(shopper, "QA", "courier-a");
        Assert.Equal(7.00m, next.GetProperty("shippingCost").GetDecimal());
        Assert.Equal(18.69m, next.GetProperty("total").GetDecimal());
        var before = await store.OrderCountAsync();
        var stale = await shopper.PlaceAsync(CheckoutScenario.Body(shipTo: Address("QA"), shippingMethod: "courier-a",
            quoteHash: seen.GetProperty("hash").GetString()));
        var problem = await stale.AssertProblemAsync(HttpStatusCode.Conflict, "quoteHash");
        Assert.Equal(18.69m, problem.GetProperty("total").GetDecimal());
        Assert.Equal(before, await store.OrderCountAsync());
    }

    [Fact]
    public async Task A_tax_rate_edit_changes_the_next_quote_and_a_region_without_a_rate_takes_its_country_rate()
    {
        using var admin = await store.CreateAdminClientAsync();
        await PutAsync(admin, "/api/admin/shipping-methods/courier-b", Method("Courier B", 0m));
        await PutAsync(admin, "/api/admin/tax-rates/US-QB", new { rate = 0.05m });
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        Assert.Equal(1.00m, (await QuoteAsync(shopper, "QB", "courier-b")).GetProperty("tax").GetDecimal());

        await PutAsync(admin, "/api/admin/tax-rates/US-QB", new { rate = 0.2m });
        var raised = await QuoteAsync(shopper, "QB", "courier-b");
        Assert.Equal(0.2m, raised.GetProperty("taxRate").GetDecimal());
        Assert.Equal(4.00m, raised.GetProperty("tax").GetDecimal());

        (await admin.DeleteAsync(new Uri("/api/admin/tax-rates/US-QB", UriKind.Relative))).EnsureSuccessStatusCode();
        // The seeded US rate (0) applies to a region with none of its own.
        Assert.Equal(0m, (await QuoteAsync(shopper, "QB", "courier-b")).GetProperty("tax").GetDecimal());
    }

    [Fact]
    public async Task Free_from_and_weight_bands_price_the_parcel_and_an_item_without_a_weight_pays_the_method_price()
    {
        using var admin = await store.CreateAdminClientAsync();
        await PutAsync(admin, "/api/admin/tax-rates/US-QC", new { rate = 0m });
        await PutAsync(admin, "/api/admin/shipping-methods/by-weight", Method("By weight", 20.00m, freeFrom: 100m,
            weightBands: [new { upToGrams = 1000, price = 3.00m }, new { upToGrams = 5000, price = 8.00m }]));
        var light = await ProductWithWeightAsync(admin, 400);
        var heavy = await ProductWithWeightAsync(admin, 2600);
        var unknown = await store.CreateStockedProductAsync(10);

        using var one = await store.ShopperWithCartAsync(light, 2);
        Assert.Equal(3.00m, (await QuoteAsync(one, "QC", "by-weight")).GetProperty("shippingCost").GetDecimal());
        (await one.PostAsJsonAsync("/api/cart/items", new { sku = heavy, quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(8.00m, (await QuoteAsync(one, "QC", "by-weight")).GetProperty("shippingCost").GetDecimal());
        (await one.PutAsJsonAsync($"/api/cart/items/{heavy}", new { quantity = 2 })).EnsureSuccessStatusCode();
        // 2 x 400 g + 2 x 2,600 g = 6 kg: above the last band.
        Assert.Equal(20.00m, (await QuoteAsync(one, "QC", "by-weight")).GetProperty("shippingCost").GetDecimal());

        using var two = await store.ShopperWithCartAsync(light, 1);
        (await two.PostAsJsonAsync("/api/cart/items", new { sku = unknown, quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(20.00m, (await QuoteAsync(two, "QC", "by-weight")).GetProperty("shippingCost").GetDecimal());
        (await two.PutAsJsonAsync($"/api/cart/items/{light}", new { quantity = 10 })).EnsureSuccessStatusCode();
        // 10 x 9.99 + 9.99 = 109.89 reaches "free from 100".
        Assert.Equal(0m, (await QuoteAsync(two, "QC", "by-weight")).GetProperty("shippingCost").GetDecimal());
    }

    [Theory]
    [InlineData("/api/admin/shipping-methods/Bad Code!", """{"name":"X","price":1,"daysMin":1,"daysMax":2}""", "code")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"","price":1,"daysMin":1,"daysMax":2}""", "name")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"X","price":-1,"daysMin":1,"daysMax":2}""", "price")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"X","price":1.001,"daysMin":1,"daysMax":2}""", "price")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"X","daysMin":1,"daysMax":2}""", "price")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"X","price":1,"freeFrom":-5,"daysMin":1,"daysMax":2}""", "freeFrom")]
    [InlineData("/api/admin/shipping-methods/ok", """{"name":"X","price":1,"daysMin":5,"daysMax":2}""", "daysMax")]
    [InlineData("/api/admin/shipping-methods/ok",
        """{"name":"X","price":1,"daysMin":1,"daysMax":2,"weightBands":[{"upToGrams":500,"price":1},{"upToGrams":500,"price":2}]}""",
        "weightBands[1].upToGrams")]
    [InlineData("/api/admin/shipping-methods/ok",
        """{"name":"X","price":1,"daysMin":1,"daysMax":2,"weightBands":[{"upToGrams":500}]}""", "weightBands[0].price")]
    [InlineData("/api/admin/tax-rates/USA-CALIFORNIA", """{"rate":0.1}""", "key")]
    [InlineData("/api/admin/tax-rates/US-CA", """{"rate":1.5}""", "rate")]
    [InlineData("/api/admin/tax-rates/US-CA", """{"rate":-0.1}""", "rate")]
    [InlineData("/api/admin/tax-rates/US-CA", """{}""", "rate")]
    public async Task Bad_input_is_a_400_naming_the_field_and_changes_nothing(string path, string body, string field)
    {
        using var admin = await store.CreateAdminClientAsync();
        var before = await admin.GetStringAsync(new Uri("/api/admin/shipping-and-tax", UriKind.Relative));

        var response = await admin.PutAsync(new Uri(path, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await admin.GetStringAsync(new Uri("/api/admin/shipping-and-tax", UriKind.Relative)));
    }

    [Fact]
    public async Task Every_change_is_audited_with_who_made_it_and_what_changed()
    {
        using var admin = await store.CreateAdminClientAsync();
        await PutAsync(admin, "/api/admin/shipping-methods/courier-d", Method("Courier D", 4.00m));
        await PutAsync(admin, "/api/admin/shipping-methods/courier-d", Method("Courier D", 4.50m, freeFrom: 60m));
        await PutAsync(admin, "/api/admin/tax-rates/US-QD", new { rate = 0.0725m });
        (await admin.DeleteAsync(new Uri("/api/admin/shipping-methods/courier-d", UriKind.Relative))).EnsureSuccessStatusCode();

        var changes = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/admin/shipping-and-tax/changes", UriKind.Relative))).RootElement
            .EnumerateArray().Select(c => (Actor: c.GetProperty("actor").GetString(), Subject: c.GetProperty("subject").GetString(),
                Change: c.GetProperty("change").GetString())).ToList();
        var mine = changes.Where(c => c.Subject is "shipping method courier-d" or "tax rate US-QD").Reverse().ToList();

        Assert.All(mine, c => Assert.Equal("admin:" + StoreFactory.AdminEmail, c.Actor));
        Assert.Equal(4, mine.Count);
        Assert.StartsWith("added: name Courier D; price 4.00; free from never", mine[0].Change, StringComparison.Ordinal);
        Assert.Equal("price 4.00 -> 4.50; free from never -> 60.00", mine[1].Change);
        Assert.Equal("added: 7.25%", mine[2].Change);
        Assert.StartsWith("removed: name Courier D; price 4.50", mine[3].Change, StringComparison.Ordinal);
        Assert.Contains(changes, c => c.Actor == "system" && c.Subject == "shipping and tax");
    }

    [Fact]
    public async Task Only_admins_may_change_the_tables()
    {
        using var customer = await store.CreateCustomerClientAsync();
        using var guest = store.CreateClient();

        var asCustomer = await customer.PutAsJsonAsync("/api/admin/tax-rates/US-QE", new { rate = 0 });
        var asGuest = await guest.PutAsJsonAsync("/api/admin/shipping-methods/free", Method("Free", 0m));

        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asGuest.StatusCode);
    }

    private async Task<string> ProductWithWeightAsync(HttpClient admin, int grams)
    {
        var sku = await store.CreateStockedProductAsync(50);
        var id = (await store.WithAsync(sp => sp.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(sku)))!.Value;
        var product = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement;
        await PutAsync(admin, $"/api/admin/products/{id}", new
        {
            sku, title = product.GetProperty("title").GetString(), brand = "Bazaar", price = 9.99m,
            categoryId = product.GetProperty("categoryPath").EnumerateArray().Last().GetProperty("id").GetInt32(),
            attributes = new[] { new { key = "package_weight", name = "Package weight", kind = "number", value = grams.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        });
        return sku;
    }
}
