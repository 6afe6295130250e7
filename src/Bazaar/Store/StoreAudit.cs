using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Platform;

namespace Bazaar.Store;

// Every invariant of DESIGN.md on a live database, in one list: stock and reservations, carts' holds, then orders and
// their payments. The `audit` command, the back office's audit endpoint and the tests all ask this one.
public sealed class StoreAudit(InventoryAudit inventory, Cart.Cart cart, OrderAudit orders, Catalog.Catalog catalog)
{
    public async Task<IReadOnlyList<Violation>> RunAsync(CancellationToken ct = default) =>
    [
        .. await inventory.RunAsync(ct),
        .. await cart.AuditAsync(inventory, ct),
        .. await orders.RunAsync(ct),
        .. await catalog.AuditCurrencyAsync(ct),
    ];
}
