using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Catalog;
using Bazaar.Data;
using Bazaar.Platform;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.Tests.Catalog;

// One store currency (Store:Currency, USD here): product writes and imports in another are refused naming the field,
// never summed or converted; a product left priced in another (from before) cannot be checked out and the audit
// names it.
public class StoreCurrencyTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<int> CategoryIdAsync(HttpClient admin) =>
        JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement[0].GetProperty("id").GetInt32();

    [Theory]
    [InlineData("EUR")]
    [InlineData("JPY")]
    public async Task A_product_priced_in_another_currency_is_refused_naming_the_currency(string currency)
    {
        using var admin = await store.CreateAdminClientAsync();
        var sku = "CUR-" + Guid.NewGuid().ToString("N")[..10];

        var created = await admin.PostAsJsonAsync("/api/admin/products",
            new { sku, title = "Priced abroad", brand = "Bazaar", price = 10m, currency, categoryId = await CategoryIdAsync(admin) });

        var problem = await created.AssertProblemAsync(HttpStatusCode.BadRequest, "currency");
        Assert.Contains("sells in USD", problem.GetProperty("errors").GetProperty("currency")[0].GetString(), StringComparison.Ordinal);
        Assert.Null(await store.WithAsync(sp => sp.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(sku)));
    }

    [Fact]
    public async Task A_product_without_a_currency_is_in_the_store_currency_and_an_update_to_another_is_refused()
    {
        using var admin = await store.CreateAdminClientAsync();
        var sku = "CUR-" + Guid.NewGuid().ToString("N")[..10];
        var category = await CategoryIdAsync(admin);
        var created = await admin.PostAsJsonAsync("/api/admin/products", new { sku, title = "Priced at home", brand = "Bazaar", price = 10m, categoryId = category });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("USD", product.GetProperty("currency").GetString());

        var changed = await admin.PutAsJsonAsync($"/api/admin/products/{product.GetProperty("id").GetInt32()}",
            new { sku, title = "Priced at home", brand = "Bazaar", price = 10m, currency = "EUR", categoryId = category });

        await changed.AssertProblemAsync(HttpStatusCode.BadRequest, "currency");
    }

    [Fact]
    public async Task An_import_skips_records_in_another_currency_and_names_why()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bazaar-currency-{Guid.NewGuid():N}.json");
        var id = Guid.NewGuid().ToString("N")[..12];
        await File.WriteAllTextAsync(file, $$"""
            [
              { "id": "{{id}}-a", "title": "Cable in dollars", "supplier": "Bazaar", "price": 1299 },
              { "id": "{{id}}-b", "title": "Cable in euros", "supplier": "Bazaar", "price": 1299, "currency": "EUR" },
              { "id": "{{id}}-c", "title": "Cable in dollars, said so", "supplier": "Bazaar", "price": 1299, "currency": "USD" },
              { "id": "{{id}}-d", "title": "Cable in fractions of a cent", "supplier": "Bazaar", "price": 1299.5 }
            ]
            """);
        try
        {
            var result = await store.WithAsync(sp => sp.GetRequiredService<CatalogImport>().ImportAsync(file, null, CancellationToken.None));

            Assert.Equal(2, result.Created);
            Assert.Equal([$"{id}-b", $"{id}-d"], result.Skipped.Select(s => s.ExternalId).Order());
            Assert.StartsWith("currency: This store sells in USD", result.Skipped.Single(s => s.ExternalId == $"{id}-b").Reason, StringComparison.Ordinal);
            var prices = await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Products.AsNoTracking()
                .Where(p => p.ExternalId!.StartsWith(id)).Select(p => new { p.Price, p.Currency }).ToListAsync());
            Assert.All(prices, p => Assert.Equal((12.99m, "USD"), (p.Price, p.Currency.Trim())));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_product_left_in_another_currency_is_never_summed_into_an_order_and_the_audit_names_it()
    {
        var dollars = await store.CreateStockedProductAsync(5);
        var euros = await store.CreateStockedProductAsync(5);
        using var shopper = await store.ShopperWithCartAsync(dollars, 1);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = euros, quantity = 1 })).EnsureSuccessStatusCode();
        // As the issue found it: a product saved in EUR before one currency was enforced.
        await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Products.Where(p => p.Sku == euros)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Currency, "EUR")));
        var before = await store.OrderCountAsync();

        var quote = await shopper.PostAsJsonAsync("/api/checkout/quote", new
        {
            shipTo = new { name = "Ada", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" },
            shippingMethod = "standard",
        });
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body());

        await quote.AssertProblemAsync(HttpStatusCode.BadRequest, $"lines.{euros}");
        var problem = await placed.AssertProblemAsync(HttpStatusCode.BadRequest, $"lines.{euros}");
        Assert.Contains("priced in EUR, but this store sells in USD", problem.GetProperty("errors").GetProperty($"lines.{euros}")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await store.OrderCountAsync());
        var cart = await shopper.GetFromJsonAsync<JsonElement>("/api/cart");
        Assert.Equal(("USD", CheckoutScenario.UnitPrice), (cart.GetProperty("currency").GetString(), cart.GetProperty("subtotal").GetDecimal()));
        Assert.Contains(await store.FullAuditAsync(), v => v.Contains($"product {euros}", StringComparison.Ordinal) && v.Contains("EUR", StringComparison.Ordinal));

        // Priced in the store's currency again, it sells.
        await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Products.Where(p => p.Sku == euros)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Currency, "USD")));
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("KWD")]
    [InlineData("")]
    public void A_bad_store_currency_fails_the_start_up_validation_naming_the_setting(string currency)
    {
        var options = new StoreCurrencyOptions { Currency = currency };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Store:Currency", StringComparison.Ordinal) || r.MemberNames.Contains("Currency"));
    }
}
