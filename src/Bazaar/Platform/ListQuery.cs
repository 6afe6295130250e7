using System.Globalization;

namespace Bazaar.Platform;

// What a back-office list can be sorted by, its page sizes, and how it starts.
public sealed record ListShape(IReadOnlyList<string> Sorts, string DefaultSort, bool DefaultDescending = false, int DefaultPageSize = 25,
    int MaxPageSize = 200);

// A page of a back-office list as asked in a query string: "?page=2&pageSize=50&sort=-total" ("-" sorts descending).
// Parsed as text so that "abc" gets a message naming the field: a 400 from the API, a message on the page (which then
// shows what the defaults give).
public sealed record ListQuery(int Page, int PageSize, string Sort, bool Descending)
{
    public const int MaxPage = 100_000;

    public int Skip => (Page - 1) * PageSize;

    public string SortText => (Descending ? "-" : "") + Sort;

    public static ListQuery Default(ListShape shape) => new(1, shape.DefaultPageSize, shape.DefaultSort, shape.DefaultDescending);

    public static ListQuery Parse(string? page, string? pageSize, string? sort, ListShape shape, IDictionary<string, string[]> errors)
    {
        var number = Whole(page, 1, "page", MaxPage, errors);
        var size = Whole(pageSize, shape.DefaultPageSize, "pageSize", shape.MaxPageSize, errors);
        var (name, descending) = (shape.DefaultSort, shape.DefaultDescending);
        if (!string.IsNullOrWhiteSpace(sort))
        {
            var text = sort.Trim();
            var wanted = text.TrimStart('-');
            if (shape.Sorts.Contains(wanted, StringComparer.Ordinal)) (name, descending) = (wanted, text.StartsWith('-'));
            else errors["sort"] = [$"The sort must be one of {string.Join(", ", shape.Sorts)} (a leading '-' sorts descending), not '{text}'."];
        }
        return new ListQuery(number, size, name, descending);
    }

    private static int Whole(string? raw, int fallback, string field, int max, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max) return value;
        errors[field] = [$"The {field} must be a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)}, not '{raw}'."];
        return fallback;
    }

    // An optional whole-number filter ("?rating=4"), within bounds.
    public static int? Optional(string? raw, string field, int min, int max, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors[field] = [$"The {field} must be a whole number from {min} to {max}, not '{raw}'."];
        return null;
    }

    // An optional amount filter ("?minTotal=10.50").
    public static decimal? Amount(string? raw, string field, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value <= 100_000_000m) return value;
        errors[field] = [$"The {field} must be an amount such as 12.50, not '{raw}'."];
        return null;
    }
}
