namespace Bazaar.Reviews;

public enum ReviewSort
{
    Helpful,
    Newest,
    Highest,
    Lowest,
}

// Published reviews of a product: how many, their mean, and how many of each star (Histogram[0] is one star).
public sealed record RatingSummary(int ProductId, int Count, double Average, IReadOnlyList<int> Histogram)
{
    public static RatingSummary None(int productId) => new(productId, 0, 0, [0, 0, 0, 0, 0]);
}

public sealed record ReviewView(
    long Id, int ProductId, string AuthorName, int Rating, string Title, string Body, bool VerifiedPurchase, int HelpfulVotes,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Status, string? ModerationReason);

public sealed record ReviewPage(RatingSummary Summary, IReadOnlyList<ReviewView> Items, int Total, int Page, int PageSize, string Sort);

public sealed record ReviewInput(int? Rating, string? Title, string? Body);

// The average shoppers trust: pulled towards the store's mean until a product has enough reviews of its own.
public sealed record RatedProduct(int ProductId, int Count, double Average, double Score);

public sealed record DemoReview(int ProductId, string ShopperKey, string AuthorName, int Rating, string Title, string Body, DateTimeOffset At);
