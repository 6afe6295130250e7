using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Payments;

// The sandbox gateway's cards through the real checkout: declined, retried, timed out; capture once; refunds capped.
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
    public async Task A_declined_card_places_the_order_unpaid_and_another_card_pays_it()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var key = Guid.NewGuid().ToString();

        var declined = await shopper.CheckOutAsync(CheckoutScenario.Body(card: SandboxPaymentGateway.Declines), key);

        var problem = await declined.AssertProblemAsync(HttpStatusCode.PaymentRequired, "card");
        var id = problem.GetProperty("orderId").GetInt64();
        Assert.Equal("PendingPayment", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        Assert.Equal(9, (await store.StockOfAsync(sku)).OnHand);
        var replay = await shopper.CheckOutAsync(CheckoutScenario.Body(card: SandboxPaymentGateway.Declines), key);
        Assert.Equal(id, (await replay.AssertProblemAsync(HttpStatusCode.PaymentRequired)).GetProperty("orderId").GetInt64());

        var paid = await shopper.PostAsJsonAsync($"/api/orders/{id}/payment", new { card = new { number = SandboxPaymentGateway.Succeeds, expiryMonth = 1, expiryYear = DateTime.UtcNow.Year + 1, cvc = "999" } });

        paid.EnsureSuccessStatusCode();
        var order = await shopper.OrderAsync(id);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(["Declined", "Succeeded"], order.GetProperty("payment").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!).ToArray());
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_card_that_needs_a_retry_is_retried_and_both_attempts_are_recorded()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(card: SandboxPaymentGateway.NeedsRetry));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var payment = await store.PaymentOfAsync(await CheckoutScenario.OrderIdOf(response));
        Assert.Equal("Authorised", payment!.Status);
        Assert.Equal([AttemptOutcome.Retryable.ToString(), AttemptOutcome.Succeeded.ToString()], payment.Attempts.Select(a => a.Outcome).ToArray());
    }

    [Fact]
    public async Task A_timed_out_payment_leaves_the_order_waiting_and_the_same_request_may_be_repeated()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var key = Guid.NewGuid().ToString();

        var pending = await shopper.CheckOutAsync(CheckoutScenario.Body(card: SandboxPaymentGateway.TimesOut), key);
        var again = await shopper.CheckOutAsync(CheckoutScenario.Body(card: SandboxPaymentGateway.TimesOut), key);

        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(pending);
        Assert.Equal(id, await CheckoutScenario.OrderIdOf(again));
        var order = await shopper.OrderAsync(id);
        Assert.Equal("PendingPayment", order.GetProperty("status").GetString());
        Assert.All(order.GetProperty("payment").GetProperty("attempts").EnumerateArray(), a => Assert.Equal("TimedOut", a.GetProperty("outcome").GetString()));
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
        var authorisation = payment.Attempts.First(a => a.Operation == "Authorise" && a.Outcome == "Succeeded").Reference!;
        Assert.Equal(1, store.Gateway().Inspect(authorisation)!.Value.Captures);
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
        payment.Authorise("auth", 10m);
        payment.BeginCapture();
        payment.CompleteCapture("cap");

        Assert.Throws<PaymentStateConflict>(payment.BeginCapture);
        Assert.Throws<PaymentStateConflict>(payment.BeginVoid);
        payment.Refund(4m);
        Assert.Throws<RefundExceedsCapture>(() => payment.Refund(6.01m));
        payment.Refund(6m);
        Assert.Equal(0m, payment.Refundable);
    }
}
