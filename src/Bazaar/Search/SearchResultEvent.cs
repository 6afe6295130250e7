namespace Bazaar.Search;

// What shoppers did with one result of one search on one day: opened it, added it to the cart; Position is its place
// in the results (1 = first).
public sealed class SearchResultEvent
{
    public DateOnly Day { get; set; }
    public string SearchId { get; set; } = "";
    public int ProductId { get; set; }
    public int Position { get; set; }
    public long Opens { get; set; }
    public long CartAdds { get; set; }
}
