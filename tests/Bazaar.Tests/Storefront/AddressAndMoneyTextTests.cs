using System.Net;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Storefront;

// Issue 20: addresses in their country's postal order, countries by name, amounts with the currency's sign, as the
// checkout and order pages print them.
public class AddressAndMoneyTextTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [Fact]
    public async Task The_checkout_names_countries_and_prices_free_shipping_with_the_currency_sign()
    {
        var sku = await store.CreateStockedProductAsync(3);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var page = await shopper.GetStringAsync(new Uri("/checkout", UriKind.Relative));

        Assert.Matches("<option value=\"US\"[^>]*>United States</option>", page);
        Assert.Matches("<option value=\"DE\"[^>]*>Germany</option>", page);
        Assert.DoesNotMatch("<option value=\"US\"[^>]*>US</option>", page);
        Assert.Contains("(free from $50.00)", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US", "New York", "NY", "10118", "New York, NY 10118", "United States")]
    [InlineData("DE", "Berlin", null, "10115", "10115 Berlin", "Germany")]
    public async Task An_order_prints_the_address_in_its_countrys_postal_order_with_the_country_named(
        string country, string city, string? region, string postalCode, string locality, string countryName)
    {
        var sku = await store.CreateStockedProductAsync(3);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var shipTo = new { name = "Ada Lovelace", line1 = "350 Fifth Avenue", city, region, postalCode, country };
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body(shipTo: shipTo));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("orderId").GetInt64();

        var page = WebUtility.HtmlDecode(await shopper.GetStringAsync(new Uri($"/orders/{id}", UriKind.Relative)));
        var address = System.Text.RegularExpressions.Regex.Match(page, "<address>(.*?)</address>",
            System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var lines = System.Text.RegularExpressions.Regex.Split(address, @"<br\s*/?>")
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Replace("<!--!-->", "", StringComparison.Ordinal), @"\s+", " ").Trim())
            .Where(l => l.Length > 0).ToList();
        Assert.Contains(locality, lines);
        Assert.Equal(countryName, lines[^1]);
    }
}
