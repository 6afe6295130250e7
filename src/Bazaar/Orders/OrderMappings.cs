using Microsoft.EntityFrameworkCore;

namespace Bazaar.Orders;

internal static class OrderMappings
{
    public static void MapInvoices(this ModelBuilder model) =>
        model.Entity<Invoice>(i =>
        {
            i.ToTable("invoices");
            i.HasKey(x => x.OrderId);
            i.HasIndex(x => x.Number).IsUnique();
            i.HasOne<Order>().WithOne().HasForeignKey<Invoice>(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
        });

    public static void MapOrders(this ModelBuilder model)
    {
        model.Entity<Order>(o =>
        {
            o.ToTable("orders", t => t.HasCheckConstraint("ck_order_total", "total >= 0"));
            o.Property(x => x.ShopperKey).HasMaxLength(80);
            o.Property(x => x.CustomerId).HasMaxLength(450);
            o.Property(x => x.Email).HasMaxLength(254);
            o.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            o.Property(x => x.ShippingMethod).HasMaxLength(30);
            o.Property(x => x.ShippingMethodName).HasMaxLength(80);
            o.Property(x => x.Currency).HasMaxLength(3);
            o.Property(x => x.Subtotal).HasPrecision(12, 2);
            o.Property(x => x.Discount).HasPrecision(12, 2);
            o.Property(x => x.CouponCode).HasMaxLength(40);
            o.Property(x => x.DiscountReason).HasMaxLength(250);
            o.Property(x => x.ShippingCost).HasPrecision(12, 2);
            o.Property(x => x.Tax).HasPrecision(12, 2);
            o.Property(x => x.TaxRate).HasPrecision(7, 5);
            o.Property(x => x.Total).HasPrecision(12, 2);
            o.Property(x => x.Version).IsConcurrencyToken();
            o.ComplexProperty(x => x.ShipTo, a =>
            {
                a.Property(x => x.Name).HasMaxLength(100);
                a.Property(x => x.Line1).HasMaxLength(200);
                a.Property(x => x.Line2).HasMaxLength(200);
                a.Property(x => x.City).HasMaxLength(100);
                a.Property(x => x.Region).HasMaxLength(50);
                a.Property(x => x.PostalCode).HasMaxLength(20);
                a.Property(x => x.Country).HasMaxLength(2);
                a.Property(x => x.Phone).HasMaxLength(40);
            });
            o.Ignore(x => x.UnitsUnshipped);
            o.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
            o.HasMany(x => x.Events).WithOne().HasForeignKey(e => e.OrderId).OnDelete(DeleteBehavior.Cascade);
            o.HasIndex(x => new { x.ShopperKey, x.PlacedAt });
            o.HasIndex(x => new { x.CustomerId, x.PlacedAt });
            o.HasIndex(x => new { x.Status, x.PaymentDueBy });
            o.HasIndex(x => x.PlacedAt);
            o.HasIndex(x => x.Demo);
        });

        model.Entity<OrderLine>(l =>
        {
            l.ToTable("order_lines", t =>
            {
                t.HasCheckConstraint("ck_order_line_quantity_positive", "quantity > 0");
                t.HasCheckConstraint("ck_order_line_shipped_within_quantity", "quantity_shipped >= 0 AND quantity_shipped <= quantity");
                t.HasCheckConstraint("ck_order_line_returned_within_shipped", "quantity_returned >= 0 AND quantity_returned <= quantity_shipped");
                t.HasCheckConstraint("ck_order_line_backordered_within_quantity", "quantity_backordered >= 0 AND quantity_backordered <= quantity");
            });
            l.Property(x => x.Sku).HasMaxLength(64);
            l.Property(x => x.Title).HasMaxLength(300);
            l.Property(x => x.UnitPrice).HasPrecision(12, 2);
            l.Property(x => x.LineTotal).HasPrecision(12, 2);
            l.Property(x => x.Discount).HasPrecision(12, 2);
            l.HasIndex(x => new { x.OrderId, x.Sku }).IsUnique();
            l.HasIndex(x => x.ProductId);
        });

        model.Entity<OrderEvent>(e =>
        {
            e.ToTable("order_events");
            e.Property(x => x.From).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.To).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Action).HasMaxLength(30);
            e.Property(x => x.Actor).HasMaxLength(Order.MaxActorLength);
            e.Property(x => x.Reason).HasMaxLength(Order.MaxReasonLength);
            e.HasIndex(x => new { x.OrderId, x.Id });
            e.Property(x => x.RequestKey).HasMaxLength(OrdersApi.MaxRequestKeyLength);
            e.HasIndex(x => new { x.OrderId, x.RequestKey }).IsUnique();
        });

        model.Entity<OrderNotification>(n =>
        {
            n.ToTable("order_notifications");
            n.Property(x => x.Email).HasMaxLength(254);
            n.Property(x => x.Subject).HasMaxLength(200);
            n.Property(x => x.Body).HasMaxLength(4000);
            n.HasIndex(x => new { x.SentAt, x.Id });
            n.HasIndex(x => x.OrderId);
        });
    }
}
