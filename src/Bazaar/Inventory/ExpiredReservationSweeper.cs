using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Inventory;

// Releases expired holds in batches. Every node runs one; Inventory.ExpireDueAsync claims rows with
// FOR UPDATE SKIP LOCKED (PostgreSQL) so that sweepers never release the same hold twice.
public sealed class ExpiredReservationSweeper(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    InventoryMetrics metrics,
    TimeProvider clock,
    BackgroundMetrics jobs,
    IOptions<InventoryOptions> options,
    ILogger<ExpiredReservationSweeper> log) : PeriodicJob(readiness, jobs, clock, log)
{
    private DateTimeOffset _lowStockCountedAt = DateTimeOffset.MinValue;

    protected override string Name => "reservation-sweeper";

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task TickAsync(CancellationToken ct)
    {
        await SweepAsync(ct);
        await CountLowStockAsync(ct);
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var inventory = scope.ServiceProvider.GetRequiredService<Inventory>();
            var ended = await inventory.ExpireDueAsync(options.Value.SweepBatchSize, ct);
            total += ended.Count;
            if (ended.Count > 0) log.LogInformation("Released {Count} expired holds ({Units} units)", ended.Count, ended.Sum(e => e.Quantity));
            if (ended.Count < options.Value.SweepBatchSize) return total;
        }
    }

    private async Task CountLowStockAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        if (now - _lowStockCountedAt < TimeSpan.FromSeconds(30)) return;
        _lowStockCountedAt = now;
        await using var scope = scopes.CreateAsyncScope();
        metrics.SetLowStockCount(await scope.ServiceProvider.GetRequiredService<Inventory>().CountLowStockAsync(ct));
    }
}
