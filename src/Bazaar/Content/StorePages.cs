using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Bazaar.Content;

// The trust pages every shop has: what they are called and where they live; their text is the admin's (stored), and
// until the admin writes one it shows a starting text that says it is one.
public sealed class StorePages(BazaarDb db, TimeProvider clock, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public sealed record Definition(string Slug, string Path, string Title, string StartingText);

    public static readonly IReadOnlyList<Definition> All =
    [
        new("about", "/about", "About us", "Tell shoppers who you are, what you sell and why they can trust you.\n\n(The shop has not written this page yet.)"),
        new("contact", "/contact", "Contact", "How shoppers reach you: e-mail, telephone, postal address and opening hours.\n\n(The shop has not written this page yet.)"),
        new("shipping-returns", "/shipping-and-returns", "Shipping and returns",
            "Where you ship, how long it takes and what it costs; how a shopper returns an order and gets a refund.\n\n(The shop has not written this page yet.)"),
        new("privacy", "/privacy", "Privacy", "What you collect about shoppers, why, how long you keep it and who you share it with.\n\n(The shop has not written this page yet.)"),
        new("terms", "/terms", "Terms and conditions", "The terms on which you sell.\n\n(The shop has not written this page yet.)"),
    ];

    public static Definition? Find(string slug) => All.FirstOrDefault(d => d.Slug == slug);

    public async Task<StorePageView?> GetAsync(string slug, CancellationToken ct = default)
    {
        if (Find(slug) is not { } definition) return null;
        var stored = await cache.GetOrCreateAsync("store-page:" + slug, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            return await db.StorePages.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, ct);
        });
        return stored is null
            ? new StorePageView(slug, definition.Path, definition.Title, definition.StartingText, "", null, null)
            : new StorePageView(slug, definition.Path, stored.Title, stored.Body, stored.Description, stored.UpdatedAt, stored.UpdatedBy);
    }

    public async Task<IReadOnlyList<StorePageView>> ListAsync(CancellationToken ct = default)
    {
        var pages = new List<StorePageView>();
        foreach (var d in All) pages.Add((await GetAsync(d.Slug, ct))!);
        return pages;
    }

    public async Task<StorePageView> SaveAsync(string slug, StorePageInput input, string actor, CancellationToken ct = default)
    {
        if (Find(slug) is null) throw new KeyNotFoundException($"There is no page '{slug}'. Pages: {string.Join(", ", All.Select(d => d.Slug))}.");
        var errors = new Dictionary<string, string[]>();
        var title = input.Title?.Trim() ?? "";
        var body = (input.Body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var description = input.Description?.Trim() ?? "";
        if (title.Length == 0) errors["title"] = ["The title is required."];
        else if (title.Length > StorePage.MaxTitle) errors["title"] = [$"The title must be at most {StorePage.MaxTitle} characters."];
        if (body.Length == 0) errors["body"] = ["The text is required."];
        else if (body.Length > StorePage.MaxBody) errors["body"] = [$"The text must be at most {StorePage.MaxBody} characters."];
        if (description.Length > StorePage.MaxDescription) errors["description"] = [$"The description must be at most {StorePage.MaxDescription} characters."];
        if (title.Any(char.IsControl) || description.Any(char.IsControl)) errors["title"] = ["The title and description are one line each."];
        if (errors.Count > 0) throw new StorePageInputException(errors);

        var page = await db.StorePages.FirstOrDefaultAsync(p => p.Slug == slug, ct);
        if (page is null) db.StorePages.Add(page = new StorePage { Slug = slug, Title = title, Body = body });
        (page.Title, page.Body, page.Description, page.UpdatedAt, page.UpdatedBy) = (title, body, description, clock.GetUtcNow(), actor);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (page.UpdatedBy == actor)
        {
            // Two first saves of one page raced; the other one's row is there now: write over it.
            db.ChangeTracker.Clear();
            await db.StorePages.Where(p => p.Slug == slug).ExecuteUpdateAsync(u => u.SetProperty(p => p.Title, title).SetProperty(p => p.Body, body)
                .SetProperty(p => p.Description, description).SetProperty(p => p.UpdatedAt, clock.GetUtcNow()).SetProperty(p => p.UpdatedBy, actor), ct);
        }
        db.ChangeTracker.Clear();
        cache.Remove("store-page:" + slug);
        return (await GetAsync(slug, ct))!;
    }
}
