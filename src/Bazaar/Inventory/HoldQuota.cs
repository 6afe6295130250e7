namespace Bazaar.Inventory;

// What a hold may add up to, decided by the caller (the cart's settings): the units the shopper may hold over all
// SKUs, and, for a client that is counted (Client not null), the units every shopper from that client may hold together
// and of one SKU. The client is written on the hold, so the sums come from the holds themselves.
public sealed record HoldQuota(int ShopperUnits, string? Client, int ClientUnits, int ClientSkuUnits);

// What an account may hold when a guest's holds join it at sign-in: units over all SKUs, and of one SKU.
public sealed record MergeCaps(int ShopperUnits, int UnitsPerSku);

public enum HoldCap
{
    ShopperUnits,
    ClientUnits,
    ClientSkuUnits,
}

