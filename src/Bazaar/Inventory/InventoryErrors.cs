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
