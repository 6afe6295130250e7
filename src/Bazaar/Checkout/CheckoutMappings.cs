using Microsoft.EntityFrameworkCore;

namespace Bazaar.Checkout;

internal static class CheckoutMappings
{
    public static void MapCheckout(this ModelBuilder model)
    {
        model.Entity<CheckoutRequest>(r =>
        {
            r.ToTable("checkout_requests");
            // The key is the arbiter of concurrent retries: the second insert waits for the first and then fails.
            r.HasKey(x => new { x.ShopperKey, x.Key });
            r.Property(x => x.ShopperKey).HasMaxLength(80);
            r.Property(x => x.Key).HasMaxLength(100);
            r.Property(x => x.RequestHash).HasMaxLength(64);
            r.HasIndex(x => x.OrderId);
        });

        model.Entity<SavedAddress>(a =>
        {
            a.ToTable("saved_addresses");
            a.Property(x => x.CustomerId).HasMaxLength(450);
            a.Property(x => x.Name).HasMaxLength(100);
            a.Property(x => x.Line1).HasMaxLength(200);
            a.Property(x => x.Line2).HasMaxLength(200);
            a.Property(x => x.City).HasMaxLength(100);
            a.Property(x => x.Region).HasMaxLength(50);
            a.Property(x => x.PostalCode).HasMaxLength(20);
            a.Property(x => x.Country).HasMaxLength(2);
            a.Property(x => x.Phone).HasMaxLength(40);
            a.HasIndex(x => new { x.CustomerId, x.LastUsedAt });
        });
    
        model.Entity<ShippingMethod>(m =>
        {
            m.ToTable("shipping_methods");
            m.HasKey(x => x.Code);
            m.Property(x => x.Code).HasMaxLength(40);
            m.Property(x => x.Name).HasMaxLength(80);
            m.Property(x => x.Price).HasPrecision(12, 2);
            m.Property(x => x.FreeFrom).HasPrecision(12, 2);
            m.HasMany(x => x.WeightBands).WithOne().HasForeignKey(b => b.MethodCode).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<WeightBand>(b =>
        {
            b.ToTable("shipping_weight_bands");
            b.HasKey(x => new { x.MethodCode, x.UpToGrams });
            b.Property(x => x.MethodCode).HasMaxLength(40);
            b.Property(x => x.Price).HasPrecision(12, 2);
        });

        model.Entity<TaxRate>(t =>
        {
            t.ToTable("tax_rates");
            t.HasKey(x => x.Key);
            t.Property(x => x.Key).HasMaxLength(8);
            t.Property(x => x.Rate).HasPrecision(7, 5);
        });

        model.Entity<RateChange>(c =>
        {
            c.ToTable("rate_changes");
            c.Property(x => x.Actor).HasMaxLength(120);
            c.Property(x => x.Subject).HasMaxLength(80);
            c.Property(x => x.Change).HasMaxLength(1000);
        });
    }
}
