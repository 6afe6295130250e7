namespace Bazaar.Reviews;

public enum ReviewStatus
{
    Published,
    Hidden,
}

// One shopper's review of one product (they edit it rather than write another). Hidden reviews stay in the
// database with the moderator's reason, and count towards nothing until restored.
public sealed class Review
{
    public long Id { get; set; }
    public int ProductId { get; set; }
    public required string CustomerId { get; set; }
    public required string AuthorName { get; set; }
    public int Rating { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }

    // The author had an order with this product when they last wrote the review.
    public bool VerifiedPurchase { get; set; }
    public int HelpfulVotes { get; set; }
    public ReviewStatus Status { get; set; }
    public string? ModerationReason { get; set; }
    public string? ModeratedBy { get; set; }
    public DateTimeOffset? ModeratedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Seeded by the demo-history command, not written by a real shopper.
    public bool Demo { get; set; }
}

// "This review was helpful": one per shopper per review.
public sealed class ReviewVote
{
    public long ReviewId { get; set; }
    public required string CustomerId { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class ReviewInputException(IDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

public sealed class ReviewNotFound(long id) : Exception($"There is no review {id}.")
{
    public long Id { get; } = id;
}

public sealed class ReviewRefused(string message) : Exception(message);

public sealed class TooManyReviews(int limit) : Exception($"You have written or edited {limit} reviews in the last hour; wait a while before the next.")
{
    public int Limit { get; } = limit;
}

// Retry-After for the answer: when the client's hour turns.
public sealed class TooManyReviewsFromClient(int limit, TimeSpan retryAfter)
    : Exception($"{limit} reviews were written from your network in the last hour; wait "
        + $"{Platform.RateCounters.Seconds(retryAfter)} seconds before the next.")
{
    public int RetryAfterSeconds { get; } = Platform.RateCounters.Seconds(retryAfter);
}
