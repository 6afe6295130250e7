using Bazaar.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Recommendations;

// Runs the also-bought builder on every node; the builder's lock makes one node do each step.
public sealed class RecommendationJobs(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IOptions<RecommendationsOptions> options,
    ILogger<RecommendationJobs> log) : PeriodicJob(readiness, jobs, clock, log)
{
    protected override string Name => "also-bought-builder";

    protected override TimeSpan Interval => options.Value.BuildInterval;

    protected override Task TickAsync(CancellationToken ct) => CatchUpAsync(ct);

    private long _generation;

    // Changes whenever this node's builder changed the counts: cached neighbours of an older generation are not
    // used on this node (other nodes see the new counts when their cache entries expire).
    public long Generation => Interlocked.Read(ref _generation);

    // Steps until the builder has nothing left to count (or another node holds it).
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var step = await scope.ServiceProvider.GetRequiredService<AlsoBoughtBuilder>().StepAsync(ct);
            total += step.Orders;
            if (step.Orders > 0 || step.Rebuilt) Interlocked.Increment(ref _generation);
            if (step.Rebuilt) log.LogInformation("Rebuilt also-bought from {Orders} orders", step.Orders);
            if (!step.Claimed || (step.Orders == 0 && !step.Rebuilt)) return total;
        }
    }
}
