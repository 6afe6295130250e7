using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Platform;

namespace Bazaar.Store;

// Every invariant of DESIGN.md on a live database, in one list: stock and reservations, carts' holds, then orders and
// their payments. The `audit` command, the back office's audit endpoint and the tests all ask this one.
//
// Every module reads through the scope's one context, inside one snapshot: the audit runs while shoppers buy, and
// separate reads would each see a different moment (a checkout committed between reading the holds and reading the
// counter reads as "reserved 20, active reservations hold 21", an order read before its payment and its last move
// read after as "PendingPayment, last recorded move to Paid").
public sealed class StoreAudit(BazaarDb db, InventoryAudit inventory, Cart.Cart cart, OrderAudit orders, Catalog.Catalog catalog)
{
    public async Task<IReadOnlyList<Violation>> RunAsync(CancellationToken ct = default)
    {
        await using var snapshot = await db.BeginSnapshotAsync(ct);
        return
        [
            .. await inventory.RunAsync(ct),
            .. await cart.AuditAsync(inventory, ct),
            .. await orders.RunAsync(ct),
            .. await catalog.AuditCurrencyAsync(ct),
        ];
    }
}
