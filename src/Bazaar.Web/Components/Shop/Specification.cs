using System.Globalization;
using System.Text.RegularExpressions;
using Bazaar.Catalog;

namespace Bazaar.Web.Components.Shop;

// A specification row as a shopper reads it. The imported catalogue (Icecat) names its attributes from keys, which
// leaves placeholders in labels ("Operating temperature (t t)" for a T-T range) and puts the unit only in its own
// documentation: weights in grams, sizes in millimetres, cable lengths in metres. The unit is shown with the value.
public static partial class Specification
{
    // More items than this (EANs, compatible models) are collapsed behind "Show all".
    public const int ListShown = 6;

    private static readonly (Regex Key, string Unit)[] Units =
    [
        (KeyPattern(@"^(package_)?weight$"), "g"),
        (KeyPattern(@"^(package_)?(width|height|depth|length)$"), "mm"),
        (KeyPattern(@"^(package_)?dimensions__wxdxh_$"), "mm"),
        (KeyPattern(@"^cable_length$"), "m"),
        (KeyPattern(@"temperature.*__t_t_$|^(maximum_operating_temperature|temperature(__m(in|ax)_)?)$"), "°C"),
        (KeyPattern(@"humidity__h_h_$"), "%"),
        (KeyPattern(@"^processor_frequency$"), "GHz"),
        (KeyPattern(@"^processor_cache$"), "MB"),
        (KeyPattern(@"^processor_lithography$"), "nm"),
        (KeyPattern(@"^thermal_design_power__tdp_$|^power_consumption__(typical|standby|max)_$"), "W"),
        (KeyPattern(@"^display_diagonal$"), "″"),
        (KeyPattern(@"page_yield$"), "pages"),
        (KeyPattern(@"^battery_capacity$"), "mAh"),
    ];

    private static Regex KeyPattern(string pattern) => new(pattern, RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\s*\((t t|h h|t-t|h-h)\)", RegexOptions.IgnoreCase)]
    private static partial Regex RangePlaceholder();

    [GeneratedRegex(@"\(w ?x ?d ?x ?h\)", RegexOptions.IgnoreCase)]
    private static partial Regex WidthDepthHeight();

    [GeneratedRegex(@"^\s*(-?\d+(?:\.\d+)?)\s+-\s+(-?\d+(?:\.\d+)?)\s*$")]
    private static partial Regex Range();

    public static string Label(string name) =>
        WidthDepthHeight().Replace(RangePlaceholder().Replace(name, ""), "(W × D × H)").Trim();

    public static string? UnitOf(string key) => Units.FirstOrDefault(u => u.Key.IsMatch(key)).Unit;

    // "3460" g -> "3.46 kg", "0 - 35" -> "0 – 35 °C", "23000" pages -> "23,000 pages".
    public static string Value(ProductAttributeView attribute)
    {
        var unit = UnitOf(attribute.Key);
        var value = attribute.Value.Trim();
        if (unit is null || value.Length == 0 || attribute.Kind == "boolean") return value;
        if (attribute.Kind == "number"
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (unit == "g" && number >= 1000)
                return (number / 1000).ToString("#,0.##", CultureInfo.InvariantCulture) + " kg";
            return number.ToString("#,0.###", CultureInfo.InvariantCulture) + (unit == "″" ? unit : " " + unit);
        }
        if (Range().Match(value) is { Success: true } range)
            return $"{range.Groups[1].Value} – {range.Groups[2].Value} {unit}";
        if (value.Contains(" x ", StringComparison.Ordinal) && unit == "mm")
            return value.Replace(" x ", " × ", StringComparison.Ordinal) + " mm";
        return value;
    }

    // A list value ("Lexmark E320, E322, E322n", one model a line): its items, when there are enough to collapse.
    public static IReadOnlyList<string> Items(string value)
    {
        var separator = value.Contains('\n', StringComparison.Ordinal) ? "\n" : ", ";
        return value.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
