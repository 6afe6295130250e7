using Bazaar.Orders;

namespace Bazaar.BackOffice;

public sealed record DayFigures(DateOnly Day, int Orders, decimal Revenue);

public sealed record LowStockRow(string Sku, int ProductId, string Title, int Available, int Threshold, string Label);

// Conversion: of the shoppers who put something in a cart in the period (took a stock hold), the share who placed a
// paid order in it. Null when nobody did.
public sealed record DashboardFigures(
    DashboardPeriod Period,
    string Currency,
    bool IncludesDemo,
    IReadOnlyList<DayFigures> Days,
    int Orders,
    decimal Revenue,
    decimal AverageOrderValue,
    int Carts,
    int CartsOrdered,
    double? Conversion,
    IReadOnlyList<ProductSales> TopProducts,
    IReadOnlyList<LowStockRow> LowStock,
    int LowStockCount,
    int HoldsActive,
    int HoldsExpiring,
    int UnitsHeld,
    TimeSpan ExpiringWithin,
    double SearchLagSeconds,
    long SearchPending,
    DateTimeOffset At);
