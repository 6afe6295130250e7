using Microsoft.EntityFrameworkCore;

namespace Bazaar.Recommendations;

internal static class RecommendationMappings
{
    public static void MapRecommendations(this ModelBuilder model)
    {
        model.Entity<RecentView>(v =>
        {
            v.ToTable("recent_views");
            v.HasKey(x => new { x.ShopperKey, x.ProductId });
            v.Property(x => x.ShopperKey).HasMaxLength(80);
            v.HasIndex(x => new { x.ShopperKey, x.ViewedAt });
        });

        model.Entity<CoPurchaseItem>(i =>
        {
            i.ToTable("copurchase_items", t => t.HasCheckConstraint("ck_copurchase_item_baskets", "baskets >= 0"));
            i.HasKey(x => x.ProductId);
            i.Property(x => x.ProductId).ValueGeneratedNever();
        });

        model.Entity<CoPurchasePair>(p =>
        {
            p.ToTable("copurchase_pairs", t => t.HasCheckConstraint("ck_copurchase_pair_baskets", "baskets >= 0"));
            p.HasKey(x => new { x.ProductId, x.OtherId });
        });

        model.Entity<RecommendationProgress>(p =>
        {
            p.ToTable("recommendation_progress");
            p.HasKey(x => x.Name);
            p.Property(x => x.Name).HasMaxLength(40);
        });
    }
}
