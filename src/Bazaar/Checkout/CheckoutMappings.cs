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
    }
}
