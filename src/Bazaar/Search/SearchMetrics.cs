using System.Diagnostics.Metrics;

namespace Bazaar.Search;

public sealed class SearchMetrics : IDisposable
{
    public const string MeterName = "Bazaar.Search";
    private readonly Meter _meter = new(MeterName);
    private double _lagSeconds;
    private long _pending;

    public SearchMetrics()
    {
        ChangesApplied = _meter.CreateCounter<long>("bazaar.search.index.changes_applied", "{change}", "Change-feed rows applied to this node's index.");
        ApplyDelay = _meter.CreateHistogram<double>("bazaar.search.index.apply_delay", "s", "Time from a change's commit to its being searchable on this node.");
        QueryDuration = _meter.CreateHistogram<double>("bazaar.search.query.duration", "ms", "Time to run a search in the index, facets included.");
        ResultCacheHits = _meter.CreateCounter<long>("bazaar.search.result_cache.hits", "{search}", "Searches answered from this node's result cache.");
        ResultCacheMisses = _meter.CreateCounter<long>("bazaar.search.result_cache.misses", "{search}", "Searches ranked and counted in the index.");
        Rebuilds = _meter.CreateCounter<long>("bazaar.search.index.rebuilds", "{rebuild}", "Full index rebuilds on this node.");
        _meter.CreateObservableGauge("bazaar.search.index.lag", () => Volatile.Read(ref _lagSeconds), "s",
            "Now minus the commit time of the oldest change not yet applied to this node's index (0 when caught up).");
        _meter.CreateObservableGauge("bazaar.search.index.pending", () => Interlocked.Read(ref _pending), "{change}", "Change-feed rows not yet applied.");
    }

    public Counter<long> ChangesApplied { get; }
    public Histogram<double> ApplyDelay { get; }
    public Histogram<double> QueryDuration { get; }
    public Counter<long> Rebuilds { get; }
    public Counter<long> ResultCacheHits { get; }
    public Counter<long> ResultCacheMisses { get; }

    public double LagSeconds => Volatile.Read(ref _lagSeconds);
    public long Pending => Interlocked.Read(ref _pending);

    public void SetLag(double seconds, long pending)
    {
        Volatile.Write(ref _lagSeconds, seconds);
        Interlocked.Exchange(ref _pending, pending);
    }

    public void Dispose() => _meter.Dispose();
}
