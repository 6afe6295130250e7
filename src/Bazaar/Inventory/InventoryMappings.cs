using Microsoft.EntityFrameworkCore;

namespace Bazaar.Inventory;

internal static class InventoryMappings
{
    public static void MapInventory(this ModelBuilder model)
    {
        model.Entity<StockItem>(s =>
        {
            s.ToTable("stock_items", t => t.HasCheckConstraint("ck_stock_reserved_within_on_hand", "reserved >= 0 AND reserved <= on_hand"));
            s.HasKey(x => x.Sku);
            s.Property(x => x.Sku).HasMaxLength(64);
            s.Property(x => x.Strategy).HasConversion<string>().HasMaxLength(10);
            s.HasIndex(x => x.ProductId).IsUnique();
            s.Ignore(x => x.Available);
            s.Ignore(x => x.IsLow);
        });

        model.Entity<Reservation>(r =>
        {
            r.ToTable("reservations", t => t.HasCheckConstraint("ck_reservation_quantity_positive", "quantity > 0"));
            r.Property(x => x.Sku).HasMaxLength(64);
            r.Property(x => x.ShopperKey).HasMaxLength(80);
            r.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
            // At most one live hold per shopper and SKU: concurrent adds grow it instead of racing to insert.
            r.HasIndex(x => new { x.ShopperKey, x.Sku }).IsUnique().HasFilter("status = 'Active'");
            r.Property(x => x.ClientAddress).HasMaxLength(64);
            // The per-client caps sum a client's live holds.
            r.HasIndex(x => new { x.ClientAddress, x.Sku }).HasFilter("status = 'Active'");
            r.HasIndex(x => new { x.Status, x.ExpiresAt });
            r.HasIndex(x => x.Sku);
            r.HasOne<StockItem>().WithMany().HasForeignKey(x => x.Sku).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Backorder>(b =>
        {
            b.ToTable("backorders", t =>
            {
                t.HasCheckConstraint("ck_backorder_quantity_positive", "quantity > 0");
                t.HasCheckConstraint("ck_backorder_allocated_within_quantity", "allocated >= 0 AND allocated <= quantity");
            });
            b.Property(x => x.Sku).HasMaxLength(64);
            b.Property(x => x.ShopperKey).HasMaxLength(80);
            b.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
            b.Ignore(x => x.Outstanding);
            // One back-order per order line; the queue a receipt allocates from, oldest first.
            b.HasIndex(x => new { x.OrderId, x.Sku }).IsUnique();
            b.HasIndex(x => new { x.Sku, x.Status, x.Id });
            b.HasOne<StockItem>().WithMany().HasForeignKey(x => x.Sku).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<StockMovement>(m =>
        {
            m.ToTable("stock_movements");
            m.Property(x => x.Sku).HasMaxLength(64);
            m.Property(x => x.Kind).HasConversion<string>().HasMaxLength(10);
            m.Property(x => x.Actor).HasMaxLength(120);
            m.Property(x => x.Reason).HasMaxLength(300);
            m.HasIndex(x => new { x.Sku, x.Id });
            m.HasOne<StockItem>().WithMany().HasForeignKey(x => x.Sku).OnDelete(DeleteBehavior.Restrict);
            m.HasOne(x => x.Reservation).WithMany().HasForeignKey(x => x.ReservationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
