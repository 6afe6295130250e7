namespace Bazaar.Content;

// One of the storefront's own pages (About, Contact, ...), as the admin last wrote it. The body is plain text with a
// little markup (PageMarkup), never HTML, so nothing an admin types can run in a shopper's browser.
public sealed class StorePage
{
    public const int MaxTitle = 120;
    public const int MaxBody = 20_000;
    public const int MaxDescription = 300;

    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public string Description { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

public sealed record StorePageView(string Slug, string Path, string Title, string Body, string Description, DateTimeOffset? UpdatedAt,
    string? UpdatedBy);

public sealed record StorePageInput(string? Title, string? Body, string? Description);

public sealed class StorePageInputException(IDictionary<string, string[]> errors) : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
