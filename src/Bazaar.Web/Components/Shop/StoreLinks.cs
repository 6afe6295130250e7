using System.Globalization;

namespace Bazaar.Web.Components.Shop;

// Links and query values shared by the storefront and admin pages.
public static class StoreLinks
{
    public const int MaxPage = 100_000;

    public static string WithQuery(string path, params (string Key, string? Value)[] query)
    {
        var parts = query
            .Where(q => !string.IsNullOrEmpty(q.Value))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}")
            .ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    // Query values are read as text: a hand-edited "?page=abc" shows page 1 instead of failing the request.
    public static int PageNumber(string? raw) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? Math.Min(page, MaxPage) : 1;

    public static int? Id(string? raw) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1 ? id : null;

    // Only paths on this site: "//evil.example" and "/\evil.example" are other hosts to a browser.
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    public static string LocalOrHome(string? url) => IsLocal(url) ? url! : "/";

    public static string Count(int count, string one, string many) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many)}";
}
