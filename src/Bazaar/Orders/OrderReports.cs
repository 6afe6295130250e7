using System.Linq.Expressions;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Orders;

public sealed record CustomerFigures(int Orders, decimal Spent, DateTimeOffset? LastOrder)
{
    public static readonly CustomerFigures None = new(0, 0m, null);
}

// One paid order as the dashboard counts it: when it was placed, what it came to, and who placed it.
public sealed record Sale(long OrderId, DateTimeOffset PlacedAt, decimal Total, string ShopperKey);

public sealed record ProductSales(int ProductId, string Title, int Units, decimal Revenue);

// What the back office reads about orders in bulk: sales for the dashboard, figures per customer. A sale is an
// order that was paid (placed for the shopper): not one still waiting for its payment, nor one cancelled before it
// was paid; refunds and returns later do not undo the sale. Demo orders (simulated history) count only when asked.
public sealed class OrderReports(BazaarDb db)
{
    private static readonly Expression<Func<Order, bool>> Paid = o => o.Status != OrderStatus.PendingPayment
        && (o.Status != OrderStatus.Cancelled || o.Events.Any(e => e.Action == nameof(OrderAction.ConfirmPayment)));

    public async Task<IReadOnlyList<Sale>> SalesAsync(DateTimeOffset from, DateTimeOffset to, bool includeDemo, CancellationToken ct = default) =>
        await InPeriod(from, to, includeDemo).OrderBy(o => o.PlacedAt).ThenBy(o => o.Id)
            .Select(o => new Sale(o.Id, o.PlacedAt, o.Total, o.ShopperKey)).ToListAsync(ct);

    // Units and line revenue (before discounts, shipping and tax) per product, best sellers by units first.
    public async Task<IReadOnlyList<ProductSales>> TopProductsAsync(DateTimeOffset from, DateTimeOffset to, bool includeDemo, int take,
        CancellationToken ct = default)
    {
        var orders = InPeriod(from, to, includeDemo).Select(o => o.Id);
        // Money is added up here rather than in SQL: SQLite keeps amounts as REAL (see SqliteBazaarDb).
        var lines = await db.OrderLines.AsNoTracking().Where(l => orders.Contains(l.OrderId))
            .Select(l => new { l.ProductId, l.Title, l.Quantity, l.LineTotal }).ToListAsync(ct);
        return lines.GroupBy(l => l.ProductId)
            .Select(g => new ProductSales(g.Key, g.First().Title, g.Sum(l => l.Quantity), g.Sum(l => l.LineTotal)))
            .OrderByDescending(p => p.Units).ThenByDescending(p => p.Revenue).ThenBy(p => p.ProductId).Take(take).ToList();
    }

    // Paid orders, money spent and the last order per account (all accounts with an order when `customerIds` is null).
    public async Task<IReadOnlyDictionary<string, CustomerFigures>> CustomerFiguresAsync(IReadOnlyCollection<string>? customerIds,
        CancellationToken ct = default)
    {
        var orders = db.Orders.AsNoTracking().Where(o => o.CustomerId != null).Where(Paid);
        if (customerIds is not null)
        {
            var ids = customerIds.ToArray();
            orders = orders.Where(o => EF.Parameter(ids).Contains(o.CustomerId!));
        }
        var rows = await orders.Select(o => new { o.CustomerId, o.Total, o.PlacedAt }).ToListAsync(ct);
        return rows.GroupBy(r => r.CustomerId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new CustomerFigures(g.Count(), g.Sum(r => r.Total), g.Max(r => r.PlacedAt)), StringComparer.Ordinal);
    }

    // Where an account's orders went: the distinct addresses, newest first.
    public async Task<IReadOnlyList<ShippingAddress>> AddressesOfAsync(string customerId, int take, CancellationToken ct = default)
    {
        var recent = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId).OrderByDescending(o => o.PlacedAt).Take(200)
            .Select(o => o.ShipTo).ToListAsync(ct);
        return recent.Distinct().Take(take).ToList();
    }

    private IQueryable<Order> InPeriod(DateTimeOffset from, DateTimeOffset to, bool includeDemo)
    {
        var orders = db.Orders.AsNoTracking().Where(o => o.PlacedAt >= from && o.PlacedAt < to).Where(Paid);
        return includeDemo ? orders : orders.Where(o => !o.Demo);
    }
}
