using System.Net;
using Bazaar.Data;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Payments;

// Webhooks go nowhere here (so they cannot mend a payment behind the test's back), and this host reconciles only
// rows a day old: what it leaves alone, the next node to start reconciles.
public class ReconcileStore : StoreFactory
{
    public ReconcileStore()
    {
        With("Payments:Sandbox:WebhookUrl", "http://127.0.0.1:9/webhooks");
        With("Payments:ReconcileAfter", "1.00:00:00");
    }
}

// A node killed in the middle of a capture leaves the payment row and its attempts disagreeing (the fault run found
// attempts that succeeded at the gateway beside rows still Authorised, captured 0). The audit reports it, and the
// next node to start makes them agree, with the money moved once at the gateway.
public class CaptureReconciliationTests(ReconcileStore store) : IClassFixture<ReconcileStore>
{
    private async Task<long> PaidOrderAsync()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await CheckoutScenario.OrderIdOf(response);
    }

    // The gateway captured under the order's key and the store wrote down that it succeeded, then died before the
    // payment row moved: the row says `status`, captured 0.
    private async Task CrashAfterTheGatewayCapturedAsync(long orderId, PaymentStatus status)
    {
        var payment = (await store.PaymentOfAsync(orderId))!;
        var captured = await store.Gateway().CaptureAsync($"capture:{orderId}", payment.GatewayPaymentId!, payment.Authorised, CancellationToken.None);
        Assert.Equal(GatewayOutcome.Approved, captured.Outcome);
        await store.WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<BazaarDb>();
            db.PaymentAttempts.Add(new PaymentAttempt
            {
                OrderId = orderId, Operation = PaymentOperation.Capture, Amount = payment.Authorised, Outcome = AttemptOutcome.Succeeded,
                IdempotencyKey = $"capture:{orderId}", Reference = captured.Reference, At = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            return await db.Payments.Where(p => p.OrderId == orderId).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, status));
        });
    }

    private async Task<PaymentView> NextStartReconcilesAsync(long orderId)
    {
        await using var restarted = new StoreFactory().SharingDatabaseWith(store).With("Payments:ReconcileAfter", "00:00:00")
            .With("Payments:Sandbox:WebhookUrl", "http://127.0.0.1:9/webhooks");
        await restarted.InitializeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var payment = (await restarted.PaymentOfAsync(orderId))!;
            if (payment.Status == nameof(PaymentStatus.Captured) || DateTime.UtcNow > deadline) return payment;
            await Task.Delay(100);
        }
    }

    private Task<int> GatewayCapturesAsync(long orderId) =>
        store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().SandboxOperations.CountAsync(o => o.Key == $"capture:{orderId}" && o.Kind == "capture"));

    [Theory]
    [InlineData(PaymentStatus.Authorised)]
    [InlineData(PaymentStatus.Capturing)]
    public async Task A_capture_the_gateway_took_before_a_crash_is_reported_by_the_audit_and_recorded_at_the_next_start(PaymentStatus left)
    {
        var id = await PaidOrderAsync();
        await CrashAfterTheGatewayCapturedAsync(id, left);

        var before = await store.FullAuditAsync();

        Assert.Contains(before, v => v.Contains($"order {id}", StringComparison.Ordinal) && v.Contains("capture attempts", StringComparison.Ordinal));
        var payment = await NextStartReconcilesAsync(id);
        Assert.Equal((nameof(PaymentStatus.Captured), CheckoutScenario.TotalFor(1)), (payment.Status, payment.Captured));
        Assert.Equal(1, await GatewayCapturesAsync(id));
        Assert.Equal((GatewayPaymentStatus.Captured, CheckoutScenario.TotalFor(1)), ((await store.GatewayPaymentAsync(id)).Status, (await store.GatewayPaymentAsync(id)).Captured));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_capture_claimed_but_never_sent_before_a_crash_is_sent_once_at_the_next_start()
    {
        var id = await PaidOrderAsync();
        await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Payments.Where(p => p.OrderId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PaymentStatus.Capturing)));

        var payment = await NextStartReconcilesAsync(id);

        Assert.Equal((nameof(PaymentStatus.Captured), CheckoutScenario.TotalFor(1)), (payment.Status, payment.Captured));
        Assert.Equal(1, await GatewayCapturesAsync(id));
        Assert.Single(payment.Attempts, a => a.Operation == nameof(PaymentOperation.Capture) && a.Outcome == nameof(AttemptOutcome.Succeeded));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_payment_row_captured_without_a_capture_at_the_gateway_is_reported_by_the_audit()
    {
        var id = await PaidOrderAsync();
        await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Payments.Where(p => p.OrderId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PaymentStatus.Authorised).SetProperty(p => p.Captured, p => p.Authorised)));

        var audit = await store.FullAuditAsync();

        Assert.Contains(audit, v => v.Contains($"order {id}", StringComparison.Ordinal) && v.Contains("capture attempts", StringComparison.Ordinal));
        await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Payments.Where(p => p.OrderId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Captured, 0m)));
    }
}
