namespace Bazaar.Search;

// That a shopper searched these words (SearchId of the words without filters) on this day, so a search's shoppers can be counted apart from its searches (one
// shopper repeating a search is not a popular search). Shopper is a hash of the day and the shopper's key: it
// names no account and cannot follow a guest from one day to the next.
public sealed class SearchShopperDay
{
    public DateOnly Day { get; set; }
    public string SearchId { get; set; } = "";
    public string Shopper { get; set; } = "";
}
