namespace Bazaar.Inventory;

public sealed class UnknownSku(string sku) : Exception($"No stock is kept for SKU '{sku}'.")
{
    public string Sku { get; } = sku;
}

public sealed class PurchaseLimitExceeded(string sku, int limit, int alreadyHeld)
    : Exception($"At most {limit} of {sku} per shopper; you already hold {alreadyHeld}.")
{
    public string Sku { get; } = sku;
    public int Limit { get; } = limit;
    public int AlreadyHeld { get; } = alreadyHeld;
}

public sealed class NoActiveHold(string sku, string shopperKey) : Exception($"There is no live hold on {sku} for this cart.")
{
    public string Sku { get; } = sku;
    public string ShopperKey { get; } = shopperKey;
}

public sealed class HoldCapReached(string sku, HoldCap cap, int limit, int held)
    : Exception($"No more than {limit} units may be held {Describe(cap)}; {held} already are, so {sku} was not held.")
{
    public string Sku { get; } = sku;
    public HoldCap Cap { get; } = cap;
    public int Limit { get; } = limit;
    public int Held { get; } = held;

    private static string Describe(HoldCap cap) => cap switch
    {
        HoldCap.ShopperUnits => "by one cart",
        HoldCap.ClientUnits => "by the carts of one client address",
        _ => "of one product by the carts of one client address",
    };
}
