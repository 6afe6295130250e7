using Bazaar.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Payments;

internal static class PaymentMappings
{
    public static void MapPayments(this ModelBuilder model)
    {
        model.Entity<Payment>(p =>
        {
            p.ToTable("payments", t =>
            {
                // The database stands behind the rules too: never capture more than authorised, never refund more than captured.
                t.HasCheckConstraint("ck_payment_captured_within_authorised", "captured >= 0 AND captured <= authorised");
                t.HasCheckConstraint("ck_payment_refunded_within_captured", "refunded >= 0 AND refunded <= captured");
            });
            p.HasKey(x => x.OrderId);
            p.Property(x => x.OrderId).ValueGeneratedNever();
            p.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
            p.Property(x => x.Currency).HasMaxLength(3);
            p.Property(x => x.GatewayPaymentId).HasMaxLength(64);
            p.Property(x => x.PayUrl).HasMaxLength(500);
            p.HasIndex(x => x.GatewayPaymentId).IsUnique();
            p.Property(x => x.CaptureRef).HasMaxLength(64);
            p.Property(x => x.CardBrand).HasMaxLength(30);
            p.Property(x => x.CardLast4).HasMaxLength(4);
            p.Property(x => x.Amount).HasPrecision(12, 2);
            p.Property(x => x.Authorised).HasPrecision(12, 2);
            p.Property(x => x.Captured).HasPrecision(12, 2);
            p.Property(x => x.Refunded).HasPrecision(12, 2);
            p.Ignore(x => x.Refundable);
            p.HasIndex(x => x.Status);
        });

        model.Entity<PaymentAttempt>(a =>
        {
            a.ToTable("payment_attempts");
            a.Property(x => x.Operation).HasConversion<string>().HasMaxLength(10);
            a.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(10);
            a.Property(x => x.Amount).HasPrecision(12, 2);
            a.Property(x => x.IdempotencyKey).HasMaxLength(120);
            a.Property(x => x.Reference).HasMaxLength(64);
            a.Property(x => x.Message).HasMaxLength(300);
            a.HasIndex(x => new { x.OrderId, x.Id });
            a.HasOne<Payment>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<PaymentWebhookEvent>(e =>
        {
            e.ToTable("payment_webhook_events");
            e.HasKey(x => x.EventId);
            e.Property(x => x.EventId).HasMaxLength(100);
            e.Property(x => x.GatewayPaymentId).HasMaxLength(64);
            e.Property(x => x.Type).HasMaxLength(40);
            e.Property(x => x.Outcome).HasMaxLength(10);
            e.HasIndex(x => x.GatewayPaymentId);
        });

        model.MapSandbox();
    }
}
