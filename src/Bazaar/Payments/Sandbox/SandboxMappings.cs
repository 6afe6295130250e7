using Microsoft.EntityFrameworkCore;

namespace Bazaar.Payments.Sandbox;

internal static class SandboxMappings
{
    public static void MapSandbox(this ModelBuilder model)
    {
        model.Entity<SandboxPayment>(p =>
        {
            p.ToTable("sandbox_payments");
            p.HasKey(x => x.Id);
            p.Property(x => x.Id).HasMaxLength(40);
            p.Property(x => x.IdempotencyKey).HasMaxLength(120);
            p.HasIndex(x => x.IdempotencyKey).IsUnique();
            p.Property(x => x.MerchantReference).HasMaxLength(64);
            p.Property(x => x.Currency).HasMaxLength(3);
            p.Property(x => x.Status).HasConversion<string>().HasMaxLength(24);
            p.Property(x => x.Amount).HasPrecision(12, 2);
            p.Property(x => x.Captured).HasPrecision(12, 2);
            p.Property(x => x.Refunded).HasPrecision(12, 2);
            p.Property(x => x.CardBrand).HasMaxLength(30);
            p.Property(x => x.CardLast4).HasMaxLength(4);
            p.Property(x => x.LastDecline).HasMaxLength(200);
            p.Property(x => x.ReturnUrl).HasMaxLength(500);
        });

        model.Entity<SandboxOperation>(o =>
        {
            o.ToTable("sandbox_operations");
            o.HasKey(x => x.Key);
            o.Property(x => x.Key).HasMaxLength(120);
            o.Property(x => x.PaymentId).HasMaxLength(40);
            o.Property(x => x.Kind).HasMaxLength(10);
            o.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(10);
            o.Property(x => x.Reference).HasMaxLength(64);
            o.Property(x => x.Message).HasMaxLength(200);
            o.Property(x => x.Amount).HasPrecision(12, 2);
        });

        model.Entity<SandboxWebhook>(w =>
        {
            w.ToTable("sandbox_webhooks");
            w.Property(x => x.EventId).HasMaxLength(40);
            w.HasIndex(x => x.EventId).IsUnique();
            w.Property(x => x.PaymentId).HasMaxLength(40);
            w.Property(x => x.Type).HasMaxLength(40);
            w.Property(x => x.LastError).HasMaxLength(300);
            w.HasIndex(x => new { x.DeliveredAt, x.Abandoned, x.NextAttemptAt });
        });
    }
}
