using System.Net;
using System.Net.Http.Json;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Payments;

// An admin's refund whose node dies after the gateway refunded and before the store recorded it or answered: the admin
// (or a proxy) repeats the request with its Idempotency-Key, and another node takes it. The money must move once and
// the repeat must answer as the first would have.
public class RefundAcrossCrashTests : IAsyncLifetime
{
    private readonly DiesAfterRefund _gateway = new();
    private StoreFactory? _dying;
    private StoreFactory? _other;

    public async ValueTask InitializeAsync()
    {
        _dying = new StoreFactory().WithServices(s => s.AddSingleton<IPaymentGateway>(sp =>
        {
            _gateway.Inner = new SandboxPaymentGateway(sp.GetRequiredService<SandboxGateway>());
            return _gateway;
        }));
        await _dying.InitializeAsync();
        _other = new StoreFactory().SharingDatabaseWith(_dying);
        await _other.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_other is not null) await _other.DisposeAsync();
        if (_dying is not null) await _dying.DisposeAsync();
    }

    [Fact]
    public async Task A_refund_repeated_with_its_key_on_another_node_after_a_crash_past_the_gateway_refunds_once_and_answers_as_the_first()
    {
        var (dying, other) = (_dying!, _other!);
        var sku = await dying.CreateStockedProductAsync(5);
        using var shopper = await dying.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(placed);
        using var admin = await dying.CreateAdminClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).StatusCode);
        var key = Guid.NewGuid().ToString();

        _gateway.DieAfterNextRefund = true;
        using var first = await RefundAsync(admin, id, key);
        Assert.False(first.IsSuccessStatusCode, "The node was to die before answering the refund.");
        Assert.Equal(5.00m, (await dying.GatewayPaymentAsync(id)).Refunded);

        using var otherAdmin = await other.CreateAdminClientAsync();
        using var repeat = await RefundAsync(otherAdmin, id, key);
        using var again = await RefundAsync(otherAdmin, id, key);

        Assert.Equal(5.00m, (await dying.GatewayPaymentAsync(id)).Refunded);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var order = await otherAdmin.OrderAsync(id, admin: true);
        Assert.Equal("PartiallyRefunded", order.GetProperty("status").GetString());
        Assert.Equal(1, order.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "RefundPart"));
        var payment = (await other.PaymentOfAsync(id))!;
        Assert.Equal(5.00m, payment.Refunded);
        Assert.Equal(1, payment.Attempts.Count(a => a.Operation == "Refund" && a.Outcome == "Succeeded"));
        Assert.Empty(await other.FullAuditAsync());
    }

    private static async Task<HttpResponseMessage> RefundAsync(HttpClient admin, long id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/orders/{id}/refund")
        {
            Content = JsonContent.Create(new { amount = 5.00m, reason = "goodwill" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await admin.SendAsync(request);
    }

    // The sandbox gateway, and a node that dies the moment the gateway has refunded: nothing after it runs.
    private sealed class DiesAfterRefund : IPaymentGateway
    {
        public IPaymentGateway Inner { get; set; } = null!;

        public volatile bool DieAfterNextRefund;

        public Task<GatewaySession> CreatePaymentAsync(string idempotencyKey, long orderId, decimal amount, string currency, string returnUrl,
            CancellationToken ct) => Inner.CreatePaymentAsync(idempotencyKey, orderId, amount, currency, returnUrl, ct);

        public Task<GatewayPaymentState?> GetPaymentAsync(string paymentId, CancellationToken ct) => Inner.GetPaymentAsync(paymentId, ct);

        public Task<GatewayResult> CaptureAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct) =>
            Inner.CaptureAsync(idempotencyKey, paymentId, amount, ct);

        public Task<GatewayResult> VoidAsync(string idempotencyKey, string paymentId, CancellationToken ct) => Inner.VoidAsync(idempotencyKey, paymentId, ct);

        public async Task<GatewayResult> RefundAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct)
        {
            var result = await Inner.RefundAsync(idempotencyKey, paymentId, amount, ct);
            if (DieAfterNextRefund)
            {
                DieAfterNextRefund = false;
                throw new InvalidOperationException("The node died here (simulated): the gateway refunded, the store recorded nothing.");
            }
            return result;
        }
    }
}
