using System.Net;
using System.Net.Http.Json;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Payments;

// A node that stops half-way through a capture (claimed, perhaps already sent to the gateway) leaves the next
// shipment attempt to finish it: under the same gateway key, so the money moves once.
public class CaptureRecoveryTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<long> PaidOrderAsync()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await CheckoutScenario.OrderIdOf(response);
    }

    private Task ClaimCaptureAsync(long orderId) =>
        store.WithAsync(sp => sp.GetRequiredService<Bazaar.Data.BazaarDb>().Payments.Where(p => p.OrderId == orderId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PaymentStatus.Capturing)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_capture_interrupted_after_its_claim_is_finished_by_the_next_shipment_without_a_second_capture(bool gatewayAlreadyCaptured)
    {
        var id = await PaidOrderAsync();
        var authorisation = (await store.PaymentOfAsync(id))!.GatewayPaymentId!;
        await ClaimCaptureAsync(id);
        if (gatewayAlreadyCaptured)
            Assert.Equal(GatewayOutcome.Approved, (await store.Gateway().CaptureAsync($"capture:{id}", authorisation, CheckoutScenario.TotalFor(1), CancellationToken.None)).Outcome);
        using var admin = await store.CreateAdminClientAsync();

        var shipped = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { });

        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal(("Captured", CheckoutScenario.TotalFor(1)), (payment!.Status, payment.Captured));
        var atGateway = await store.GatewayPaymentAsync(id);
        Assert.Equal((GatewayPaymentStatus.Captured, CheckoutScenario.TotalFor(1)), (atGateway.Status, atGateway.Captured));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_cancellation_is_refused_once_a_capture_has_begun()
    {
        var id = await PaidOrderAsync();
        await ClaimCaptureAsync(id);
        using var admin = await store.CreateAdminClientAsync();

        var cancel = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/cancel", new { reason = "too late" });

        await cancel.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Capturing", (await store.PaymentOfAsync(id))!.Status);
        Assert.Equal("Paid", (await admin.OrderAsync(id, admin: true)).GetProperty("status").GetString());
    }
}
