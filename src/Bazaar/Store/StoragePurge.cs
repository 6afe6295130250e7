using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Store;

// Deletes rows that only grow otherwise (PurgeOptions): ended holds, abandoned guest carts, guests' product views. Each
// module deletes its own, in batches, by age; safe on every node at once (a row deleted twice is deleted once).
public sealed class StoragePurge(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IOptions<PurgeOptions> options,
    ILogger<StoragePurge> log) : PeriodicJob(readiness, jobs, clock, log)
{
    protected override string Name => "storage-purge";

    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task TickAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = Clock.GetUtcNow();
        var holds = await RepeatAsync(sp => sp.GetRequiredService<Inventory.Inventory>().PurgeEndedHoldsAsync(now - o.EndedHoldsAfter, o.BatchSize, ct));
        var carts = await RepeatAsync(sp => sp.GetRequiredService<Cart.Cart>().PurgeGuestCartsAsync(now - o.GuestCartsAfter, o.BatchSize, ct));
        var views = await RepeatAsync(sp => sp.GetRequiredService<Recommendations.Recommendations>()
            .PurgeGuestViewsAsync(now - o.GuestViewsAfter, now - o.OneViewGuestsAfter, o.BatchSize, ct));
        if (holds + carts + views > 0)
            log.LogInformation("Purged {Holds} ended holds, {Carts} guest cart lines, {Views} guest product views", holds, carts, views);
    }

    // Batch after batch until one comes back short, each in its own scope.
    private async Task<int> RepeatAsync(Func<IServiceProvider, Task<int>> batch)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var deleted = await batch(scope.ServiceProvider);
            total += deleted;
            if (deleted < options.Value.BatchSize) return total;
        }
    }
}
