namespace Bazaar.Checkout;

// A way to ship an order, as the admin set it (/admin/shipping). Price is what it costs; FreeFrom makes it free once
// the goods (after discounts) reach that amount; WeightBands price it by the parcel's weight instead, where every item
// in it has a weight in the catalogue (Price then applies above the last band, or when an item's weight is unknown).
public sealed class ShippingMethod
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public decimal Price { get; set; }
    public decimal? FreeFrom { get; set; }
    public int DaysMin { get; set; }
    public int DaysMax { get; set; }

    // Where it shows in the list; ties by code.
    public int Position { get; set; }
    public List<WeightBand> WeightBands { get; set; } = [];
}

// Parcels up to UpToGrams (and above the band before) cost Price by the band's method.
public sealed class WeightBand
{
    public string MethodCode { get; set; } = "";
    public int UpToGrams { get; set; }
    public decimal Price { get; set; }
}
