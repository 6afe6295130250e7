using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments;

// Finishes captures a stopped node left half-done (Payments.ReconcileCapturesAsync), as soon as the node is ready
// after a start and then every Payments:ReconcileInterval. Every node runs one: each capture is claimed on the
// payment row and sent under the order's one gateway key, so two nodes finishing the same one move money once.
public sealed class PaymentReconciler(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IOptions<PaymentsOptions> options,
    ILogger<PaymentReconciler> log) : PeriodicJob(readiness, jobs, clock, log)
{
    private const int BatchSize = 100;

    protected override string Name => "payment-reconciler";

    protected override TimeSpan Interval => options.Value.ReconcileInterval;

    protected override async Task TickAsync(CancellationToken ct)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var done = await scope.ServiceProvider.GetRequiredService<Payments>().ReconcileCapturesAsync(BatchSize, ct);
            if (done.Count < BatchSize) return;
        }
    }
}
