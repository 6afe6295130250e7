using Microsoft.EntityFrameworkCore;

namespace Bazaar.Content;

internal static class ContentMappings
{
    public static void MapContent(this ModelBuilder model) =>
        model.Entity<StorePage>(p =>
        {
            p.ToTable("store_pages");
            p.HasKey(x => x.Slug);
            p.Property(x => x.Slug).HasMaxLength(40);
            p.Property(x => x.Title).HasMaxLength(StorePage.MaxTitle);
            p.Property(x => x.Body).HasMaxLength(StorePage.MaxBody);
            p.Property(x => x.Description).HasMaxLength(StorePage.MaxDescription);
            p.Property(x => x.UpdatedBy).HasMaxLength(120);
        });
}
