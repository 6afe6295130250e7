using System.ComponentModel.DataAnnotations;

namespace Bazaar.Search;

public sealed class SearchOptions : IValidatableObject
{
    public const string Section = "Search";

    // How often the indexer looks for new changes when it has caught up.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    // How often applied changes are committed to disk (they are searchable before that).
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(5);

    // A feed id that is missing while later ones are visible belongs to a transaction still open, or to one
    // that rolled back. After this long it is taken to have rolled back.
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // After this long without a product change the index is merged into one segment (searches get faster;
    // the merge takes a second or two of one core on the bundled catalogue).
    public TimeSpan CompactAfterIdle { get; set; } = TimeSpan.FromSeconds(30);

    // Recent results kept per node (see SearchResultCache); 0 turns the cache off.
    [Range(0, 1_000_000)]
    public int ResultCacheEntries { get; set; } = 2000;

    public TimeSpan StockRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan SynonymRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    // Feed rows older than this are deleted; a node whose index is older still rebuilds it in full.
    public TimeSpan FeedRetention { get; set; } = TimeSpan.FromDays(7);

    [Range(10, 5000)]
    public int BatchSize { get; set; } = 500;

    // Synonym rules every node starts with; admins add more (stored in the database).
    public List<string> Synonyms { get; set; } =
    [
        "tv, television",
        "laptop, notebook",
        "hdd, hard drive, hard disk",
        "ssd, solid state drive",
        "ups, uninterruptible power supply",
        "psu, power supply",
        "cord, cable",
        "monitor, display",
        "cellphone, mobile phone, smartphone",
        "wifi, wireless",
        "pc, computer",
    ];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(1))
            yield return new ValidationResult("Search:PollInterval must be between 0 and 1 minute.", [nameof(PollInterval)]);
        if (CommitInterval <= TimeSpan.Zero)
            yield return new ValidationResult("Search:CommitInterval must be positive.", [nameof(CommitInterval)]);
        if (GapTimeout <= TimeSpan.Zero)
            yield return new ValidationResult("Search:GapTimeout must be positive.", [nameof(GapTimeout)]);
        if (CompactAfterIdle <= TimeSpan.Zero)
            yield return new ValidationResult("Search:CompactAfterIdle must be positive.", [nameof(CompactAfterIdle)]);
        if (StockRefreshInterval <= TimeSpan.Zero)
            yield return new ValidationResult("Search:StockRefreshInterval must be positive.", [nameof(StockRefreshInterval)]);
        if (FeedRetention < TimeSpan.FromHours(1))
            yield return new ValidationResult("Search:FeedRetention must be at least one hour.", [nameof(FeedRetention)]);
        foreach (var rule in Synonyms)
            if (!SynonymSet.TryParse(rule, out _, out var error))
                yield return new ValidationResult($"Search:Synonyms has a bad rule '{rule}': {error}", [nameof(Synonyms)]);
    }
}
