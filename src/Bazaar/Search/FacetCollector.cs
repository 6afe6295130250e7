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
    public IReadOnlyList<PriceRange> PriceValues => _priceValues;

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _segment = new Segment(context, _filters, _attributeKeys, _countFacets);
        _segments.Add(_segment);
    }

    public void Collect(int doc)
    {
        var s = _segment!;
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
                s.Categories.SetDocument(doc);
                for (var ord = s.Categories.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Categories.NextOrd())
                    if (s.SelectedCategories.Contains(ord)) return true;
                return false;
            case BrandGroup:
                return s.SelectedBrands.Contains(s.Brands.GetOrd(doc));
            case PriceGroup:
                var cents = s.Prices.Get(doc);
                foreach (var range in _filters.Prices)
                    if (range.Contains(cents)) return true;
                return false;
            case RatingGroup:
                return s.Ratings.Get(doc) >= _filters.MinRating!.Value * 100;
            case StockGroup:
                return _stock.IsInStock((int)s.Ids.Get(doc));
            default:
                var selected = s.SelectedAttributes[group - FirstAttributeGroup];
                s.Attributes.SetDocument(doc);
                for (var ord = s.Attributes.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Attributes.NextOrd())
                    if (selected.Contains(ord)) return true;
                return false;
        }
    }

    private void Keep(Segment s, int doc)
    {
        var score = _scorer?.GetScore() ?? 0f;
        var productId = (int)s.Ids.Get(doc);
        var key = _sort switch
        {
            SearchSort.PriceAsc or SearchSort.PriceDesc => s.Prices.Get(doc),
            SearchSort.Newest => s.Released.Get(doc),
            SearchSort.Rating => s.Ratings.Get(doc),
            _ => 0,
        };
        var ranked = new RankedDoc(s.DocBase + doc, productId, score, key);
        if (_top.Count < _depth) _top.Enqueue(ranked, ranked);
        else if (_top.Comparer.Compare(ranked, _top.Peek()) > 0) _top.DequeueEnqueue(ranked, ranked);
    }

    private void CountAll(Segment s, int doc)
    {
        for (var group = 0; group < FirstAttributeGroup; group++) CountOne(s, group, doc);
        s.Attributes.SetDocument(doc);
        for (var ord = s.Attributes.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Attributes.NextOrd()) s.AttributeCounts[ord]++;
        s.Keys.SetDocument(doc);
        for (var ord = s.Keys.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Keys.NextOrd()) s.KeyCounts[ord]++;
    }

    private void CountOne(Segment s, int group, int doc)
    {
        switch (group)
        {
            case CategoryGroup:
                s.Categories.SetDocument(doc);
                for (var ord = s.Categories.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Categories.NextOrd()) s.CategoryCounts[ord]++;
                break;
            case BrandGroup:
                var brand = s.Brands.GetOrd(doc);
                if (brand >= 0) s.BrandCounts[brand]++;
                break;
            case PriceGroup:
                var cents = s.Prices.Get(doc);
                for (var k = 0; k < _priceValues.Count; k++)
                    if (_priceValues[k].Contains(cents)) PriceCounts[k]++;
                break;
            case RatingGroup:
                var rating = s.Ratings.Get(doc);
                for (var k = 0; k < RatingThresholds.Length; k++)
                    if (rating >= RatingThresholds[k] * 100) RatingCounts[k]++;
                break;
            case StockGroup:
                if (_stock.IsInStock((int)s.Ids.Get(doc))) InStockCount++;
                break;
            default:
                // Only this key's values: the document fails this key's filter and nothing else.
                var (low, high) = s.AttributeRanges[group - FirstAttributeGroup];
                s.Attributes.SetDocument(doc);
                for (var ord = s.Attributes.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = s.Attributes.NextOrd())
                    if (ord >= low && ord < high) s.AttributeCounts[ord]++;
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
        var bytes = new BytesRef();
        foreach (var s in _segments)
        {
            for (var ord = 0; ord < s.CategoryCounts.Length; ord++)
            {
                if (s.CategoryCounts[ord] == 0) continue;
                s.Categories.LookupOrd(ord, bytes);
                var id = int.Parse(bytes.Utf8ToString(), CultureInfo.InvariantCulture);
                counts[id] = counts.GetValueOrDefault(id) + s.CategoryCounts[ord];
            }
        }
        return counts;
    }

    public Dictionary<string, int> BrandCounts()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var bytes = new BytesRef();
        foreach (var s in _segments)
        {
            for (var ord = 0; ord < s.BrandCounts.Length; ord++)
            {
                if (s.BrandCounts[ord] == 0) continue;
                s.Brands.LookupOrd(ord, bytes);
                var brand = bytes.Utf8ToString();
                counts[brand] = counts.GetValueOrDefault(brand) + s.BrandCounts[ord];
            }
        }
        return counts;
    }

    // The most useful attributes of this result set: common among the hits, with a handful of values
    // that split them. Keys with a selection are always shown.
    public List<AttributeFacetCounts> AttributeCounts(int keys, int valuesPerKey)
    {
        var coverage = new Dictionary<string, int>(StringComparer.Ordinal);
        var bytes = new BytesRef();
        foreach (var s in _segments)
        {
            for (var ord = 0; ord < s.KeyCounts.Length; ord++)
            {
                if (s.KeyCounts[ord] == 0) continue;
                s.Keys.LookupOrd(ord, bytes);
                var key = bytes.Utf8ToString();
                coverage[key] = coverage.GetValueOrDefault(key) + s.KeyCounts[ord];
            }
        }
        var minimum = Math.Max(2, Total / 5);
        var candidates = coverage.Where(c => c.Value >= minimum).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key).Take(keys * 3).ToList();
        var chosen = new List<AttributeFacetCounts>();
        foreach (var key in _attributeKeys.Concat(candidates.Where(c => !_attributeKeys.Contains(c))))
        {
            var values = ValuesOf(key);
            var selected = _filters.Attributes.GetValueOrDefault(key) ?? [];
            var isSelected = _attributeKeys.Contains(key);
            // Useful: at least two values, no single value covering (nearly) everything, not a list of unique ids.
            if (!isSelected)
            {
                if (chosen.Count(c => !c.Selected) >= keys || values.Count < 2 || values.Count > 60) continue;
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

    private Dictionary<string, int> ValuesOf(string key)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var bytes = new BytesRef();
        foreach (var s in _segments)
        {
            var (low, high) = Segment.KeyRange(s.Attributes, key);
            for (var ord = low; ord < high; ord++)
            {
                if (s.AttributeCounts[ord] == 0) continue;
                s.Attributes.LookupOrd(ord, bytes);
                var text = bytes.Utf8ToString();
                var value = text[(key.Length + 1)..];
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
            var (low, high) = Segment.KeyRange(s.Names, key);
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
        foreach (var s in _segments) s.Release();
        _segments.Clear();
    }

    private sealed class Segment
    {
        public Segment(AtomicReaderContext context, SearchFilters filters, string[] attributeKeys, bool countFacets)
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

            SelectedCategories = filters.Categories.Select(c => Categories.LookupTerm(new BytesRef(c.ToString(CultureInfo.InvariantCulture)))).Where(o => o >= 0).ToHashSet();
            SelectedBrands = filters.Brands.Select(b => Brands.LookupTerm(new BytesRef(b))).Where(o => o >= 0).ToHashSet();
            SelectedAttributes = attributeKeys
                .Select(key => filters.Attributes[key].Select(v => Attributes.LookupTerm(new BytesRef(key + SearchFields.KeySeparator + v))).Where(o => o >= 0).ToHashSet())
                .ToArray();
            AttributeRanges = attributeKeys.Select(key => KeyRange(Attributes, key)).ToArray();

            var length = countFacets ? 1 : 0;
            CategoryCounts = Rent(length * (int)Categories.ValueCount);
            BrandCounts = Rent(length * Brands.ValueCount);
            AttributeCounts = Rent(length * (int)Attributes.ValueCount);
            KeyCounts = Rent(length * (int)Keys.ValueCount);
        }

        public int DocBase { get; }
        public NumericDocValues Ids { get; }
        public NumericDocValues Prices { get; }
        public NumericDocValues Released { get; }
        public NumericDocValues Ratings { get; }
        public SortedDocValues Brands { get; }
        public SortedSetDocValues Categories { get; }
        public SortedSetDocValues Attributes { get; }
        public SortedSetDocValues Keys { get; }
        public SortedSetDocValues Names { get; }
        public HashSet<long> SelectedCategories { get; }
        public HashSet<int> SelectedBrands { get; }
        public HashSet<long>[] SelectedAttributes { get; }
        public (long Low, long High)[] AttributeRanges { get; }
        public int[] CategoryCounts { get; }
        public int[] BrandCounts { get; }
        public int[] AttributeCounts { get; }
        public int[] KeyCounts { get; }

        // The ords of "key\u001f..." values: sorted doc values keep one key's values together.
        public static (long Low, long High) KeyRange(SortedSetDocValues values, string key)
        {
            static long Position(long found) => found >= 0 ? found : -found - 1;
            var low = Position(values.LookupTerm(new BytesRef(key + SearchFields.KeySeparator)));
            var high = Position(values.LookupTerm(new BytesRef(key + (char)(SearchFields.KeySeparator + 1))));
            return (low, high);
        }

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

internal sealed record AttributeFacetCounts(string Key, string Name, List<(string Value, int Count)> Values, bool Selected);

internal readonly record struct RankedDoc(int Doc, int ProductId, float Score, long Key)
{
    // Orders worst first, so the queue's head is the hit to drop when a better one arrives.
    public static IComparer<RankedDoc> WorstFirst(SearchSort sort) => Comparer<RankedDoc>.Create((a, b) => Better(sort, a, b));

    // > 0 when a ranks above b.
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
        // Ties go to the newer product (the higher id), the same on every node.
        return a.ProductId.CompareTo(b.ProductId);
    }
}
