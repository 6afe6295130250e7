using System.ComponentModel.DataAnnotations;

namespace Bazaar.Search;

public sealed class SearchAnalyticsOptions
{
    public const string Section = "SearchAnalytics";

    // Off: nothing is counted (the admin page then shows what was counted before).
    public bool Enabled { get; set; } = true;

    // How often each node adds what it counted to the database; a search only touches memory.
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    // Counters one node holds between flushes; beyond this, new searches are dropped (and counted as dropped) until
    // the next flush, so a flood of distinct searches cannot grow the node's memory.
    [Range(100, 10_000_000)]
    public int MaxBufferedCounters { get; set; } = 50_000;
}
