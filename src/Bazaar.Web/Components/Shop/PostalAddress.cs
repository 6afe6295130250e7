using Bazaar.Orders;

namespace Bazaar.Web.Components.Shop;

// An address in the order its country's post reads it: "New York, NY 10118" in the US, "10115 Berlin" in Germany,
// the postcode on a line of its own in the UK; the country by name.
public static class PostalAddress
{
    private static readonly HashSet<string> CityRegionPostal = new(StringComparer.OrdinalIgnoreCase) { "US", "CA" };
    private static readonly HashSet<string> CitySpaceRegionPostal = new(StringComparer.OrdinalIgnoreCase) { "AU" };
    private static readonly HashSet<string> PostcodeLast = new(StringComparer.OrdinalIgnoreCase) { "GB", "IE" };

    public static IReadOnlyList<string> Lines(ShippingAddress a)
    {
        var lines = new List<string> { a.Name, a.Line1 };
        if (!string.IsNullOrWhiteSpace(a.Line2)) lines.Add(a.Line2);
        var region = string.IsNullOrWhiteSpace(a.Region) ? null : a.Region;
        if (CityRegionPostal.Contains(a.Country))
            lines.Add(Join(region is null ? a.City : $"{a.City}, {region}", a.PostalCode));
        else if (CitySpaceRegionPostal.Contains(a.Country))
            lines.Add(Join(a.City, region, a.PostalCode));
        else if (PostcodeLast.Contains(a.Country))
        {
            lines.Add(Join(a.City, region));
            lines.Add(a.PostalCode);
        }
        else
            lines.Add(Join(a.PostalCode, a.City, region));
        lines.Add(CountryNames.Of(a.Country));
        return lines;
    }

    private static string Join(params string?[] parts) =>
        string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)));
}
