namespace Bazaar.Recommendations;

// A product a shopper looked at, kept in the database when Redis is not configured.
public sealed class RecentView
{
    public required string ShopperKey { get; set; }
    public int ProductId { get; set; }
    public DateTimeOffset ViewedAt { get; set; }
}

// How many orders had this product (the n_i of the similarity).
public sealed class CoPurchaseItem
{
    public int ProductId { get; set; }
    public int Baskets { get; set; }
}

// How many orders had both products; stored in both directions so one product's neighbours are one range read.
public sealed class CoPurchasePair
{
    public int ProductId { get; set; }
    public int OtherId { get; set; }
    public int Baskets { get; set; }
}

// How far the also-bought builder has read the orders, and when it last rebuilt everything. One row per builder;
// the node that locks it does the work.
public sealed class RecommendationProgress
{
    public required string Name { get; set; }
    public long LastOrderId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? RebuiltAt { get; set; }
}
