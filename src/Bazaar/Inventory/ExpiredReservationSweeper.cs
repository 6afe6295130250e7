using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    IOptions<InventoryOptions> options,
    ILogger<ExpiredReservationSweeper> log) : BackgroundService
{
    private DateTimeOffset _lowStockCountedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        try
        {
            await SweepForeverAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepForeverAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            if (!readiness.IsReady) continue;
            try
            {
                await SweepAsync(stoppingToken);
                await CountLowStockAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "The reservation sweep failed; it runs again in {Interval}", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
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
        var now = clock.GetUtcNow();
        if (now - _lowStockCountedAt < TimeSpan.FromSeconds(30)) return;
        _lowStockCountedAt = now;
        await using var scope = scopes.CreateAsyncScope();
        metrics.SetLowStockCount(await scope.ServiceProvider.GetRequiredService<Inventory>().CountLowStockAsync(ct));
    }
}
