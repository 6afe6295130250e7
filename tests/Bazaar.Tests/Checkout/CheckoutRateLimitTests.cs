using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Checkout;

// Checkout:PlacementsPerShopperPerMinute: one shopper's new orders beyond the limit are refused with 429 and place
// nothing; repeats with the same Idempotency-Key and other shoppers (from the same address) are not held back.
public partial class CheckoutRateLimitTests : IAsyncLifetime
{
    private readonly CheckoutStore _store = (CheckoutStore)new CheckoutStore().With("Checkout:PlacementsPerShopperPerMinute", "2");

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private async Task<HttpClient> ShopperWithTwoOrdersAsync(string sku)
    {
        var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var first = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body(), first)).StatusCode);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        // Asking again how the first checkout ended places nothing and uses up no attempt.
        var replay = await shopper.CheckOutAsync(CheckoutScenario.Body(), first);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        return shopper;
    }

    [Fact]
    public async Task A_third_order_within_a_minute_gets_429_with_retry_after_and_places_nothing()
    {
        var sku = await _store.CreateStockedProductAsync(10);
        using var shopper = await ShopperWithTwoOrdersAsync(sku);
        var orders = await _store.OrderCountAsync();

        var limited = await shopper.CheckOutAsync(CheckoutScenario.Body());

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Nothing was ordered", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(orders, await _store.OrderCountAsync());
        var stock = await _store.StockOfAsync(sku);
        Assert.Equal((8, 1), (stock.OnHand, stock.Reserved));
        var cart = await shopper.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cart");
        Assert.Equal(1, cart.GetProperty("lines").GetArrayLength());

        // Another shopper behind the same address is not held back.
        using var other = await _store.ShopperWithCartAsync(sku, 1);
        Assert.Equal(HttpStatusCode.Created, (await other.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        Assert.Empty(await _store.FullAuditAsync());
    }

    private static async Task<string> QuoteHashAsync(HttpClient shopper)
    {
        var quote = await shopper.PostAsJsonAsync("/api/checkout/quote", new
        {
            shipTo = new { name = "Ada Lovelace", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" },
            shippingMethod = "standard",
        });
        quote.EnsureSuccessStatusCode();
        return (await quote.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("hash").GetString()!;
    }

    [Fact]
    public async Task The_storefront_checkout_form_over_the_limit_answers_429_with_a_readable_page()
    {
        var sku = await _store.CreateStockedProductAsync(10);
        using var shopper = await ShopperWithTwoOrdersAsync(sku);
        var orders = await _store.OrderCountAsync();
        var form = await shopper.GetStringAsync(new Uri("/checkout", UriKind.Relative));
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "checkout",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryToken().Match(form).Groups[1].Value),
            ["Input.IdempotencyKey"] = Guid.NewGuid().ToString("N"),
            ["Input.Action"] = "place",
            ["Input.Email"] = "guest@tests.local",
            ["Input.Name"] = "Ada Lovelace",
            ["Input.Line1"] = "1 Infinite Loop",
            ["Input.City"] = "Cupertino",
            ["Input.Region"] = "CA",
            ["Input.PostalCode"] = "95014",
            ["Input.Country"] = "US",
            ["Input.ShippingMethod"] = "standard",
            ["Input.CardNumber"] = "4242424242424242",
            ["Input.ExpiryMonth"] = "12",
            ["Input.ExpiryYear"] = (DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Cvc"] = "123",
            // The totals the shopper confirmed, as the page holds them once they show.
            ["Input.QuoteHash"] = await QuoteHashAsync(shopper),
        };

        using var post = new FormUrlEncodedContent(fields);
        var limited = await shopper.PostAsync(new Uri("/checkout", UriKind.Relative), post);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
        var page = await limited.Content.ReadAsStringAsync();
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many orders placed in a short time", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"checkout-problems\"", page, StringComparison.Ordinal);
        Assert.Equal(orders, await _store.OrderCountAsync());
    }
}
