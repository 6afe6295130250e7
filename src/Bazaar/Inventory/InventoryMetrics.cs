using System.Diagnostics.Metrics;

namespace Bazaar.Inventory;

public sealed class InventoryMetrics : IDisposable
{
    public const string MeterName = "Bazaar.Inventory";
    private readonly Meter _meter = new(MeterName);
    private long _lowStockSkus;

    public InventoryMetrics()
    {
        HoldsTaken = _meter.CreateCounter<long>("bazaar.inventory.holds.taken", "{unit}", "Units put on hold for carts.");
        HoldsRefused = _meter.CreateCounter<long>("bazaar.inventory.holds.refused", "{request}", "Hold requests refused (sold out or over the limit).");
        HoldsReleased = _meter.CreateCounter<long>("bazaar.inventory.holds.released", "{unit}", "Units given back by shoppers.");
        HoldsExpired = _meter.CreateCounter<long>("bazaar.inventory.holds.expired", "{unit}", "Units given back by the sweeper after their hold expired.");
        ReleaseLag = _meter.CreateHistogram<double>("bazaar.inventory.expiry.release_lag", "s", "Time between a hold's expiry and its release by the sweeper.");
        GateAdmissions = _meter.CreateCounter<long>("bazaar.inventory.gate.admissions", "{request}", "Gate decisions, tagged outcome=admitted|sold_out.");
        GateFallbacks = _meter.CreateCounter<long>("bazaar.inventory.gate.fallbacks", "{request}",
            "Gate calls that found Redis unreachable and let the database decide instead.");
        _meter.CreateObservableGauge("bazaar.inventory.low_stock.skus", () => Interlocked.Read(ref _lowStockSkus), "{sku}", "SKUs at or below their low-stock threshold.");
    }

    public Counter<long> HoldsTaken { get; }
    public Counter<long> HoldsRefused { get; }
    public Counter<long> HoldsReleased { get; }
    public Counter<long> HoldsExpired { get; }
    public Histogram<double> ReleaseLag { get; }
    public Counter<long> GateAdmissions { get; }
    public Counter<long> GateFallbacks { get; }

    public void SetLowStockCount(long count) => Interlocked.Exchange(ref _lowStockSkus, count);

    public void Dispose() => _meter.Dispose();
}
