using System.Globalization;

namespace Bazaar.BackOffice;

// The days a dashboard covers, both ends included, as calendar days in UTC.
public sealed record DashboardPeriod(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 7;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public IEnumerable<DateOnly> EachDay() => Enumerable.Range(0, Days).Select(From.AddDays);

    public static DashboardPeriod LastDays(int days, DateOnly today) => new(today.AddDays(1 - days), today);

    // "?days=30", or "?from=2026-03-01&to=2026-03-31"; nothing given is the last seven days. Problems are named by
    // field in `errors` (a 400 from the API, a message on the page).
    public static DashboardPeriod Parse(string? from, string? to, string? days, DateOnly today, IDictionary<string, string[]> errors)
    {
        var fallback = LastDays(DefaultDays, today);
        if (!string.IsNullOrWhiteSpace(days))
        {
            if (!string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to))
            {
                errors["days"] = ["Give either days or from/to, not both."];
                return fallback;
            }
            if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxDays) return LastDays(n, today);
            errors["days"] = [$"The days must be a whole number from 1 to {MaxDays}, not '{days}'."];
            return fallback;
        }
        if (string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(to)) return fallback;
        var start = Day(from, "from", errors);
        var end = string.IsNullOrWhiteSpace(to) ? today : Day(to, "to", errors);
        if (start is null || end is null)
        {
            if (string.IsNullOrWhiteSpace(from)) errors["from"] = ["Give the first day (from) as well as the last (to)."];
            return fallback;
        }
        if (end < start)
        {
            errors["to"] = [$"The last day ({end:yyyy-MM-dd}) is before the first ({start:yyyy-MM-dd})."];
            return fallback;
        }
        if (end.Value.DayNumber - start.Value.DayNumber + 1 > MaxDays)
        {
            errors["from"] = [$"A period is at most {MaxDays} days."];
            return fallback;
        }
        return new DashboardPeriod(start.Value, end.Value);
    }

    private static DateOnly? Day(string? raw, string field, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (DateOnly.TryParseExact(raw.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors[field] = [$"The {field} must be a date as yyyy-mm-dd, not '{raw}'."];
        return null;
    }
}
