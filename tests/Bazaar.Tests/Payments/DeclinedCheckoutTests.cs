using System.Net;
using System.Text.Json;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Payments;

// Declined means not placed: the shopper keeps the cart and its holds and can try another card; the gateway's page
// refuses card testing; an impossible expiry is a 400 naming the field, never a 500.
public class DeclinedCheckoutTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<(HttpClient Shopper, long OrderId, string PayUrl, string Sku)> AtTheGatewayAsync(int units = 2)
    {
        var sku = await store.CreateStockedProductAsync(5);
        var shopper = await store.ShopperWithCartAsync(sku, units);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var body = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        return (shopper, body.GetProperty("orderId").GetInt64(), body.GetProperty("paymentUrl").GetString()!, sku);
    }

    [Fact]
    public async Task A_declined_card_leaves_the_cart_and_its_holds_and_places_nothing()
    {
        var (shopper, id, payUrl, sku) = await AtTheGatewayAsync();

        var declined = await shopper.PayOnGatewayAsync(payUrl, SandboxCard.Declines);
        var back = await shopper.GetAsync(new Uri($"/checkout/return/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        Assert.Equal("/checkout?payment=declined", back.RequestMessage!.RequestUri!.PathAndQuery);
        var cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal((sku, 2, 2), (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetInt32(), line.GetProperty("heldQuantity").GetInt32()));
        Assert.Equal((5, 2), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        var orders = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/orders", UriKind.Relative))).RootElement;
        Assert.Equal(0, orders.GetArrayLength());
        Assert.Equal("Voided", (await store.PaymentOfAsync(id))!.Status);
        Assert.Empty(await store.FullAuditAsync());

        // Another card, in a new checkout: placed.
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        Assert.Equal((3, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        shopper.Dispose();
    }

    [Fact]
    public async Task Many_card_tries_on_one_order_are_refused_with_429()
    {
        var (shopper, _, payUrl, _) = await AtTheGatewayAsync(1);

        var tries = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++) tries.Add((await shopper.PayOnGatewayAsync(payUrl, SandboxCard.Declines)).StatusCode);
        var good = await shopper.PayOnGatewayAsync(payUrl, SandboxCard.Succeeds);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.PaymentRequired, 5).Concat([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]), tries);
        Assert.Equal(HttpStatusCode.TooManyRequests, good.StatusCode);
        Assert.True(good.Headers.RetryAfter is not null);
        shopper.Dispose();
    }

    [Fact]
    public async Task An_impossible_expiry_is_a_400_naming_the_field_and_the_page_never_echoes_the_card()
    {
        var (shopper, _, payUrl, _) = await AtTheGatewayAsync(1);

        var response = await shopper.PayOnGatewayAsync(payUrl, SandboxCard.Succeeds, expiryMonth: 12, expiryYear: 9999, cvc: "987");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("expiry year is too far ahead", html, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxCard.Succeeds, html, StringComparison.Ordinal);
        Assert.DoesNotContain("987", html, StringComparison.Ordinal);
        shopper.Dispose();
    }
}

// One client address trying cards over many orders (card testing): stopped after the per-address limit.
public class CardTestingFromOneAddressTests : IClassFixture<CardTestingFromOneAddressTests.Store>
{
    public sealed class Store : CheckoutStore
    {
        public Store() => With("Payments:Sandbox:AttemptsPerClientPerMinute", "3");
    }

    private readonly Store _store;

    public CardTestingFromOneAddressTests(Store store) => _store = store;

    [Fact]
    public async Task Card_tries_from_one_address_over_many_orders_get_429_with_retry_after()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var sku = await _store.CreateStockedProductAsync(5);
            using var shopper = await _store.ShopperWithCartAsync(sku, 1);
            var placed = JsonDocument.Parse(await (await shopper.PlaceAsync(CheckoutScenario.Body())).Content.ReadAsStringAsync()).RootElement;
            var tried = await shopper.PayOnGatewayAsync(placed.GetProperty("paymentUrl").GetString()!, SandboxCard.Declines);
            statuses.Add(tried.StatusCode);
            if (tried.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(tried.Headers.RetryAfter);
        }

        Assert.Equal([HttpStatusCode.PaymentRequired, HttpStatusCode.PaymentRequired, HttpStatusCode.PaymentRequired,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
