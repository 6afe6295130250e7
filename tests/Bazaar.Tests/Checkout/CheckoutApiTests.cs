using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Checkout;

public class CheckoutApiTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    [Fact]
    public async Task A_guest_checks_out_and_the_held_units_become_a_paid_order()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(expectedTotal: CheckoutScenario.TotalFor(2)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(response);
        Assert.Equal($"/api/orders/{id}", response.Headers.Location?.OriginalString);
        var order = await shopper.OrderAsync(id);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(19.98m, order.GetProperty("subtotal").GetDecimal());
        Assert.Equal(4.99m, order.GetProperty("shippingCost").GetDecimal());
        Assert.Equal(1.81m, order.GetProperty("tax").GetDecimal());
        Assert.Equal(26.78m, order.GetProperty("total").GetDecimal());
        Assert.Equal(["PendingPayment", "Paid"], order.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("to").GetString()!).ToArray());
        Assert.Equal("Authorised", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("4242", order.GetProperty("payment").GetProperty("cardLast4").GetString());
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((8, 0), (stock.OnHand, stock.Reserved));
        var cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        Assert.Equal(0, cart.GetProperty("lines").GetArrayLength());
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task The_quote_is_computed_on_the_server_with_shipping_and_regional_tax()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 6);

        var quote = await (await shopper.PostAsJsonAsync("/api/checkout/quote", new
        {
            shipTo = new { name = "Ada", line1 = "1 Main St", city = "Berlin", postalCode = "10115", country = "DE" },
            shippingMethod = "standard",
        })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(59.94m, quote.GetProperty("subtotal").GetDecimal());
        Assert.Equal(0m, quote.GetProperty("shippingCost").GetDecimal());
        Assert.Equal(0.19m, quote.GetProperty("taxRate").GetDecimal());
        Assert.Equal(11.39m, quote.GetProperty("tax").GetDecimal());
        Assert.Equal(71.33m, quote.GetProperty("total").GetDecimal());
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "no-name", "shipTo.name" },
        { "no-postal-code", "shipTo.postalCode" },
        { "bad-zip", "shipTo.postalCode" },
        { "no-state", "shipTo.region" },
        { "unshipped-country", "shipTo.country" },
        { "unknown-method", "shippingMethod" },
        { "no-email", "email" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_a_4xx_naming_the_field_and_places_nothing(string mistake, string field)
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var address = new Dictionary<string, string?> { ["name"] = "Ada", ["line1"] = "1 Main St", ["city"] = "Cupertino", ["region"] = "CA", ["postalCode"] = "95014", ["country"] = "US" };
        switch (mistake)
        {
            case "no-name": address["name"] = " "; break;
            case "no-postal-code": address.Remove("postalCode"); break;
            case "bad-zip": address["postalCode"] = "9501"; break;
            case "no-state": address.Remove("region"); break;
            case "unshipped-country": address["country"] = "ZZ"; break;
        }
        var body = mistake switch
        {
            "unknown-method" => CheckoutScenario.Body(shippingMethod: "teleport"),
            "no-email" => CheckoutScenario.Body(email: null),
            "bad-card" => CheckoutScenario.Body(card: "4242424242424241"),
            "expired-card" => new
            {
                email = "guest@tests.local", shipTo = address, shippingMethod = "standard",
                card = new { number = "4242424242424242", expiryMonth = 1, expiryYear = 2020, cvc = "123" },
            },
            _ => CheckoutScenario.Body(shipTo: address),
        };
        var before = await store.OrderCountAsync();

        var response = await shopper.CheckOutAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await store.OrderCountAsync());
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((10, 1), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task An_empty_cart_cannot_be_checked_out()
    {
        using var shopper = store.CreateClient();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "cart");
    }

    [Fact]
    public async Task A_checkout_without_an_idempotency_key_is_refused()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);

        var response = await shopper.PostAsJsonAsync("/api/checkout", CheckoutScenario.Body());

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Equal(1, (await store.StockOfAsync(sku)).Reserved);
    }

    [Fact]
    public async Task A_signed_in_shopper_checks_out_with_the_account_email_and_the_address_is_saved()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.CreateCustomerClientAsync();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(email: null));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(response));
        Assert.StartsWith("shopper-", order.GetProperty("email").GetString(), StringComparison.Ordinal);
        var addresses = await shopper.GetFromJsonAsync<JsonElement>("/api/checkout/addresses");
        Assert.Equal("95014", Assert.Single(addresses.EnumerateArray()).GetProperty("postalCode").GetString());
        var mine = await shopper.GetFromJsonAsync<JsonElement>("/api/orders");
        Assert.Single(mine.EnumerateArray());
    }

    [Fact]
    public async Task Another_shopper_cannot_see_the_order()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));
        using var stranger = store.CreateClient();

        var response = await stranger.GetAsync(new Uri($"/api/orders/{id}", UriKind.Relative));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
