using Microsoft.EntityFrameworkCore;

namespace Bazaar.Search;

internal static class SearchMappings
{
    public static void MapSearch(this ModelBuilder model)
    {
        model.Entity<SearchChange>(c =>
        {
            c.ToTable("search_changes");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedOnAdd();
            c.HasIndex(x => x.CommittedAt);
        });

        model.Entity<SynonymRule>(s =>
        {
            s.ToTable("search_synonyms");
            s.Property(x => x.Rule).HasMaxLength(400);
        });
    }
}
