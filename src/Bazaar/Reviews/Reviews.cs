using Bazaar.Data;
using Bazaar.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Reviews;

// The shopper writing; a review shows "A shopper" for an account without a display name.
// ClientAddress: where the request came from (Platform.ClientAddress), for the limit per address.
public sealed record ReviewAuthor(string CustomerId, string? DisplayName, string ClientAddress)
{
    public string ShownName => string.IsNullOrWhiteSpace(DisplayName) ? "A shopper" : DisplayName.Trim();
}

// The reviews facade: one review per shopper per product, helpful votes, moderation, and the rating summaries the
// product page, the search index and the recommendations read. Every write that changes a product's published
// ratings appends to the search change feed in the same transaction, so the rating facet and sort follow.
public sealed class Reviews(
    BazaarDb db, Catalog.Catalog catalog, Orders.OrderHistory orders, TimeProvider clock, IOptions<ReviewsOptions> options,
    ReviewClientLimit clientLimit)
{
    public const int MaxPageSize = 50;

    // How many reviews' worth of the store's mean a product's own average is blended with for "top rated".
    private const double PriorWeight = 5;

    public async Task<ReviewPage> GetPageAsync(int productId, ReviewSort sort, int page, int pageSize, CancellationToken ct = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var published = db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && r.Status == ReviewStatus.Published);
        var ordered = sort switch
        {
            ReviewSort.Newest => published.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
            ReviewSort.Highest => published.OrderByDescending(r => r.Rating).ThenByDescending(r => r.HelpfulVotes).ThenByDescending(r => r.Id),
            ReviewSort.Lowest => published.OrderBy(r => r.Rating).ThenByDescending(r => r.HelpfulVotes).ThenByDescending(r => r.Id),
            _ => published.OrderByDescending(r => r.HelpfulVotes).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
        };
        var summary = await GetSummaryAsync(productId, ct);
        var items = await ordered.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new ReviewPage(summary, items.Select(ToView).ToList(), summary.Count, page, pageSize, sort.ToString().ToLowerInvariant());
    }

    public async Task<RatingSummary> GetSummaryAsync(int productId, CancellationToken ct = default) =>
        (await GetSummariesAsync([productId], ct)).GetValueOrDefault(productId) ?? RatingSummary.None(productId);

    // Only products with at least one published review appear in the answer.
    public async Task<IReadOnlyDictionary<int, RatingSummary>> GetSummariesAsync(IReadOnlyCollection<int> productIds, CancellationToken ct = default)
    {
        if (productIds.Count == 0) return new Dictionary<int, RatingSummary>();
        var counts = await db.Reviews.AsNoTracking()
            .Where(r => productIds.Contains(r.ProductId) && r.Status == ReviewStatus.Published)
            .GroupBy(r => new { r.ProductId, r.Rating })
            .Select(g => new { g.Key.ProductId, g.Key.Rating, Count = g.Count() })
            .ToListAsync(ct);
        return counts.GroupBy(c => c.ProductId).ToDictionary(g => g.Key, g =>
        {
            var histogram = new int[5];
            foreach (var c in g) histogram[c.Rating - 1] = c.Count;
            var count = histogram.Sum();
            var average = (double)g.Sum(c => c.Rating * c.Count) / count;
            return new RatingSummary(g.Key, count, Math.Round(average, 2), histogram);
        });
    }

    public async Task<ReviewView?> GetMineAsync(int productId, string customerId, CancellationToken ct = default) =>
        await db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && r.CustomerId == customerId).FirstOrDefaultAsync(ct) is { } r ? ToView(r) : null;

    // Writes the shopper's review of a product, or edits the one they wrote. Refused whole when any field is wrong.
    public async Task<ReviewView> WriteAsync(int productId, ReviewAuthor author, ReviewInput input, CancellationToken ct = default)
    {
        var (rating, title, body) = Validate(input);
        if ((await catalog.GetProductSummariesAsync([productId], ct)).Count == 0) throw new ProductNotReviewable(productId);
        var now = clock.GetUtcNow();
        var limit = options.Value.WritesPerHour;
        if (await db.Reviews.CountAsync(r => r.CustomerId == author.CustomerId && r.UpdatedAt > now.AddHours(-1), ct) >= limit)
            throw new TooManyReviews(limit);
        await clientLimit.TakeAsync(author.ClientAddress);
        var verified = await orders.HasBoughtAsync(author.CustomerId, productId, ct);

        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var review = await db.Reviews.FirstOrDefaultAsync(r => r.ProductId == productId && r.CustomerId == author.CustomerId, ct);
            if (review is null)
            {
                review = new Review { ProductId = productId, CustomerId = author.CustomerId, AuthorName = author.ShownName, Title = title, Body = body, CreatedAt = now };
                db.Reviews.Add(review);
            }
            review.AuthorName = Shorten(author.ShownName, 100);
            review.Rating = rating;
            review.Title = title;
            review.Body = body;
            review.VerifiedPurchase = verified;
            review.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt == 0)
            {
                // The same shopper's other request created it a moment ago: this one becomes the edit.
                db.ChangeTracker.Clear();
                continue;
            }
            await RefreshRatingAsync(productId, now, ct);
            await tx.CommitAsync(ct);
            return ToView(review);
        }
    }

    // Counts the shopper's "helpful" once however often they press it; returns the review's votes after.
    public async Task<int> VoteHelpfulAsync(long reviewId, string customerId, CancellationToken ct = default)
    {
        var review = await db.Reviews.AsNoTracking().Where(r => r.Id == reviewId && r.Status == ReviewStatus.Published)
            .Select(r => new { r.CustomerId, r.HelpfulVotes }).FirstOrDefaultAsync(ct) ?? throw new ReviewNotFound(reviewId);
        if (review.CustomerId == customerId) throw new ReviewRefused("You can't vote for your own review.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ReviewVotes.Add(new ReviewVote { ReviewId = reviewId, CustomerId = customerId, At = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return review.HelpfulVotes;
        }
        await db.Reviews.Where(r => r.Id == reviewId).ExecuteUpdateAsync(s => s.SetProperty(r => r.HelpfulVotes, r => r.HelpfulVotes + 1), ct);
        await tx.CommitAsync(ct);
        return await db.Reviews.Where(r => r.Id == reviewId).Select(r => r.HelpfulVotes).FirstAsync(ct);
    }

    public Task<ReviewView> HideAsync(long reviewId, string moderator, string? reason, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new ReviewInputException(new Dictionary<string, string[]> { ["reason"] = ["Say why the review is hidden; the author may ask."] });
        return ModerateAsync(reviewId, ReviewStatus.Hidden, moderator, reason, ct);
    }

    public Task<ReviewView> RestoreAsync(long reviewId, string moderator, string? reason, CancellationToken ct = default) =>
        ModerateAsync(reviewId, ReviewStatus.Published, moderator, string.IsNullOrWhiteSpace(reason) ? "restored" : reason, ct);

    private async Task<ReviewView> ModerateAsync(long reviewId, ReviewStatus status, string moderator, string reason, CancellationToken ct)
    {
        var review = await db.Reviews.FirstOrDefaultAsync(r => r.Id == reviewId, ct) ?? throw new ReviewNotFound(reviewId);
        var now = clock.GetUtcNow();
        review.Status = status;
        review.ModerationReason = Shorten(reason.Trim(), 300);
        review.ModeratedBy = Shorten(moderator, 120);
        review.ModeratedAt = now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await RefreshRatingAsync(review.ProductId, now, ct);
        await tx.CommitAsync(ct);
        return ToView(review);
    }

    // The back office's queue: newest first, optionally only one status.
    // The best-rated products with at least `minReviews` reviews, by an average pulled towards the store's mean
    // (PriorWeight reviews' worth), so three five-star reviews don't outrank three hundred at 4.8.
    public async Task<IReadOnlyList<RatedProduct>> TopRatedAsync(int take, int minReviews = 2, CancellationToken ct = default)
    {
        var products = await db.Reviews.AsNoTracking().Where(r => r.Status == ReviewStatus.Published)
            .GroupBy(r => r.ProductId)
            .Select(g => new { ProductId = g.Key, Count = g.Count(), Sum = g.Sum(r => r.Rating) })
            .ToListAsync(ct);
        if (products.Count == 0) return [];
        var mean = (double)products.Sum(p => p.Sum) / products.Sum(p => p.Count);
        return products.Where(p => p.Count >= minReviews)
            .Select(p => new RatedProduct(p.ProductId, p.Count, Math.Round((double)p.Sum / p.Count, 2), (PriorWeight * mean + p.Sum) / (PriorWeight + p.Count)))
            .OrderByDescending(p => p.Score).ThenByDescending(p => p.Count).ThenBy(p => p.ProductId)
            .Take(take).ToList();
    }

    // Removes demo reviews a stopped first start left part-written (the history is then written again in full), and
    // puts their products' ratings back to what the remaining reviews say.
    public async Task<int> DeleteDemoAsync(CancellationToken ct = default)
    {
        var products = await db.Reviews.Where(r => r.Demo).Select(r => r.ProductId).Distinct().ToListAsync(ct);
        if (products.Count == 0) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Reviews.Where(r => r.Demo).ExecuteDeleteAsync(ct);
        foreach (var productId in products) await RefreshRatingAsync(productId, clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    // The demo seeder's reviews: verified (they come with demo orders), marked Demo, one per shopper and product.
    public async Task<int> ImportDemoAsync(IReadOnlyList<DemoReview> demo, CancellationToken ct = default)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var chunk in demo.DistinctBy(d => (d.ProductId, d.ShopperKey)).Chunk(1000))
            {
                db.Reviews.AddRange(chunk.Select(d => new Review
                {
                    ProductId = d.ProductId, CustomerId = d.ShopperKey, AuthorName = d.AuthorName, Rating = d.Rating, Title = d.Title, Body = d.Body,
                    VerifiedPurchase = true, CreatedAt = d.At, UpdatedAt = d.At, Demo = true,
                }));
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var productId in demo.Select(d => d.ProductId).Distinct()) await RefreshRatingAsync(productId, clock.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
            return demo.Count;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static (int Rating, string Title, string Body) Validate(ReviewInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Rating is not (>= 1 and <= 5)) errors["rating"] = ["Give a rating from 1 to 5 stars."];
        var title = input.Title?.Trim() ?? "";
        var body = input.Body?.Replace("\r\n", "\n", StringComparison.Ordinal).Trim() ?? "";
        if (title.Length == 0) errors["title"] = ["Give your review a title."];
        else if (title.Length > ReviewsOptions.TitleMaxLength) errors["title"] = [$"The title is {title.Length} characters; at most {ReviewsOptions.TitleMaxLength}."];
        if (body.Length == 0) errors["body"] = ["Write a few words about the product."];
        else if (body.Length > ReviewsOptions.BodyMaxLength) errors["body"] = [$"The review is {body.Length} characters; at most {ReviewsOptions.BodyMaxLength}."];
        if (errors.Count > 0) throw new ReviewInputException(errors);
        return (input.Rating!.Value, title, body);
    }

    // The product's published rating, copied to the catalogue and the search index in the caller's transaction.
    private async Task RefreshRatingAsync(int productId, DateTimeOffset now, CancellationToken ct)
    {
        var summary = await GetSummaryAsync(productId, ct);
        await catalog.SetRatingAsync(productId, summary.Count, summary.Average, ct);
        ChangeFeed.ProductChanged(db, productId, now);
        await db.SaveChangesAsync(ct);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];

    internal static ReviewView ToView(Review r) => new(r.Id, r.ProductId, r.AuthorName, r.Rating, r.Title, r.Body, r.VerifiedPurchase, r.HelpfulVotes,
        r.CreatedAt, r.UpdatedAt, r.Status.ToString(), r.ModerationReason);
}

public sealed class ProductNotReviewable(int productId) : Exception($"There is no product {productId} to review.")
{
    public int ProductId { get; } = productId;
}

// Reviews:WritesPerClientPerHour, across nodes with Redis (RateCounters); the per-account limit is counted in the
// database.
public sealed class ReviewClientLimit(IOptions<ReviewsOptions> options, Platform.RateCounters counters)
{
    public async Task TakeAsync(string clientAddress)
    {
        var limit = options.Value.WritesPerClientPerHour;
        if (await counters.TakeAsync("Reviews:WritesPerClientPerHour", clientAddress, limit, TimeSpan.FromHours(1))
            is { } retryAfter)
            throw new TooManyReviewsFromClient(limit, retryAfter);
    }
}
