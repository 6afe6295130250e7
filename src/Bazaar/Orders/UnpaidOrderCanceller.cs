using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Orders;

// Cancels orders whose payment never went through (Orders:PaymentTimeout) and puts their stock back; finishes
// cancellations whose void a stopped node left half-done. Every node runs one: each cancellation is arbitrated by
// the order's version and the payment row, so two nodes cannot cancel (or restock) one order twice.
public sealed class UnpaidOrderCanceller(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IOptions<OrdersOptions> options,
    ILogger<UnpaidOrderCanceller> log) : PeriodicJob(readiness, jobs, clock, log)
{
    private const int BatchSize = 100;

    protected override string Name => "unpaid-order-canceller";

    protected override TimeSpan Interval => options.Value.ExpiryInterval;

    protected override Task TickAsync(CancellationToken ct) => RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var cancelled = await scope.ServiceProvider.GetRequiredService<Orders>().CancelUnpaidAsync(BatchSize, ct);
            total += cancelled;
            if (cancelled > 0) log.LogInformation("Cancelled {Count} unpaid orders and returned their stock", cancelled);
            if (cancelled < BatchSize) return total;
        }
    }
}
