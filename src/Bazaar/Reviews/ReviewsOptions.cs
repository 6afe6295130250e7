using System.ComponentModel.DataAnnotations;

namespace Bazaar.Reviews;

public sealed class ReviewsOptions
{
    public const string Section = "Reviews";

    public const int TitleMaxLength = 120;
    public const int BodyMaxLength = 5000;

    // Reviews written or edited by one shopper in an hour; counted in the database, so it holds across nodes.
    [Range(1, 10_000)]
    public int WritesPerHour { get; set; } = 10;

    // Reviews written or edited from one client address in an hour, whatever the accounts (every node together with Redis): many fresh
    // accounts from one address cannot flood a product with reviews.
    [Range(1, 1_000_000)]
    public int WritesPerClientPerHour { get; set; } = 30;
}
