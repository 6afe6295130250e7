using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// What shoppers search and what they do with the results, as search teams read it (the shape of OpenSearch's
// User Behavior Insights, in aggregate): per day and search (words normalised, filters), how often it was searched,
// by how many shoppers, how often it found nothing, and per result position how often it was opened or added to
// the cart. Recording only adds to counters in memory, so the search path stays fast; SearchAnalyticsFlusher adds
// them to the database in batches (upserts that add, so every node's counts sum exactly).
public sealed class SearchAnalytics(
    IServiceScopeFactory scopes,
    IOptions<SearchAnalyticsOptions> options,
    TimeProvider clock,
    ILogger<SearchAnalytics> log)
{
    public const int TopShown = 50;
    // What result links carry: the search's id and the result's place.
    public const string SearchIdParameter = "sq";
    public const string PositionParameter = "sp";
    public const int MaxPeriodDays = 366;
    private const int IdLength = 16;

    private readonly Lock _gate = new();
    private Buffer _buffer = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private long _dropped;

    private sealed class Buffer
    {
        public readonly Dictionary<(DateOnly Day, string Id), SearchDayStat> Searches = [];
        public readonly Dictionary<(DateOnly Day, string Id, int Product, int Position), SearchResultEvent> Events = [];
        public readonly HashSet<(DateOnly Day, string Id, string Shopper)> Shoppers = [];
        public int Count => Searches.Count + Events.Count + Shoppers.Count;
    }

    // Searches dropped because the buffer was full (since the node started).
    public long Dropped => Interlocked.Read(ref _dropped);

    // The id of a search (its words and filters as counted): result links carry it, so an opened or added product
    // is counted for the search that showed it.
    public static string IdOf(SearchRequest request) => IdOf(QueryOf(request.Text), FiltersOf(request.Filters));

    public static bool IsId(string? value) => value is { Length: IdLength } && value.All(char.IsAsciiHexDigitLower);

    // Counts one search the shopper asked for. Paging on through the same results is not another search, and a
    // search without words (browsing) is not counted.
    public void RecordSearch(SearchRequest request, int total, string shopperKey)
    {
        if (!options.Value.Enabled || request.Page != 1) return;
        var query = QueryOf(request.Text);
        if (query.Length == 0) return;
        var filters = FiltersOf(request.Filters);
        var id = IdOf(query, filters);
        var day = Today();
        var shopper = ShopperOf(day, shopperKey);
        lock (_gate)
        {
            if (!_buffer.Searches.TryGetValue((day, id), out var stat))
            {
                if (Full()) return;
                _buffer.Searches[(day, id)] = stat = new SearchDayStat { Day = day, SearchId = id, Query = query, Filters = filters };
            }
            stat.Searches++;
            if (total == 0) stat.NoResults++;
            stat.ResultsTotal += total;
            // Shoppers are counted per words, whatever the filters: one shopper narrowing a search is one shopper.
            if (!Full()) _buffer.Shoppers.Add((day, filters.Length == 0 ? id : IdOf(query, ""), shopper));
        }
    }

    // A result of a search opened (its product page shown) or added to the cart, at its place in the results.
    public void RecordOpen(string searchId, int productId, int position) => RecordEvent(searchId, productId, position, cart: false);

    public void RecordCartAdd(string searchId, int productId, int position) => RecordEvent(searchId, productId, position, cart: true);

    private void RecordEvent(string searchId, int productId, int position, bool cart)
    {
        if (!options.Value.Enabled || !IsId(searchId) || position is < 1 or > SearchRequest.MaxDepth) return;
        var key = (Today(), searchId, productId, position);
        lock (_gate)
        {
            if (!_buffer.Events.TryGetValue(key, out var counted))
            {
                if (Full()) return;
                _buffer.Events[key] = counted = new SearchResultEvent { Day = key.Item1, SearchId = searchId, ProductId = productId, Position = position };
            }
            if (cart) counted.CartAdds++;
            else counted.Opens++;
        }
    }

    private bool Full()
    {
        if (_buffer.Count < options.Value.MaxBufferedCounters) return false;
        Interlocked.Increment(ref _dropped);
        return true;
    }

    // Adds what this node counted since the last flush to the database. Rows are written in key order, so two nodes
    // flushing at once wait for each other instead of deadlocking. A failed flush keeps the counts for the next one.
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            Buffer taken;
            lock (_gate) (taken, _buffer) = (_buffer, new Buffer());
            if (taken.Count == 0) return;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
                await WriteAsync(db, taken, ct);
            }
            catch
            {
                Restore(taken);
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private static async Task WriteAsync(BazaarDb db, Buffer taken, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var s in taken.Searches.Values.OrderBy(s => s.Day).ThenBy(s => s.SearchId, StringComparer.Ordinal))
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO search_day_stats (day, search_id, query, filters, searches, no_results, results_total)
                    VALUES ({s.Day}, {s.SearchId}, {s.Query}, {s.Filters}, {s.Searches}, {s.NoResults}, {s.ResultsTotal})
                    ON CONFLICT (day, search_id) DO UPDATE SET searches = search_day_stats.searches + excluded.searches,
                        no_results = search_day_stats.no_results + excluded.no_results,
                        results_total = search_day_stats.results_total + excluded.results_total
                    """, ct);
            }
            foreach (var (day, id, shopper) in taken.Shoppers.OrderBy(s => s.Day).ThenBy(s => s.Id, StringComparer.Ordinal)
                .ThenBy(s => s.Shopper, StringComparer.Ordinal))
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO search_shopper_days (day, search_id, shopper) VALUES ({day}, {id}, {shopper})
                    ON CONFLICT (day, search_id, shopper) DO NOTHING
                    """, ct);
            }
            foreach (var e in taken.Events.Values.OrderBy(e => e.Day).ThenBy(e => e.SearchId, StringComparer.Ordinal)
                .ThenBy(e => e.ProductId).ThenBy(e => e.Position))
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO search_result_events (day, search_id, product_id, position, opens, cart_adds)
                    VALUES ({e.Day}, {e.SearchId}, {e.ProductId}, {e.Position}, {e.Opens}, {e.CartAdds})
                    ON CONFLICT (day, search_id, product_id, position) DO UPDATE SET opens = search_result_events.opens + excluded.opens,
                        cart_adds = search_result_events.cart_adds + excluded.cart_adds
                    """, ct);
            }
            await tx.CommitAsync(ct);
        });
    }

    private void Restore(Buffer taken)
    {
        lock (_gate)
        {
            foreach (var (key, s) in taken.Searches)
            {
                if (_buffer.Searches.TryGetValue(key, out var now))
                {
                    now.Searches += s.Searches;
                    now.NoResults += s.NoResults;
                    now.ResultsTotal += s.ResultsTotal;
                }
                else if (!Full()) _buffer.Searches[key] = s;
            }
            foreach (var shopper in taken.Shoppers) if (!Full()) _buffer.Shoppers.Add(shopper);
            foreach (var (key, e) in taken.Events)
            {
                if (_buffer.Events.TryGetValue(key, out var now))
                {
                    now.Opens += e.Opens;
                    now.CartAdds += e.CartAdds;
                }
                else if (!Full()) _buffer.Events[key] = e;
            }
        }
    }

    // Top searches, searches that found nothing and click-through per search over the days from..to (UTC, both
    // included). This node's counts are flushed first, so what it saw is in; other nodes' last seconds may not be.
    public async Task<SearchAnalyticsReport> ReportAsync(BazaarDb db, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        try { await FlushAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Search analytics could not be flushed before a report; it shows what earlier flushes wrote");
        }
        var stats = db.Set<SearchDayStat>().AsNoTracking().Where(s => s.Day >= from && s.Day <= to);
        var searches = await stats.SumAsync(s => s.Searches, ct);
        var failed = await stats.SumAsync(s => s.NoResults, ct);

        var top = await stats.GroupBy(s => s.Query)
            .Select(g => new { Query = g.Key, Searches = g.Sum(s => s.Searches), Results = g.Sum(s => s.ResultsTotal) })
            .OrderByDescending(g => g.Searches).ThenBy(g => g.Query)
            .Take(TopShown)
            .ToListAsync(ct);
        var names = top.Select(t => t.Query).ToList();
        var ids = (await stats.Where(s => names.Contains(s.Query)).Select(s => new { s.SearchId, s.Query }).Distinct().ToListAsync(ct))
            .ToDictionary(s => s.SearchId, s => s.Query, StringComparer.Ordinal);
        var idList = ids.Keys.ToList();
        var wordIds = names.ToDictionary(n => IdOf(n, ""), n => n, StringComparer.Ordinal);
        var wordIdList = wordIds.Keys.ToList();
        var shoppers = (await db.Set<SearchShopperDay>().AsNoTracking()
                .Where(s => s.Day >= from && s.Day <= to && wordIdList.Contains(s.SearchId))
                .GroupBy(s => s.SearchId).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct))
            .ToDictionary(s => wordIds[s.Key], s => s.Count, StringComparer.Ordinal);
        var events = (await db.Set<SearchResultEvent>().AsNoTracking()
                .Where(e => e.Day >= from && e.Day <= to && idList.Contains(e.SearchId))
                .GroupBy(e => new { e.SearchId, e.Position })
                .Select(g => new { g.Key.SearchId, g.Key.Position, Opens = g.Sum(e => e.Opens), CartAdds = g.Sum(e => e.CartAdds) })
                .ToListAsync(ct))
            .GroupBy(e => ids[e.SearchId]).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var topSearches = top.Select(t => new TopSearch(t.Query, t.Searches, shoppers.GetValueOrDefault(t.Query),
            t.Searches == 0 ? 0 : Math.Round((double)t.Results / t.Searches, 1))).ToList();
        var clickThrough = top.Select(t =>
        {
            var counted = events.GetValueOrDefault(t.Query) ?? [];
            var opens = counted.Sum(e => e.Opens);
            var carts = counted.Sum(e => e.CartAdds);
            double? position = opens == 0 ? null : Math.Round((double)counted.Sum(e => e.Opens * e.Position) / opens, 1);
            return new SearchClickThrough(t.Query, t.Searches, opens, carts,
                t.Searches == 0 ? 0 : Math.Round((double)opens / t.Searches, 3), position);
        }).ToList();

        var noResults = (await stats.Where(s => s.NoResults > 0)
                .GroupBy(s => new { s.Query, s.Filters })
                .Select(g => new { g.Key.Query, g.Key.Filters, Searches = g.Sum(s => s.NoResults), LastSeen = g.Max(s => s.Day) })
                .OrderByDescending(g => g.Searches).ThenBy(g => g.Query).ThenBy(g => g.Filters)
                .Take(TopShown)
                .ToListAsync(ct))
            .Select(g => new FailedSearch(g.Query, g.Filters, g.Searches, g.LastSeen))
            .ToList();
        return new SearchAnalyticsReport(from, to, searches, failed, topSearches, noResults, clickThrough);
    }

    // Reads a period from text (the API's and the admin page's query values), naming what is wrong. Without values,
    // the last 7 days up to today.
    public (DateOnly From, DateOnly To, Dictionary<string, string[]> Errors) ParsePeriod(string? fromText, string? toText)
    {
        var errors = new Dictionary<string, string[]>();
        var today = Today();
        DateOnly Read(string? text, string field, DateOnly fallback)
        {
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            errors[field] = [$"'{Shorten(text)}' is not a date such as {today:yyyy-MM-dd} (year-month-day)."];
            return fallback;
        }
        var to = Read(toText, "to", today);
        var from = Read(fromText, "from", to.AddDays(-6));
        if (errors.Count == 0 && from > to) errors["from"] = ["The period's start must not be after its end (to)."];
        else if (errors.Count == 0 && to.DayNumber - from.DayNumber + 1 > MaxPeriodDays)
            errors["to"] = [$"A period is at most {MaxPeriodDays} days."];
        return (from, to, errors);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static string QueryOf(string? text)
    {
        var query = SearchEngine.Normalize(text).ToLowerInvariant();
        return query.Length <= SearchDayStat.MaxQueryLength ? query : query[..SearchDayStat.MaxQueryLength];
    }

    // The filters as one readable, canonical text: "brand=HP; price=25-50; inStock".
    private static string FiltersOf(SearchFilters f)
    {
        var parts = new List<string>();
        parts.AddRange(f.Categories.Order().Select(c => "category=" + c.ToString(CultureInfo.InvariantCulture)));
        parts.AddRange(f.Brands.Order(StringComparer.Ordinal).Select(b => "brand=" + b));
        parts.AddRange(f.Prices.Select(p => p.Key).Order(StringComparer.Ordinal).Select(p => "price=" + p));
        if (f.MinRating is { } stars) parts.Add("rating=" + stars.ToString(CultureInfo.InvariantCulture));
        if (f.InStock) parts.Add("inStock");
        foreach (var (key, values) in f.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            parts.AddRange(values.Order(StringComparer.Ordinal).Select(v => $"{SearchApi.AttributePrefix}{key}={v}"));
        var text = string.Join("; ", parts);
        return text.Length <= SearchDayStat.MaxFiltersLength ? text : text[..SearchDayStat.MaxFiltersLength];
    }

    private static string IdOf(string query, string filters) => Hash(query + "\u001e" + filters);

    private static string ShopperOf(DateOnly day, string shopperKey) => Hash(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\u001e" + shopperKey);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..IdLength];
}
