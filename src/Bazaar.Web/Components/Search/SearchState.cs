using System.Globalization;
using Bazaar.Search;
using Microsoft.AspNetCore.WebUtilities;

namespace Bazaar.Web.Components.Search;

// The search page's state is its URL: every filter, the sort and the page are query values, so a result page
// can be shared, bookmarked and reached again with the back button. Links change one value at a time.
public sealed class SearchState
{
    private readonly List<(string Key, string Value)> _pairs;
    private readonly bool _priceRangeForm;

    private SearchState(List<(string Key, string Value)> pairs, bool priceRangeForm = false) => (_pairs, _priceRangeForm) = (pairs, priceRangeForm);

    public static SearchState From(Uri uri)
    {
        var query = QueryHelpers.ParseQuery(uri.Query);
        return new(query
            .SelectMany(p => p.Value.Where(v => !string.IsNullOrEmpty(v)).Select(v => (p.Key, v!)))
            .ToList(), query.ContainsKey(PriceMin) || query.ContainsKey(PriceMax));
    }

    public IReadOnlyList<(string Key, string Value)> Pairs => _pairs;

    public string? Single(string key) => _pairs.FirstOrDefault(p => p.Key == key).Value;

    public IEnumerable<string> All(string key) => _pairs.Where(p => p.Key == key).Select(p => p.Value);

    public bool Has(string key, string value) => _pairs.Contains((key, value));

    // Filters a shopper set (everything but the text, sort and page).
    public bool HasFilters => _pairs.Any(p => p.Key is not ("q" or "sort" or "page"));

    public string Href(int page = 1)
    {
        var pairs = _pairs.Where(p => p.Key != "page").ToList();
        if (page > 1) pairs.Add(("page", page.ToString(CultureInfo.InvariantCulture)));
        return Build(pairs);
    }

    // Adds the value if absent, removes it if present; back to page 1 either way.
    public string Toggle(string key, string value, IEnumerable<string>? alsoRemove = null)
    {
        var drop = new HashSet<string>(alsoRemove ?? [], StringComparer.Ordinal);
        var pairs = _pairs.Where(p => p.Key != "page" && !(p.Key == key && drop.Contains(p.Value))).ToList();
        if (!pairs.Remove((key, value))) pairs.Add((key, value));
        return Build(pairs);
    }

    public string With(string key, string? value)
    {
        var pairs = _pairs.Where(p => p.Key != "page" && p.Key != key).ToList();
        if (!string.IsNullOrEmpty(value)) pairs.Add((key, value));
        return Build(pairs);
    }

    public string Without(string key, string? value = null) =>
        Build(_pairs.Where(p => p.Key != "page" && !(p.Key == key && (value is null || p.Value == value))).ToList());

    public string WithoutFilters() => Build(_pairs.Where(p => p.Key is "q" or "sort").ToList());

    public static string ForText(string text) => Build([("q", text)]);

    // The price range form's two fields, turned into one `price` value ("10-40", "-40", "10-") by PriceRangeHref.
    public const string PriceMin = "priceMin";
    public const string PriceMax = "priceMax";

    // The link a submitted price range form stands for, or null when the link has no such fields. Its range
    // replaces any picked prices, written as the facet writes it ("10.50" as "10.5"), so the chip and the facet
    // can remove it; left empty, it changes nothing. A range that is not one (max under min) is passed on as
    // typed, for the search to report like any hand-edited price. Keys are matched in any letter case, as the
    // search reads them.
    public string? PriceRangeHref()
    {
        if (!_priceRangeForm) return null;
        static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);
        string Field(string name) => _pairs.FirstOrDefault(p => Is(p.Key, name)).Value?.Trim() ?? "";
        var (min, max) = (Field(PriceMin), Field(PriceMax));
        var pairs = _pairs.Where(p => !Is(p.Key, "page") && !Is(p.Key, PriceMin) && !Is(p.Key, PriceMax)).ToList();
        if (min.Length > 0 || max.Length > 0)
        {
            var typed = $"{min}-{max}";
            pairs.RemoveAll(p => Is(p.Key, "price"));
            pairs.Add(("price", PriceRange.TryParse(typed, out var range) ? range.Key : typed));
        }
        return Build(pairs);
    }

    private static string Build(List<(string Key, string Value)> pairs) =>
        pairs.Count == 0 ? "/search" : "/search?" + string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
}
