namespace Bazaar.Search;

// One row per day (UTC) and search: its words as searched (normalised, lower case) and filters. Every node adds its
// counts to the same row, so the figures are exact across nodes.
public sealed class SearchDayStat
{
    public const int MaxQueryLength = 200;
    public const int MaxFiltersLength = 400;

    public DateOnly Day { get; set; }
    // SearchAnalytics.IdOf: a hash of Query and Filters, also the search id result links carry.
    public string SearchId { get; set; } = "";
    public string Query { get; set; } = "";
    public string Filters { get; set; } = "";
    public long Searches { get; set; }
    public long NoResults { get; set; }
    // The sum of the searches' result counts (their mean is ResultsTotal / Searches).
    public long ResultsTotal { get; set; }
}
