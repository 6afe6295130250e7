using System.ComponentModel.DataAnnotations;

namespace Bazaar.Web.Hosting;

// Bound to the Search section with the module's own options; kept apart because the limit guards the HTTP edge.
public sealed class SearchRateLimitOptions
{
    public const string Section = "Search";

    // Searches and suggestions (the API and the search page together) one client address may ask for per minute, per
    // node. A search is the store's most expensive read; typing into the box asks for a suggestion per key.
    [Range(1, 1_000_000)]
    public int RequestsPerClientPerMinute { get; set; } = 240;
}
