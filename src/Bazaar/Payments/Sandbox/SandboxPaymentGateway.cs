namespace Bazaar.Payments.Sandbox;

// The store's adapter for the sandbox provider: what an adapter for Stripe or Adyen would do over HTTP with their
// SDKs, this does by calling the sandbox in process. It sees no card: the sandbox's page takes it.
public sealed class SandboxPaymentGateway(SandboxGateway sandbox) : IPaymentGateway
{
    public async Task<GatewaySession> CreatePaymentAsync(string idempotencyKey, long orderId, decimal amount, string currency, string returnUrl,
        CancellationToken ct)
    {
        var payment = await sandbox.OpenAsync(idempotencyKey, orderId.ToString(System.Globalization.CultureInfo.InvariantCulture), amount, currency,
            returnUrl, ct);
        return new GatewaySession(payment.Id, SandboxGateway.PayPath(payment.Id));
    }

    public async Task<GatewayPaymentState?> GetPaymentAsync(string paymentId, CancellationToken ct) =>
        await sandbox.FindAsync(paymentId, ct) is { } p
            ? new GatewayPaymentState(p.Id, p.Status, p.Amount, p.Currency, p.CardBrand, p.CardLast4, p.LastDecline)
            : null;

    public Task<GatewayResult> CaptureAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct) =>
        sandbox.CaptureAsync(idempotencyKey, paymentId, amount, ct);

    public Task<GatewayResult> VoidAsync(string idempotencyKey, string paymentId, CancellationToken ct) =>
        sandbox.VoidAsync(idempotencyKey, paymentId, ct);

    public Task<GatewayResult> RefundAsync(string idempotencyKey, string paymentId, decimal amount, CancellationToken ct) =>
        sandbox.RefundAsync(idempotencyKey, paymentId, amount, ct);
}
