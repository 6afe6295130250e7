using Microsoft.EntityFrameworkCore;

namespace Bazaar.Search;

internal static class SearchMappings
{
    public static void MapSearch(this ModelBuilder model)
    {
        model.Entity<SynonymRule>(s =>
        {
            s.ToTable("search_synonyms");
            s.Property(x => x.Rule).HasMaxLength(400);
        });

        // Search analytics (SearchAnalytics): counters per day, written by upserts that add.
        model.Entity<SearchDayStat>(s =>
        {
            s.ToTable("search_day_stats");
            s.HasKey(x => new { x.Day, x.SearchId });
            s.Property(x => x.SearchId).HasMaxLength(16);
            s.Property(x => x.Query).HasMaxLength(SearchDayStat.MaxQueryLength);
            s.Property(x => x.Filters).HasMaxLength(SearchDayStat.MaxFiltersLength);
            s.HasIndex(x => new { x.Day, x.Query });
        });
        model.Entity<SearchShopperDay>(s =>
        {
            s.ToTable("search_shopper_days");
            s.HasKey(x => new { x.Day, x.SearchId, x.Shopper });
            s.Property(x => x.SearchId).HasMaxLength(16);
            s.Property(x => x.Shopper).HasMaxLength(16);
        });
        model.Entity<SearchResultEvent>(e =>
        {
            e.ToTable("search_result_events");
            e.HasKey(x => new { x.Day, x.SearchId, x.ProductId, x.Position });
            e.Property(x => x.SearchId).HasMaxLength(16);
        });
    }
}
