using System.Buffers;
using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Bazaar.Search;

// One pass over every document the text matches: filters are checked from doc values, the best `depth`
// hits are kept in order, and every facet is counted. A facet's counts ignore that facet's own selection
// but respect all the others (so picking one brand still shows what the other brands would add): a document
// failing no filter is a hit and counts everywhere; one failing exactly one facet's filter counts only in
// that facet; one failing two or more counts nowhere.
internal sealed class FacetCollector : ICollector
{
    private const int CategoryGroup = 0;
    private const int BrandGroup = 1;
    private const int PriceGroup = 2;
    private const int RatingGroup = 3;
    private const int StockGroup = 4;
    private const int FirstAttributeGroup = 5;
    public const int MaxAttributeFilters = 8;

    private readonly SearchFilters _filters;
    private readonly SearchSort _sort;
    private readonly int _depth;
    private readonly StockSnapshot _stock;
    private readonly bool _countFacets;
    private readonly IReadOnlyList<PriceRange> _priceValues;
    // The price ranges in cents, counted (_priceMin/_priceMax, every range shown) and filtered on (_filter...), as
    // plain arrays: these are read for every matching product.
    private readonly long[] _priceMin;
    private readonly long[] _priceMax;
    private readonly long[] _filterMin;
    private readonly long[] _filterMax;
    private readonly string[] _attributeKeys;
    private readonly PriorityQueue<RankedDoc, RankedDoc> _top;
    private readonly int _activeGroups;

    private readonly List<Segment> _segments = [];
    private Segment? _segment;
    private Scorer? _scorer;

    public FacetCollector(SearchFilters filters, SearchSort sort, int depth, StockSnapshot stock, bool countFacets)
    {
        _filters = filters;
        _sort = sort;
        _depth = Math.Max(depth, 1);
        _stock = stock;
        _countFacets = countFacets;
        _priceValues = [.. PriceRange.Buckets, .. filters.Prices.Where(p => !PriceRange.Buckets.Contains(p))];
        _priceMin = [.. _priceValues.Select(p => p.MinCents)];
        _priceMax = [.. _priceValues.Select(p => p.MaxCents)];
        _filterMin = [.. filters.Prices.Select(p => p.MinCents)];
        _filterMax = [.. filters.Prices.Select(p => p.MaxCents)];
        _attributeKeys = filters.Attributes.Keys.Take(MaxAttributeFilters).ToArray();
        _top = new PriorityQueue<RankedDoc, RankedDoc>(RankedDoc.WorstFirst(sort));
        if (filters.Categories.Count > 0) _activeGroups |= 1 << CategoryGroup;
        if (filters.Brands.Count > 0) _activeGroups |= 1 << BrandGroup;
        if (filters.Prices.Count > 0) _activeGroups |= 1 << PriceGroup;
        if (filters.MinRating is not null) _activeGroups |= 1 << RatingGroup;
        if (filters.InStock) _activeGroups |= 1 << StockGroup;
        for (var k = 0; k < _attributeKeys.Length; k++) _activeGroups |= 1 << (FirstAttributeGroup + k);
        PriceCounts = new int[_priceValues.Count];
    }

    public static readonly int[] RatingThresholds = [4, 3, 2, 1];

    public int Total { get; private set; }
    public int[] PriceCounts { get; }
    public int[] RatingCounts { get; } = new int[RatingThresholds.Length];
    public int InStockCount { get; private set; }

    // Every product the text matched, whatever the filters (a result depends on no other), or null past
    // MatchedKept: a result cache entry is kept across a product change that touches none of them.
    public const int MatchedKept = 4096;
    // A pooled buffer, not a growing list: a broad search fills it, and a list doubling its way there allocated
    // more than the copy kept.
    private int[]? _matched = ArrayPool<int>.Shared.Rent(MatchedKept);
    private int _matchedCount;
    private bool _matchedAll = true;

    public int[]? Matched => _matchedAll ? _matched.AsSpan(0, _matchedCount).ToArray() : null;
    public IReadOnlyList<PriceRange> PriceValues => _priceValues;

    // In order: out of order lets Lucene score a top-level disjunction with BooleanScorer, whose bucket table
    // allocates 2,048 objects per search and segment; the counts and the kept hits do not depend on the order.
    public bool AcceptsDocsOutOfOrder => false;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _segment = new Segment(context, _filters, _attributeKeys, _countFacets, _stock);
        _segments.Add(_segment);
    }

    public void Collect(int doc)
    {
        var s = _segment!;
        if (_matchedAll)
        {
            if (_matchedCount < MatchedKept) _matched![_matchedCount++] = (int)s.Cache.Ids[doc];
            else _matchedAll = false;
        }
        var failed = -1;
        if (_activeGroups != 0)
        {
            for (var group = 0; group < FirstAttributeGroup + _attributeKeys.Length; group++)
            {
                if ((_activeGroups & (1 << group)) == 0 || Passes(s, group, doc)) continue;
                if (failed >= 0) return;
                failed = group;
            }
        }

        if (failed < 0)
        {
            Total++;
            Keep(s, doc);
            if (_countFacets) CountAll(s, doc);
        }
        else if (_countFacets)
        {
            CountOne(s, failed, doc);
        }
    }

    private bool Passes(Segment s, int group, int doc)
    {
        switch (group)
        {
            case CategoryGroup:
                var categories = s.Cache.Categories;
                for (int k = categories.Start[doc], end = categories.Start[doc + 1]; k < end; k++)
                    if (s.SelectedCategories[categories.Ords[k]]) return true;
                return false;
            case BrandGroup:
                var brand = s.Cache.Brands[doc];
                return brand >= 0 && s.SelectedBrands[brand];
            case PriceGroup:
                var cents = s.Cache.Prices[doc];
                for (var k = 0; k < _filterMin.Length; k++)
                    if (cents >= _filterMin[k] && cents < _filterMax[k]) return true;
                return false;
            case RatingGroup:
                return s.Cache.Ratings[doc] >= _filters.MinRating!.Value * 100;
            case StockGroup:
                return s.InStock[doc];
            default:
                var selected = s.SelectedAttributes[group - FirstAttributeGroup];
                for (int k = s.Cache.Attributes.Start[doc], end = s.Cache.Attributes.Start[doc + 1]; k < end; k++)
                    if (selected.Contains(s.Cache.Attributes.Ords[k])) return true;
                return false;
        }
    }

    private void Keep(Segment s, int doc)
    {
        var score = _scorer?.GetScore() ?? 0f;
        var productId = (int)s.Cache.Ids[doc];
        var key = _sort switch
        {
            SearchSort.PriceAsc or SearchSort.PriceDesc => s.Cache.Prices[doc],
            SearchSort.Newest => s.Cache.Released[doc],
            SearchSort.Rating => s.Cache.Ratings[doc],
            // Among equally good matches, the shorter title first (see RankedDoc).
            _ => -s.Cache.TitleLengths[doc],
        };
        var ranked = new RankedDoc(s.DocBase + doc, productId, score, key);
        if (_top.Count < _depth) _top.Enqueue(ranked, ranked);
        else if (_top.Comparer.Compare(ranked, _top.Peek()) > 0) _top.DequeueEnqueue(ranked, ranked);
    }

    // Every facet at once, straight from the segment's arrays: this runs for every matching product.
    private void CountAll(Segment s, int doc)
    {
        var values = s.Cache;
        var categories = values.Categories;
        var categoryCounts = s.CategoryCounts;
        for (int k = categories.Start[doc], end = categories.Start[doc + 1]; k < end; k++) categoryCounts[categories.Ords[k]]++;
        var brand = values.Brands[doc];
        if (brand >= 0) s.BrandCounts[brand]++;
        var cents = values.Prices[doc];
        for (var k = 0; k < _priceMin.Length; k++)
            if (cents >= _priceMin[k] && cents < _priceMax[k]) PriceCounts[k]++;
        var rating = values.Ratings[doc];
        for (var k = 0; k < RatingThresholds.Length; k++)
            if (rating >= RatingThresholds[k] * 100) RatingCounts[k]++;
        if (s.InStock[doc]) InStockCount++;
        var attributes = values.Attributes;
        var attributeCounts = s.AttributeCounts;
        for (int k = attributes.Start[doc], end = attributes.Start[doc + 1]; k < end; k++) attributeCounts[attributes.Ords[k]]++;
        var keys = values.Keys;
        var keyCounts = s.KeyCounts;
        for (int k = keys.Start[doc], end = keys.Start[doc + 1]; k < end; k++) keyCounts[keys.Ords[k]]++;
        s.Counted++;
    }

    private void CountOne(Segment s, int group, int doc)
    {
        switch (group)
        {
            case CategoryGroup:
                for (int k = s.Cache.Categories.Start[doc], end = s.Cache.Categories.Start[doc + 1]; k < end; k++) s.CategoryCounts[s.Cache.Categories.Ords[k]]++;
                break;
            case BrandGroup:
                var brand = s.Cache.Brands[doc];
                if (brand >= 0) s.BrandCounts[brand]++;
                break;
            case PriceGroup:
                var cents = s.Cache.Prices[doc];
                for (var k = 0; k < _priceMin.Length; k++)
                    if (cents >= _priceMin[k] && cents < _priceMax[k]) PriceCounts[k]++;
                break;
            case RatingGroup:
                var rating = s.Cache.Ratings[doc];
                for (var k = 0; k < RatingThresholds.Length; k++)
                    if (rating >= RatingThresholds[k] * 100) RatingCounts[k]++;
                break;
            case StockGroup:
                if (s.InStock[doc]) InStockCount++;
                break;
            default:
                // Only this key's values: the document fails this key's filter and nothing else.
                var (low, high) = s.AttributeRanges[group - FirstAttributeGroup];
                for (int k = s.Cache.Attributes.Start[doc], end = s.Cache.Attributes.Start[doc + 1]; k < end; k++)
                {
                    var ord = s.Cache.Attributes.Ords[k];
                    if (ord >= low && ord < high) s.AttributeCounts[ord]++;
                }
                break;
        }
    }

    // The kept hits, best first, with their stored fields' doc ids.
    public List<RankedDoc> TopDocs()
    {
        var list = new List<RankedDoc>(_top.Count);
        while (_top.Count > 0) list.Add(_top.Dequeue());
        list.Reverse();
        return list;
    }

    public Dictionary<int, int> CategoryCounts()
    {
        var counts = new Dictionary<int, int>();
        foreach (var s in _segments)
        {
            var ids = s.Terms.CategoryIds(s.Categories);
            for (var ord = 0; ord < ids.Length; ord++)
            {
                if (s.CategoryCounts[ord] == 0) continue;
                counts[ids[ord]] = counts.GetValueOrDefault(ids[ord]) + s.CategoryCounts[ord];
            }
        }
        return counts;
    }

    public Dictionary<string, int> BrandCounts()
    {
        // Sized for the brands found, not for every brand of the catalogue (thousands, allocated on every search).
        var found = 0;
        foreach (var s in _segments)
            for (var ord = 0; ord < s.Brands.ValueCount; ord++)
                if (s.BrandCounts[ord] != 0) found++;
        var counts = new Dictionary<string, int>(found, StringComparer.Ordinal);
        foreach (var s in _segments)
        {
            var brands = s.Terms.Brands(s.Brands);
            for (var ord = 0; ord < brands.Length; ord++)
            {
                if (s.BrandCounts[ord] == 0) continue;
                counts[brands[ord]] = counts.GetValueOrDefault(brands[ord]) + s.BrandCounts[ord];
            }
        }
        return counts;
    }

    // The most useful attributes of this result set: common among the hits, with a handful of values
    // that split them. Keys with a selection are always shown.
    public List<AttributeFacetCounts> AttributeCounts(int keys, int valuesPerKey)
    {
        var minimum = Math.Max(2, Total / 5);
        var coverage = Coverage(minimum);
        var candidates = coverage.Where(c => c.Value >= minimum).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key).Take(keys * 3).ToList();
        var chosen = new List<AttributeFacetCounts>();
        foreach (var key in _attributeKeys.Concat(candidates.Where(c => !_attributeKeys.Contains(c))))
        {
            var isSelected = _attributeKeys.Contains(key);
            if (!isSelected && chosen.Count(c => !c.Selected) >= keys) break;
            // Useful: at least two values, no single value covering (nearly) everything, not a list of unique ids.
            if (!isSelected && MoreValuesThan(key, MaxValuesOfAUsefulKey)) continue;
            var values = ValuesOf(key);
            var selected = _filters.Attributes.GetValueOrDefault(key) ?? [];
            if (!isSelected)
            {
                if (values.Count < 2 || values.Count > MaxValuesOfAUsefulKey) continue;
                var top = values.Max(v => v.Value);
                if (top >= coverage[key] * 0.95) continue;
            }
            foreach (var value in selected)
                values.TryAdd(value, 0);
            var ordered = values.OrderByDescending(v => selected.Contains(v.Key)).ThenByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal)
                .Take(Math.Max(valuesPerKey, selected.Count)).Select(v => (v.Key, v.Value)).ToList();
            chosen.Add(new AttributeFacetCounts(key, NameOf(key), ordered, isSelected));
        }
        return chosen;
    }

    private const int MaxValuesOfAUsefulKey = 60;

    // How many hits have each attribute key that could reach `minimum`; other keys are left out. A broad search
    // has thousands of keys among its hits and needs only the few common ones. A key with `minimum` hits over n
    // segments has at least minimum / n of them in one segment, and in every segment at least `minimum` less
    // what the other segments counted; only keys passing both somewhere are summed. The second matters while
    // products change: each change adds a tiny segment, and with minimum / n alone nearly every key of the big
    // one became a candidate, looked up in every segment.
    private Dictionary<string, int> Coverage(int minimum)
    {
        var perSegment = (minimum + _segments.Count - 1) / Math.Max(1, _segments.Count);
        var counted = _segments.Sum(s => s.Counted);
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _segments)
        {
            var threshold = Math.Max(1, Math.Max(perSegment, minimum - (counted - s.Counted)));
            var names = s.Terms.Keys(s.Keys);
            for (var ord = 0; ord < names.Length; ord++)
                if (s.KeyCounts[ord] >= threshold) candidates.Add(names[ord]);
        }
        var coverage = new Dictionary<string, int>(candidates.Count, StringComparer.Ordinal);
        foreach (var key in candidates)
        {
            var count = 0;
            foreach (var s in _segments)
            {
                var ord = s.Terms.KeyOrd(s.Keys, key);
                if (ord >= 0) count += s.KeyCounts[ord];
            }
            coverage[key] = count;
        }
        return coverage;
    }

    // True when some segment alone has more than `limit` of the key's values among the hits (so all of them
    // together do too), found without building the key's value list.
    private bool MoreValuesThan(string key, int limit)
    {
        foreach (var s in _segments)
        {
            var (low, high) = s.Terms.KeyRange(s.Attributes, key);
            var distinct = 0;
            for (var ord = low; ord < high; ord++)
                if (s.AttributeCounts[ord] > 0 && ++distinct > limit) return true;
        }
        return false;
    }

    private Dictionary<string, int> ValuesOf(string key)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in _segments)
        {
            var (low, high) = s.Terms.KeyRange(s.Attributes, key);
            for (var ord = low; ord < high; ord++)
            {
                if (s.AttributeCounts[ord] == 0) continue;
                var value = s.Terms.Value(s.Attributes, ord);
                values[value] = values.GetValueOrDefault(value) + s.AttributeCounts[ord];
            }
        }
        return values;
    }

    private string NameOf(string key)
    {
        var bytes = new BytesRef();
        foreach (var s in _segments)
        {
            var (low, high) = SegmentTerms.Range(s.Names, key);
            if (high > low)
            {
                s.Names.LookupOrd(low, bytes);
                return bytes.Utf8ToString()[(key.Length + 1)..];
            }
        }
        return key;
    }

    public void Release()
    {
        if (_matched is { } buffer) ArrayPool<int>.Shared.Return(buffer);
        _matched = null;
        _matchedAll = false;
        foreach (var s in _segments) s.Release();
        _segments.Clear();
    }

    private sealed class Segment
    {
        public Segment(AtomicReaderContext context, SearchFilters filters, string[] attributeKeys, bool countFacets, StockSnapshot stock)
        {
            var reader = context.AtomicReader;
            DocBase = context.DocBase;
            Ids = reader.GetNumericDocValues(SearchFields.IdValue) ?? DocValues.EMPTY_NUMERIC;
            Prices = reader.GetNumericDocValues(SearchFields.PriceCents) ?? DocValues.EMPTY_NUMERIC;
            Released = reader.GetNumericDocValues(SearchFields.Released) ?? DocValues.EMPTY_NUMERIC;
            Ratings = reader.GetNumericDocValues(SearchFields.Rating) ?? DocValues.EMPTY_NUMERIC;
            Brands = reader.GetSortedDocValues(SearchFields.BrandValue) ?? DocValues.EMPTY_SORTED;
            Categories = reader.GetSortedSetDocValues(SearchFields.CategoryValues) ?? DocValues.EMPTY_SORTED_SET;
            Attributes = reader.GetSortedSetDocValues(SearchFields.AttributeValues) ?? DocValues.EMPTY_SORTED_SET;
            Keys = reader.GetSortedSetDocValues(SearchFields.AttributeKeys) ?? DocValues.EMPTY_SORTED_SET;
            Names = reader.GetSortedSetDocValues(SearchFields.AttributeNames) ?? DocValues.EMPTY_SORTED_SET;

            SelectedCategories = Chosen((int)Categories.ValueCount,
                filters.Categories.Select(c => Categories.LookupTerm(new BytesRef(c.ToString(CultureInfo.InvariantCulture)))));
            SelectedBrands = Chosen(Brands.ValueCount, filters.Brands.Select(b => (long)Brands.LookupTerm(new BytesRef(b))));
            SelectedAttributes = attributeKeys
                .Select(key => filters.Attributes[key].Select(v => Attributes.LookupTerm(new BytesRef(key + SearchFields.KeySeparator + v))).Where(o => o >= 0).ToHashSet())
                .ToArray();
            Terms = SegmentTerms.For(reader);
            Cache = Terms.Values(reader);
            InStock = Terms.InStock(stock, Cache.Ids);
            AttributeRanges = attributeKeys.Select(key => Terms.KeyRange(Attributes, key)).ToArray();

            var length = countFacets ? 1 : 0;
            CategoryCounts = Rent(length * (int)Categories.ValueCount);
            BrandCounts = Rent(length * Brands.ValueCount);
            AttributeCounts = Rent(length * (int)Attributes.ValueCount);
            KeyCounts = Rent(length * (int)Keys.ValueCount);
        }

        public int DocBase { get; }
        public SegmentTerms Terms { get; }
        public SegmentValues Cache { get; }
        public NumericDocValues Ids { get; }
        public NumericDocValues Prices { get; }
        public NumericDocValues Released { get; }
        public NumericDocValues Ratings { get; }
        public SortedDocValues Brands { get; }
        public SortedSetDocValues Categories { get; }
        public SortedSetDocValues Attributes { get; }
        public SortedSetDocValues Keys { get; }
        public SortedSetDocValues Names { get; }
        // By ord: whether the filter chose it (a lookup per matching product, cheaper in an array than a set).
        public bool[] SelectedCategories { get; }
        public bool[] SelectedBrands { get; }
        // By doc: whether the product is in stock now.
        public bool[] InStock { get; }
        public HashSet<long>[] SelectedAttributes { get; }
        public (long Low, long High)[] AttributeRanges { get; }
        public int[] CategoryCounts { get; }
        public int[] BrandCounts { get; }
        public int[] AttributeCounts { get; }
        public int[] KeyCounts { get; }
        // Documents whose attribute keys were counted: no key has more than this here.
        public int Counted { get; set; }

        private static bool[] Chosen(int count, IEnumerable<long> ords)
        {
            var chosen = new bool[count];
            foreach (var ord in ords)
                if (ord >= 0) chosen[ord] = true;
            return chosen;
        }

        // Pooled arrays may be longer than asked for: loops run to the doc values' ValueCount, not Length.
        private static int[] Rent(int length)
        {
            if (length == 0) return [];
            var array = ArrayPool<int>.Shared.Rent(length);
            Array.Clear(array, 0, length);
            return array;
        }

        public void Release()
        {
            foreach (var array in new[] { CategoryCounts, BrandCounts, AttributeCounts, KeyCounts })
                if (array.Length > 0) ArrayPool<int>.Shared.Return(array);
        }
    }
}

// A segment's facet terms, resolved from ords once and kept while the segment lives: looking terms up in
// compressed doc values on every search cost more than all the counting.
internal sealed class SegmentTerms
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, SegmentTerms> Cache = new();
    private int[]? _categoryIds;
    private string[]? _brands;
    private string[]? _keys;
    private Dictionary<string, int>? _keyOrds;
    private volatile StockFlags? _inStock;
    private string?[]? _values;
    private StoredProduct?[]? _stored;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long, long)> _ranges = new(StringComparer.Ordinal);

    private readonly System.Threading.Lock _gate = new();
    private SegmentValues? _segmentValues;

    public static SegmentTerms For(AtomicReader reader) => Cache.GetValue(reader.CoreCacheKey, _ => new SegmentTerms());

    public SegmentValues Values(AtomicReader reader)
    {
        if (_segmentValues is { } known) return known;
        lock (_gate) return _segmentValues ??= SegmentValues.Read(reader);
    }

    public int[] CategoryIds(SortedSetDocValues values) => _categoryIds ??= Resolve(values.ValueCount, (ord, b) => values.LookupOrd(ord, b))
        .Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();

    public string[] Brands(SortedDocValues values) => _brands ??= Resolve(values.ValueCount, (ord, b) => values.LookupOrd((int)ord, b));

    public string[] Keys(SortedSetDocValues values) => _keys ??= Resolve(values.ValueCount, (ord, b) => values.LookupOrd(ord, b));

    // An attribute key's ord, or -1: found in a dictionary made once, not by searching the compressed terms.
    public int KeyOrd(SortedSetDocValues values, string key)
    {
        var ords = _keyOrds ??= Keys(values).Select((name, ord) => (name, ord)).ToDictionary(k => k.name, k => k.ord, StringComparer.Ordinal);
        return ords.TryGetValue(key, out var ord) ? ord : -1;
    }

    // Each document's product in stock or not, made once per segment and in-stock set (the set is replaced whole
    // when any product flips): an array read per matching product instead of a set lookup.
    public bool[] InStock(StockSnapshot stock, long[] ids)
    {
        var set = stock.Current;
        if (_inStock is { } known && ReferenceEquals(known.Set, set)) return known.Flags;
        var flags = new bool[ids.Length];
        for (var doc = 0; doc < ids.Length; doc++) flags[doc] = set.Contains((int)ids[doc]);
        _inStock = new StockFlags(set, flags);
        return flags;
    }

    private sealed record StockFlags(HashSet<int> Set, bool[] Flags);

    // An attribute value without its "key\u001f" prefix.
    public string Value(SortedSetDocValues values, long ord)
    {
        var cache = _values ??= new string?[values.ValueCount];
        if (cache[ord] is { } known) return known;
        var bytes = new BytesRef();
        values.LookupOrd(ord, bytes);
        var text = bytes.Utf8ToString();
        return cache[ord] = text[(text.IndexOf(SearchFields.KeySeparator, StringComparison.Ordinal) + 1)..];
    }

    public (long Low, long High) KeyRange(SortedSetDocValues values, string key) => _ranges.GetOrAdd(key, k => Range(values, k));

    // What a hit shows, decoded once per document: stored fields sit in compressed blocks, and decompressing
    // a block for each of a page's hits cost more than the search itself. Racing readers decode the same
    // document twice and store equal values.
    public StoredProduct Stored(AtomicReader reader, int doc)
    {
        var cache = _stored ??= new StoredProduct?[reader.MaxDoc];
        if (cache[doc] is { } known) return known;
        var visitor = new Lucene.Net.Documents.DocumentStoredFieldVisitor(SearchFields.Id, SearchFields.Stored);
        reader.Document(doc, visitor);
        var id = int.Parse(visitor.Document.Get(SearchFields.Id) ?? "0", CultureInfo.InvariantCulture);
        return cache[doc] = SearchDocuments.Stored.Read(id, visitor.Document.Get(SearchFields.Stored));
    }

    // The stored product of a top-level doc id of the searcher.
    public static StoredProduct Stored(IndexSearcher searcher, int doc)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        return For(leaf.AtomicReader).Stored(leaf.AtomicReader, doc - leaf.DocBase);
    }

    // The ords of "key\u001f..." values: sorted doc values keep one key's values together.
    public static (long Low, long High) Range(SortedSetDocValues values, string key)
    {
        static long Position(long found) => found >= 0 ? found : -found - 1;
        var low = Position(values.LookupTerm(new BytesRef(key + SearchFields.KeySeparator)));
        var high = Position(values.LookupTerm(new BytesRef(key + (char)(SearchFields.KeySeparator + 1))));
        return (low, high);
    }

    private static string[] Resolve(long count, Action<long, BytesRef> lookup)
    {
        var terms = new string[count];
        var bytes = new BytesRef();
        for (long ord = 0; ord < count; ord++)
        {
            lookup(ord, bytes);
            terms[ord] = bytes.Utf8ToString();
        }
        return terms;
    }
}

// A segment's doc values decoded into plain arrays, once per segment: Lucene.NET's compressed doc values
// cost ~100 ns a read, and a broad search with facets reads tens of per document.
internal sealed class SegmentValues
{
    public required long[] Ids { get; init; }
    public required long[] Prices { get; init; }
    public required long[] Released { get; init; }
    public required long[] Ratings { get; init; }
    public required long[] TitleLengths { get; init; }
    public required long[] Brands { get; init; }
    public required OrdList Categories { get; init; }
    public required OrdList Attributes { get; init; }
    public required OrdList Keys { get; init; }

    public static SegmentValues Read(AtomicReader reader)
    {
        var docs = reader.MaxDoc;
        long[] Numbers(string field)
        {
            var values = reader.GetNumericDocValues(field) ?? DocValues.EMPTY_NUMERIC;
            var array = new long[docs];
            for (var doc = 0; doc < docs; doc++) array[doc] = values.Get(doc);
            return array;
        }
        var brands = reader.GetSortedDocValues(SearchFields.BrandValue) ?? DocValues.EMPTY_SORTED;
        var brandOrds = new long[docs];
        for (var doc = 0; doc < docs; doc++) brandOrds[doc] = brands.GetOrd(doc);
        return new SegmentValues
        {
            Ids = Numbers(SearchFields.IdValue),
            Prices = Numbers(SearchFields.PriceCents),
            Released = Numbers(SearchFields.Released),
            Ratings = Numbers(SearchFields.Rating),
            TitleLengths = Numbers(SearchFields.TitleLength),
            Brands = brandOrds,
            Categories = OrdList.Read(reader.GetSortedSetDocValues(SearchFields.CategoryValues), docs),
            Attributes = OrdList.Read(reader.GetSortedSetDocValues(SearchFields.AttributeValues), docs),
            Keys = OrdList.Read(reader.GetSortedSetDocValues(SearchFields.AttributeKeys), docs),
        };
    }
}

// Every document's ords of a multi-valued field: document d's are Ords[Start[d]..Start[d + 1]].
internal sealed record OrdList(int[] Start, int[] Ords)
{
    public static OrdList Read(SortedSetDocValues? values, int docs)
    {
        var start = new int[docs + 1];
        if (values is null) return new OrdList(start, []);
        var ords = new List<int>(docs * 4);
        for (var doc = 0; doc < docs; doc++)
        {
            start[doc] = ords.Count;
            values.SetDocument(doc);
            for (var ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd()) ords.Add((int)ord);
        }
        start[docs] = ords.Count;
        return new OrdList(start, [.. ords]);
    }
}

internal sealed record AttributeFacetCounts(string Key, string Name, List<(string Value, int Count)> Values, bool Selected);

internal readonly record struct RankedDoc(int Doc, int ProductId, float Score, long Key)
{
    // Orders worst first, so the queue's head is the hit to drop when a better one arrives.
    public static IComparer<RankedDoc> WorstFirst(SearchSort sort) => Comparer<RankedDoc>.Create((a, b) => Better(sort, a, b));

    // > 0 when a ranks above b. By relevance, the key is minus the title's length in words: of products that
    // match equally well (BM25 keeps a title's length only roughly, so many do), the one whose title says less
    // besides what was asked comes first, then the newer (docs/benchmarks.md says what this does to relevance-dev).
    private static int Better(SearchSort sort, RankedDoc a, RankedDoc b)
    {
        var c = sort switch
        {
            SearchSort.PriceAsc => b.Key.CompareTo(a.Key),
            SearchSort.PriceDesc or SearchSort.Newest or SearchSort.Rating => a.Key.CompareTo(b.Key),
            _ => 0,
        };
        if (c != 0) return c;
        c = a.Score.CompareTo(b.Score);
        if (c != 0) return c;
        if (sort == SearchSort.Relevance && (c = a.Key.CompareTo(b.Key)) != 0) return c;
        // Ties go to the newer product (the higher id), the same on every node.
        return a.ProductId.CompareTo(b.ProductId);
    }
}
