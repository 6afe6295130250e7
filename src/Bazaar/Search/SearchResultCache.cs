using System.Globalization;
using System.Text;
using Lucene.Net.Index;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// This node's recent search results, everything but the stock of their hits (which is read from the
// database on every request). Entries belong to one generation: an index reader, an in-stock snapshot, a
// synonym set and a category tree. The first search to see a new generation empties the cache, so a cached
// result is never older than the index it came from, and results nobody can hit again do not sit in memory.
// Shoppers repeat the same searches and facet clicks, and the ranking and facet counting are most of a
// search's work.
public sealed class SearchResultCache : IDisposable
{
    private readonly MemoryCache? _entries;
    private readonly SearchMetrics _metrics;
    private long _hits;
    private long _misses;
    private ResultGeneration? _generation;
    private readonly System.Threading.Lock _gate = new();

    public SearchResultCache(IOptions<SearchOptions> options, SearchMetrics metrics)
    {
        _metrics = metrics;
        var size = options.Value.ResultCacheEntries;
        if (size > 0) _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = size, CompactionPercentage = 0.25 });
    }

    public bool Enabled => _entries is not null;
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    internal bool TryGet(in ResultKey key, out CachedResult result)
    {
        if (_entries is not null && Volatile.Read(ref _generation) != key.Generation)
        {
            lock (_gate)
            {
                if (_generation != key.Generation)
                {
                    _entries.Clear();
                    Volatile.Write(ref _generation, key.Generation);
                }
            }
        }
        // The generation is checked again on the entry: a search still on an older reader may have emptied and
        // refilled the cache between the check above and this lookup.
        if (_entries is not null && _entries.TryGetValue(key.Request, out Entry? found) && found is not null && found.Generation == key.Generation)
        {
            Interlocked.Increment(ref _hits);
            _metrics.ResultCacheHits.Add(1);
            result = found.Result;
            return true;
        }
        Interlocked.Increment(ref _misses);
        _metrics.ResultCacheMisses.Add(1);
        result = null!;
        return false;
    }

    // A result ranked on another generation than the cache now holds (a search that started before a refresh)
    // is not kept. Checked and stored under the lock that empties the cache, so no result outlives its generation.
    internal void Add(in ResultKey key, CachedResult result)
    {
        if (_entries is null) return;
        lock (_gate)
        {
            if (_generation != key.Generation) return;
            _entries.Set(key.Request, new Entry(key.Generation, result), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(5) });
        }
    }

    public void Dispose() => _entries?.Dispose();

    private sealed record Entry(ResultGeneration Generation, CachedResult Result);
}

// What a result was computed from besides the request: the index reader and synonym set (compared by identity:
// each is replaced, never changed, when it changes), the in-stock snapshot's version and the category tree's shape.
internal sealed record ResultGeneration(IndexReader Reader, int StockVersion, SynonymSet Synonyms, string TreeShape);

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
