using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Payments;

// The store's webhook endpoint as a gateway (or an attacker) calls it: signed with the shared secret over timestamp and
// body, once per event id, each event a move of the payment's table. The signature is computed here from the
// documented scheme, not by the store's own code.
public class PaymentWebhookTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private const string Webhook = "/api/payments/webhook";

    private static string Sign(string body, DateTimeOffset at, string secret = StoreFactory.WebhookSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Event(string id, string type, string paymentId, object details) =>
        JsonSerializer.Serialize(new { id, type, created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), data = new { paymentId, details } });

    private async Task<HttpResponseMessage> DeliverAsync(string body, string? signature = null)
    {
        using var gateway = store.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Webhook-Signature", signature ?? Sign(body, DateTimeOffset.UtcNow));
        return await gateway.SendAsync(request);
    }

    // An order waiting on the gateway's page: its id and the gateway's payment id.
    private async Task<(HttpClient Shopper, long OrderId, string PaymentId, string Sku)> AwaitingPaymentAsync()
    {
        var sku = await store.CreateStockedProductAsync(5);
        var shopper = await store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(placed);
        return (shopper, id, (await store.PaymentOfAsync(id))!.GatewayPaymentId!, sku);
    }

    private static object Authorised(decimal amount) => new { amount, currency = "USD", cardBrand = "Visa", cardLast4 = "4242" };

    [Fact]
    public async Task A_webhook_with_a_bad_signature_is_refused_with_401_and_changes_nothing()
    {
        var (shopper, id, paymentId, _) = await AwaitingPaymentAsync();
        var body = Event("evt_forged_" + Guid.NewGuid().ToString("N"), "payment.authorised", paymentId, Authorised(CheckoutScenario.TotalFor(1)));

        var forged = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow, "not-the-shared-secret-at-all-000000"));
        var tampered = await DeliverAsync(body.Replace("4242", "0000", StringComparison.Ordinal), Sign(body, DateTimeOffset.UtcNow));
        var unsigned = await DeliverAsync(body, "");
        var stale = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow.AddMinutes(-10)));

        foreach (var refused in new[] { forged, tampered, unsigned, stale }) await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("PendingPayment", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        Assert.Equal("Pending", (await store.PaymentOfAsync(id))!.Status);
        shopper.Dispose();
    }

    [Fact]
    public async Task A_signed_authorisation_places_the_order_and_a_replay_of_it_changes_nothing()
    {
        var (shopper, id, paymentId, sku) = await AwaitingPaymentAsync();
        var body = Event("evt_" + Guid.NewGuid().ToString("N"), "payment.authorised", paymentId, Authorised(CheckoutScenario.TotalFor(1)));

        var first = await DeliverAsync(body);
        var replays = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DeliverAsync(body)));

        Assert.Equal("applied", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        foreach (var replay in replays)
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        }
        var order = await shopper.OrderAsync(id);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Single(order.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "ConfirmPayment");
        Assert.Equal((4, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task Events_delivered_out_of_order_end_in_the_state_the_gateway_reached()
    {
        var (shopper, id, paymentId, _) = await AwaitingPaymentAsync();
        var declinedFirst = Event("evt_" + Guid.NewGuid().ToString("N"), "payment.declined", paymentId, new { message = "The card was declined." });
        var thenAuthorised = Event("evt_" + Guid.NewGuid().ToString("N"), "payment.authorised", paymentId, Authorised(CheckoutScenario.TotalFor(1)));

        // The authorisation arrives before the decline that preceded it at the gateway.
        var authorised = await DeliverAsync(thenAuthorised);
        var declined = await DeliverAsync(declinedFirst);

        Assert.Equal("applied", (await authorised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("ignored", (await declined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("Paid", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal(("Authorised", "4242"), (payment!.Status, payment.CardLast4));

        // A void confirmation for a payment nobody asked to void is no move either.
        var stray = await DeliverAsync(Event("evt_" + Guid.NewGuid().ToString("N"), "payment.voided", paymentId, new { }));
        Assert.Equal("ignored", (await stray.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("Authorised", (await store.PaymentOfAsync(id))!.Status);
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task A_webhook_for_a_payment_the_store_does_not_have_is_404()
    {
        var body = Event("evt_" + Guid.NewGuid().ToString("N"), "payment.authorised", "sbpay_nobody", Authorised(10m));

        var response = await DeliverAsync(body);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_event_is_400()
    {
        var response = await DeliverAsync("{\"hello\":1}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
