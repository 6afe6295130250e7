namespace Bazaar.Search;

// One synonym rule in the Solr format: "tv, television" (equivalent) or "telly => television" (one way).
public sealed class SynonymRule
{
    public int Id { get; set; }
    public required string Rule { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
