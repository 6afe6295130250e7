using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Payments;

// The sandbox gateway's cards through the real checkout and its page: declined then paid; capture once; refunds capped.
public class PaymentTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<(HttpClient Shopper, long OrderId)> PaidOrderAsync(int units = 2)
    {
        var sku = await store.CreateStockedProductAsync(10);
        var shopper = await store.ShopperWithCartAsync(sku, units);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (shopper, await CheckoutScenario.OrderIdOf(response));
    }

    [Fact]
    public async Task A_declined_card_places_nothing_and_another_card_on_the_same_page_pays()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        var body = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var (id, payAt) = (body.GetProperty("orderId").GetInt64(), body.GetProperty("paymentUrl").GetString()!);

        var declined = await shopper.PayOnGatewayAsync(payAt, SandboxCard.Declines);

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        Assert.Equal("PendingPayment", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        Assert.Equal((10, 1), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        var paid = await shopper.PayOnGatewayAsync(payAt, SandboxCard.Succeeds);
        Assert.Contains($"/orders/{id}?placed=Paid", paid.RequestMessage!.RequestUri!.PathAndQuery, StringComparison.Ordinal);
        var order = await shopper.OrderAsync(id);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(("Visa", "4242"), (order.GetProperty("payment").GetProperty("cardBrand").GetString(), order.GetProperty("payment").GetProperty("cardLast4").GetString()));
        Assert.Equal((9, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Shipping_captures_once_however_often_and_however_concurrently_it_is_asked()
    {
        var (shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();

        var ships = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })));

        Assert.Equal(1, ships.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in ships.Where(r => r.StatusCode != HttpStatusCode.OK)) await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal(("Captured", CheckoutScenario.TotalFor(2)), (payment!.Status, payment.Captured));
        var atGateway = await store.GatewayPaymentAsync(id);
        Assert.Equal((GatewayPaymentStatus.Captured, CheckoutScenario.TotalFor(2)), (atGateway.Status, atGateway.Captured));
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task Refunds_are_partial_or_full_and_never_exceed_the_capture()
    {
        var (shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();
        var total = CheckoutScenario.TotalFor(2);

        var part = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = 5m, reason = "late delivery" });
        var tooMuch = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = total, reason = "greedy" });
        var rest = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = total - 5m, reason = "goodwill" });
        var more = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = 1m });

        Assert.Equal("PartiallyRefunded", (await part.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await tooMuch.AssertProblemAsync(HttpStatusCode.BadRequest, "amount");
        Assert.Equal("Refunded", (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var final = await more.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, final.GetProperty("allowed").GetArrayLength());
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal((total, total), (payment!.Captured, payment.Refunded));
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task Concurrent_refunds_never_add_up_to_more_than_the_capture()
    {
        var (shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();

        var refunds = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = 5m })));

        // 26.78 captured: five refunds of 5.00 fit, the other five do not.
        Assert.Equal(5, refunds.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(refunds, r => Assert.True((int)r.StatusCode < 500));
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal(25m, payment!.Refunded);
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public void The_payment_rules_refuse_a_second_capture_and_an_oversized_refund()
    {
        var payment = new Payment { OrderId = 1, Amount = 10m, Status = PaymentStatus.Pending };
        payment.Authorise(10m, "Visa", "4242");
        payment.Apply(PaymentEvent.BeginCapture);
        payment.CompleteCapture("cap");

        Assert.Throws<PaymentStateConflict>(() => payment.Apply(PaymentEvent.BeginCapture));
        Assert.Throws<PaymentStateConflict>(() => payment.Apply(PaymentEvent.BeginVoid));
        Assert.Throws<PaymentStateConflict>(() => payment.Authorise(10m, null, null));
        payment.Refund(4m);
        Assert.Throws<RefundExceedsCapture>(() => payment.Refund(6.01m));
        payment.Refund(6m);
        Assert.Equal(0m, payment.Refundable);
    }
}
