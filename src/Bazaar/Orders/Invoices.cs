using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Orders;

// Gives a paid order its invoice number the first time it is asked for, and the same number ever after. Safe under
// concurrency: two requests for one order meet on the order's unique row; two orders racing for the next number
// meet on the number's unique index, and the loser takes the next one. Numbers come from committed rows only, so
// there is no gap (a sequence would leave one for every rolled-back transaction).
public sealed class Invoices(BazaarDb db, TimeProvider clock, IOptions<StoreDetailsOptions> store)
{
    private const int Attempts = 50;

    public async Task<InvoiceView?> FindAsync(long orderId, CancellationToken ct = default) =>
        await db.Invoices.AsNoTracking().Where(i => i.OrderId == orderId).FirstOrDefaultAsync(ct) is { } found ? View(found) : null;

    public async Task<InvoiceView> IssueAsync(long orderId, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(orderId, ct) is { } existing) return existing;
            var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId)
                .Select(o => new { o.Status, Paid = o.Events.Any(e => e.Action == nameof(OrderAction.ConfirmPayment)) }).FirstOrDefaultAsync(ct)
                ?? throw new OrderNotFound(orderId);
            if (order.Status == OrderStatus.PendingPayment || !order.Paid) throw new NotInvoiceable(orderId, order.Status);
            var next = (await db.Invoices.MaxAsync(i => (long?)i.Number, ct) ?? 0) + 1;
            db.Invoices.Add(new Invoice { OrderId = orderId, Number = next, IssuedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return (await FindAsync(orderId, ct))!;
            }
            catch (DbUpdateException) when (!ct.IsCancellationRequested)
            {
                // Another request numbered this order, or took this number: look again.
                db.ChangeTracker.Clear();
            }
        }
        throw new DependencyUnavailable(DependencyUnavailable.Database, "Invoice numbers are contended; try again.");
    }

    private InvoiceView View(Invoice i) =>
        new(i.OrderId, i.Number, store.Value.InvoicePrefix + i.Number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), i.IssuedAt);
}
