using Microsoft.EntityFrameworkCore;

namespace Bazaar.Catalog;

internal static class CatalogMappings
{
    public static void MapCatalog(this ModelBuilder model)
    {
        model.Entity<Category>(c =>
        {
            c.ToTable("categories");
            c.Property(x => x.Name).HasMaxLength(120);
            c.Property(x => x.Slug).HasMaxLength(140);
            c.HasIndex(x => x.Slug).IsUnique();
            c.HasOne(x => x.Parent).WithMany(x => x.Children).HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<ProductChange>(c =>
        {
            c.ToTable("search_changes");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).ValueGeneratedOnAdd();
            c.HasIndex(x => x.CommittedAt);
        });

        model.Entity<Product>(p =>
        {
            p.ToTable("products");
            p.Property(x => x.Sku).HasMaxLength(64);
            p.Property(x => x.Slug).HasMaxLength(220);
            p.Property(x => x.ExternalId).HasMaxLength(64);
            p.Property(x => x.Brand).HasMaxLength(120);
            p.Property(x => x.Model).HasMaxLength(200);
            p.Property(x => x.Title).HasMaxLength(400);
            p.Property(x => x.Description).HasMaxLength(4000);
            p.Property(x => x.Price).HasPrecision(12, 2);
            p.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            p.HasIndex(x => x.Sku).IsUnique();
            p.HasIndex(x => x.Slug).IsUnique();
            p.HasIndex(x => x.ExternalId).IsUnique();
            p.HasIndex(x => x.Brand);
            p.HasIndex(x => new { x.CategoryId, x.Price });
            // "Newest" (the default sort and the home page's new arrivals) reads the top of this index instead of sorting.
            p.HasIndex(x => new { x.ReleasedOn, x.Id });
            p.HasOne(x => x.Category).WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
            p.HasMany(x => x.Attributes).WithOne().HasForeignKey(a => a.ProductId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ProductAttribute>(a =>
        {
            a.ToTable("product_attributes");
            a.HasKey(x => new { x.ProductId, x.Key });
            a.Property(x => x.Key).HasMaxLength(100);
            a.Property(x => x.Name).HasMaxLength(120);
            a.Property(x => x.Text).HasMaxLength(2000);
            a.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
            a.Ignore(x => x.DisplayValue);
        });
    }
}
