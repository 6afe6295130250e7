using Microsoft.EntityFrameworkCore;

namespace Bazaar.Cart;

internal static class CartMappings
{
    public static void MapCart(this ModelBuilder model) =>
        model.Entity<CartLine>(l =>
        {
            l.ToTable("cart_lines", t => t.HasCheckConstraint("ck_cart_line_quantity_positive", "quantity > 0"));
            l.Property(x => x.ShopperKey).HasMaxLength(80);
            l.Property(x => x.Sku).HasMaxLength(64);
            l.HasIndex(x => new { x.ShopperKey, x.Sku }).IsUnique();
        });
}
