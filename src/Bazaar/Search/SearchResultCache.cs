using System.Globalization;
using System.Text;
using Lucene.Net.Index;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// This node's recent search results, everything but the stock of their hits (which is read from the
// database on every request). An entry notes what it was ranked on: the index reader's version, the in-stock
// snapshot's version, the synonym set and the category tree. Asked for on a later reader or snapshot, it is
// checked first: it still holds when none of the products written or gone in or out of stock since is one its
// text matched, and none of the written ones matches it now; otherwise the search is ranked again. So a
// product change or a stock flip costs the searches it touches, not every search on the node. The ranking
// statistics of other words shift a little with every write (a word's rarity, the average title length);
// an entry kept across a change does not follow them, which is the slight staleness search is allowed.
// Shoppers repeat the same searches and facet clicks, and the ranking and facet counting are most of a
// search's work.
public sealed class SearchResultCache : IDisposable
{
    private readonly MemoryCache? _entries;
    private readonly SearchMetrics _metrics;
    private long _hits;
    private long _misses;
    private long _kept;

    public SearchResultCache(IOptions<SearchOptions> options, SearchMetrics metrics)
    {
        _metrics = metrics;
        var size = options.Value.ResultCacheEntries;
        if (size > 0) _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = size, CompactionPercentage = 0.25 });
    }

    public bool Enabled => _entries is not null;
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    // Hits on an entry ranked before a change that turned out not to touch it.
    public long KeptAcrossChanges => Interlocked.Read(ref _kept);

    internal bool TryGet(in ResultKey key, ResultChanges changes, out CachedResult result)
    {
        if (_entries is not null && _entries.TryGetValue(key.Request, out Entry? found) && found is not null)
        {
            var now = key.Generation;
            var holds = found.Generation == now;
            if (!holds && StillHolds(found, now, changes))
            {
                holds = true;
                Interlocked.Increment(ref _kept);
                _entries.Set(key.Request, found with { Generation = now }, EntryOptions);
            }
            if (holds)
            {
                Interlocked.Increment(ref _hits);
                _metrics.ResultCacheHits.Add(1);
                result = found.Result;
                return true;
            }
        }
        Interlocked.Increment(ref _misses);
        _metrics.ResultCacheMisses.Add(1);
        result = null!;
        return false;
    }

    internal void Add(in ResultKey key, CachedResult result, int[]? matched)
    {
        if (_entries is null || key.Generation.ReaderVersion == 0) return;
        if (matched is not null) Array.Sort(matched);
        _entries.Set(key.Request, new Entry(key.Generation, result, matched), EntryOptions);
    }

    private static readonly MemoryCacheEntryOptions EntryOptions = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(5) };

    private static bool StillHolds(Entry entry, ResultGeneration now, ResultChanges changes)
    {
        var then = entry.Generation;
        if (now.ReaderVersion == 0 || !ReferenceEquals(then.Synonyms, now.Synonyms) || then.TreeShape != now.TreeShape) return false;
        var written = then.ReaderVersion == now.ReaderVersion ? [] : changes.WrittenSince(then.ReaderVersion);
        var flipped = changes.FlippedBetween(then.StockVersion, now.StockVersion);
        if (written is null || flipped is null) return false;
        if (written.Count == 0 && flipped.Count == 0) return true;
        if (entry.Matched is not { } matched) return false;
        if (written.Concat(flipped).Any(id => Array.BinarySearch(matched, id) >= 0)) return false;
        return !changes.AnyMatchesNow(written);
    }

    public void Dispose() => _entries?.Dispose();

    private sealed record Entry(ResultGeneration Generation, CachedResult Result, int[]? Matched);
}

// What happened since an entry was ranked, asked only of an entry ranked on another reader or snapshot.
internal sealed class ResultChanges(SearcherLease lease, StockSnapshot stock, Func<IReadOnlyCollection<int>, bool> anyMatchesNow)
{
    public HashSet<int>? WrittenSince(long readerVersion) => lease.ChangedSince(readerVersion);

    public HashSet<int>? FlippedBetween(int from, int to) => stock.FlippedBetween(from, to);

    public bool AnyMatchesNow(IReadOnlyCollection<int> products) => anyMatchesNow(products);
}

// What a result was ranked on besides the request: the index reader's version (see ReaderChanges; 0 for a reader
// of a generation no longer open), the in-stock snapshot's version, the synonym set (by identity: replaced,
// never changed) and the category tree's shape.
internal sealed record ResultGeneration(long ReaderVersion, int StockVersion, SynonymSet Synonyms, string TreeShape);

// What makes two searches the same: the same request in the same generation.
internal readonly record struct ResultKey(ResultGeneration Generation, string Request)
{
    public static string Describe(SearchRequest request)
    {
        var f = request.Filters;
        // Letter case does not change a search's result (the analyzer lower-cases; "did you mean" is lower case), so
        // "Toner" and "toner" share an entry; each response still shows its own text.
        var sb = new StringBuilder(SearchEngine.Normalize(request.Text).ToLowerInvariant());
        sb.Append('\u001e').Append((int)request.Sort).Append('|').Append(request.Page).Append('|').Append(request.PageSize);
        sb.Append("|c:").AppendJoin(',', f.Categories.Order());
        sb.Append("|b:").AppendJoin('\u001f', f.Brands.Order(StringComparer.Ordinal));
        sb.Append("|p:").AppendJoin(',', f.Prices.Select(p => p.Key).Order(StringComparer.Ordinal));
        sb.Append("|r:").Append(f.MinRating?.ToString(CultureInfo.InvariantCulture)).Append("|s:").Append(f.InStock ? '1' : '0');
        foreach (var (key, values) in f.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            sb.Append("|a:").Append(key).Append('=').AppendJoin('\u001f', values.Order(StringComparer.Ordinal));
        return sb.ToString();
    }
}

internal sealed record CachedHit(StoredProduct Product, string TitleHtml);

internal sealed record CachedResult(int Total, IReadOnlyList<CachedHit> Hits, SearchFacets Facets, AppliedFilters Applied,
    string? DidYouMean, bool Relaxed);
