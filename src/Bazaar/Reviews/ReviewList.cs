using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Reviews;

// Text matches the title, the body and the author's name.
public sealed record ReviewListFilter(ReviewStatus? Status = null, int? Rating = null, int? ProductId = null, string? Text = null,
    string? CustomerId = null);

// The moderation list: every review reachable, a page at a time, sorted in the database.
public sealed class ReviewList(BazaarDb db)
{
    public static readonly ListShape Shape = new(["newest", "rating", "product", "helpful"], "newest", DefaultDescending: false);

    public async Task<ListPage<ReviewView>> SearchAsync(ReviewListFilter filter, ListQuery list, CancellationToken ct = default)
    {
        var reviews = db.Reviews.AsNoTracking();
        if (filter.Status is { } status) reviews = reviews.Where(r => r.Status == status);
        if (filter.Rating is { } rating) reviews = reviews.Where(r => r.Rating == rating);
        if (filter.ProductId is { } productId) reviews = reviews.Where(r => r.ProductId == productId);
        if (filter.CustomerId is { } customerId) reviews = reviews.Where(r => r.CustomerId == customerId);
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim().ToLowerInvariant();
            reviews = reviews.Where(r => r.Title.ToLower().Contains(text) || r.Body.ToLower().Contains(text) || r.AuthorName.ToLower().Contains(text));
        }
        var total = await reviews.CountAsync(ct);
        // "newest" reads newest first; "-newest" oldest first.
        reviews = (list.Sort, list.Descending) switch
        {
            ("rating", false) => reviews.OrderBy(r => r.Rating).ThenByDescending(r => r.Id),
            ("rating", true) => reviews.OrderByDescending(r => r.Rating).ThenByDescending(r => r.Id),
            ("product", false) => reviews.OrderBy(r => r.ProductId).ThenByDescending(r => r.Id),
            ("product", true) => reviews.OrderByDescending(r => r.ProductId).ThenByDescending(r => r.Id),
            ("helpful", false) => reviews.OrderByDescending(r => r.HelpfulVotes).ThenByDescending(r => r.Id),
            ("helpful", true) => reviews.OrderBy(r => r.HelpfulVotes).ThenBy(r => r.Id),
            (_, true) => reviews.OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id),
            _ => reviews.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id),
        };
        var items = await reviews.Skip(list.Skip).Take(list.PageSize).ToListAsync(ct);
        return new ListPage<ReviewView>(items.Select(Reviews.ToView).ToList(), total, list.Page, list.PageSize, list.SortText);
    }

    // Parses the moderation list's query string for the API and the page alike; problems named by field in `errors`.
    public static (ReviewListFilter Filter, ListQuery List) Parse(string? status, string? rating, string? product, string? q, string? page,
        string? pageSize, string? sort, IDictionary<string, string[]> errors)
    {
        ReviewStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<ReviewStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                errors["status"] = ["The status must be published or hidden."];
            else wanted = parsed;
        }
        var stars = ListQuery.Optional(rating, "rating", 1, 5, errors);
        var productId = ListQuery.Optional(product, "product", 1, int.MaxValue, errors);
        var list = ListQuery.Parse(page, pageSize, sort, Shape, errors);
        return (new ReviewListFilter(wanted, stars, productId, string.IsNullOrWhiteSpace(q) ? null : q.Trim()), list);
    }
}
