using Microsoft.EntityFrameworkCore;

namespace Bazaar.Discounts;

internal static class DiscountsMappings
{
    public static void MapDiscounts(this ModelBuilder model)
    {
        model.Entity<Coupon>(c =>
        {
            c.ToTable("coupons");
            c.Property(x => x.Code).HasMaxLength(40);
            c.HasIndex(x => x.Code).IsUnique();
            c.Property(x => x.Description).HasMaxLength(200);
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            c.Property(x => x.Value).HasPrecision(12, 2);
            c.Property(x => x.MinimumSpend).HasPrecision(12, 2);
            c.ToTable(t => t.HasCheckConstraint("ck_coupons_used_within_limit", "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)"));
        });

        model.Entity<CouponRedemption>(r =>
        {
            r.ToTable("coupon_redemptions");
            r.Property(x => x.Customer).HasMaxLength(300);
            r.Property(x => x.Amount).HasPrecision(12, 2);
            r.HasIndex(x => new { x.CouponId, x.Customer });
            r.HasIndex(x => x.OrderId);
            r.HasOne<Coupon>().WithMany().HasForeignKey(x => x.CouponId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
