using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Orders;

// Sends what waits in the order notification outbox through the store's IMailSender (the one account mails use).
// Each node claims its batch (FOR UPDATE SKIP LOCKED on PostgreSQL), so a message goes out once even with many nodes
// (at least once if a node dies between sending and marking).
public sealed class OrderNotificationSender(
    IServiceScopeFactory scopes,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    IMailSender mail,
    IOptions<OrdersOptions> options,
    ILogger<OrderNotificationSender> log) : PeriodicJob(readiness, jobs, clock, log)
{
    private const int BatchSize = 200;

    protected override string Name => "order-notification-sender";

    protected override TimeSpan Interval => options.Value.NotificationInterval;

    protected override async Task TickAsync(CancellationToken ct)
    {
        while (await SendBatchAsync(ct) == BatchSize) { }
    }

    public async Task<int> SendBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var batch = db.Database.IsNpgsql()
            ? await db.OrderNotifications.FromSql($"SELECT * FROM order_notifications WHERE sent_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED").ToListAsync(ct)
            : await db.OrderNotifications.Where(n => n.SentAt == null).OrderBy(n => n.Id).Take(BatchSize).ToListAsync(ct);
        var now = Clock.GetUtcNow();
        foreach (var n in batch)
        {
            await mail.SendAsync(new StoreMail(n.Email, n.Subject, n.Body), ct);
            n.SentAt = now;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch.Count;
    }
}
