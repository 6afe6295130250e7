namespace Bazaar.Search;

public sealed record SearchAnalyticsReport(
    DateOnly From,
    DateOnly To,
    long Searches,
    long NoResultSearches,
    IReadOnlyList<TopSearch> Top,
    IReadOnlyList<FailedSearch> NoResults,
    IReadOnlyList<SearchClickThrough> ClickThrough);

// Shoppers: distinct shoppers per day, summed over the period's days.
public sealed record TopSearch(string Query, long Searches, long Shoppers, double MeanResults);

public sealed record FailedSearch(string Query, string Filters, long Searches, DateOnly LastSeen);

// OpensPerSearch: results opened per search (click-through); MeanOpenedPosition: the mean place of what was opened.
public sealed record SearchClickThrough(string Query, long Searches, long Opens, long CartAdds, double OpensPerSearch, double? MeanOpenedPosition);
