using Bazaar.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// Adds each node's search counts to the database every SearchAnalytics:FlushInterval, and once more on the way out.
public sealed class SearchAnalyticsFlusher(
    SearchAnalytics analytics,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IOptions<SearchAnalyticsOptions> options,
    ILogger<SearchAnalyticsFlusher> log) : PeriodicJob(readiness, jobs, clock, log)
{
    protected override string Name => "search-analytics-flush";

    protected override TimeSpan Interval => options.Value.FlushInterval;

    protected override Task TickAsync(CancellationToken ct) => analytics.FlushAsync(ct);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await analytics.FlushAsync(cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Search analytics counted since the last flush could not be written on shutdown");
        }
    }
}
