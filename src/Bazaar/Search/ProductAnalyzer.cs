using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.NGram;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Bazaar.Search;

// The one analysis chain of the store's search, for indexing and for queries alike (and for the relevance
// harness): ProductTokenizer, then English plurals to singular ("cables" -> "cable", "batteries" -> "battery",
// "switches" -> "switch"; model numbers and units are left alone; see PluralFilter), then duplicates at one
// position dropped. Only plurals: heavier stemmers conflate product names (KStem: "chipper" -> "chip") and
// scored lower on the relevance set (`Bazaar.Bench relevance`: NDCG@10 0.406 with KStem, 0.409 Porter, 0.413
// plurals only, same ranking). The title also has a stemmed twin (Porter, after the plurals), which queries match at a lower weight: "lighting" finds
// "light" without "chipper" ranking as "chip" (0.424 -> 0.427; KStem there 0.425), and a twin of letter runs
// for near matches. At index time the title
// and category path also get each pair of neighbouring words run together ("shower head" -> "showerhead"),
// so a shopper who writes a compound as one word finds products that spell it as two; the query side
// does the reverse itself (see SearchQueryBuilder).
// Components are reused per field (not across fields): whether pairs are joined depends on the field.
public sealed class ProductAnalyzer(bool forQuery) : Analyzer(PER_FIELD_REUSE_STRATEGY)
{
    public static readonly ProductAnalyzer Index = new(forQuery: false);
    public static readonly ProductAnalyzer Query = new(forQuery: true);

    // The title's words are also indexed as their runs of three letters, for a near match (see SearchQueryBuilder).
    public const int GramSize = 3;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new ProductTokenizer(reader);
        TokenStream stream = new PluralFilter(tokenizer);
        if (fieldName == SearchFields.TitleStem) stream = new PorterStemFilter(stream);
        if (fieldName == SearchFields.TitleGrams) stream = new NGramTokenFilter(LuceneVersion.LUCENE_48, new WordsOnlyFilter(stream), GramSize, GramSize);
        stream = new StackedTokenFilter(stream, joinPairs: !forQuery && SearchFields.JoinsPairs(fieldName));
        return new TokenStreamComponents(tokenizer, stream);
    }

    // The analysed tokens of a text, for query building, highlighting and tests.
    public IReadOnlyList<AnalyzedToken> Analyze(string text, string field = SearchFields.Title)
    {
        var tokens = new List<AnalyzedToken>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new AnalyzedToken(term.ToString(), Math.Max(position, 0), offset.StartOffset, offset.EndOffset, type.Type));
        }
        stream.End();
        return tokens;
    }
}

// English plurals to singular: Lucene's minimal stemmer ("cables" -> "cable", "batteries" -> "battery"), which
// only drops the "s" of "switches", "boxes", "brushes" and "glasses" ("switche", never "switch"), so those lose
// their "es" here; a few "-ves" plurals become "-f" ("shelves" -> "shelf"), and singulars that end in "-che" or
// "-xe" keep their "e" ("niches" -> "niche").
internal sealed class PluralFilter(TokenStream input) : TokenFilter(input)
{
    // Every one ends in "es", which is checked before a lookup.
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["shelves"] = "shelf", ["knives"] = "knife", ["halves"] = "half", ["leaves"] = "leaf", ["wolves"] = "wolf",
        ["scarves"] = "scarf", ["calves"] = "calf", ["loaves"] = "loaf", ["wives"] = "wife", ["lives"] = "life",
        ["niches"] = "niche", ["caches"] = "cache", ["quiches"] = "quiche", ["cloches"] = "cloche", ["aches"] = "ache",
        ["headaches"] = "headache", ["avalanches"] = "avalanche", ["moustaches"] = "moustache", ["mustaches"] = "mustache",
        ["axes"] = "axe", ["pickaxes"] = "pickaxe",
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> IrregularSpans = Irregular.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly EnglishMinimalStemmer _stemmer = new();
    private readonly ICharTermAttribute _term = input.AddAttribute<ICharTermAttribute>();
    private readonly IKeywordAttribute _keyword = input.AddAttribute<IKeywordAttribute>();

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken()) return false;
        if (_keyword.IsKeyword) return true;
        var buffer = _term.Buffer;
        var length = _term.Length;
        var endsInEs = length > 3 && buffer[length - 1] == 's' && buffer[length - 2] == 'e';
        if (endsInEs && IrregularSpans.TryGetValue(buffer.AsSpan(0, length), out var singular))
        {
            _term.SetEmpty().Append(singular);
            return true;
        }
        if (endsInEs && length > 4 && EndsInSibilant(buffer, length - 2))
        {
            _term.Length = length - 2;
            return true;
        }
        _term.Length = _stemmer.Stem(buffer, length);
        return true;
    }

    // "ch", "sh", "ss", "x" or "zz" before the "es" (the word is at least three letters before it).
    private static bool EndsInSibilant(char[] word, int end) =>
        word[end - 1] == 'x'
        || (word[end - 1] == 'h' && word[end - 2] is 'c' or 's')
        || (word[end - 1] == 's' && word[end - 2] == 's')
        || (word[end - 1] == 'z' && word[end - 2] == 'z');
}

// Keeps words only: numbers, units and joined forms make no useful letter runs.
internal sealed class WordsOnlyFilter(TokenStream input) : FilteringTokenFilter(LuceneVersion.LUCENE_48, input)
{
    private readonly ITypeAttribute _type = input.AddAttribute<ITypeAttribute>();

    protected override bool Accept() => _type.Type == ProductTokenizer.WordType;
}

public sealed record AnalyzedToken(string Term, int Position, int Start, int End, string Type)
{
    public bool IsWord => Type == ProductTokenizer.WordType;
}

// Buffers a field's tokens (product fields are short) to drop duplicates stacked at one position and,
// when asked, to add each pair of neighbouring words run together.
internal sealed class StackedTokenFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private readonly IKeywordAttribute _keyword;
    private readonly bool _joinPairs;
    private readonly List<Buffered> _tokens = [];
    private int _next = -1;

    private readonly record struct Buffered(string Term, int Start, int End, int Increment, string Type, bool Keyword);

    public StackedTokenFilter(TokenStream input, bool joinPairs) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _keyword = AddAttribute<IKeywordAttribute>();
        _joinPairs = joinPairs;
    }

    public override bool IncrementToken()
    {
        if (_next < 0) Fill();
        if (_next >= _tokens.Count) return false;
        var token = _tokens[_next++];
        ClearAttributes();
        _term.SetEmpty().Append(token.Term);
        _offset.SetOffset(token.Start, token.End);
        _position.PositionIncrement = token.Increment;
        _type.Type = token.Type;
        _keyword.IsKeyword = token.Keyword;
        return true;
    }

    private void Fill()
    {
        _tokens.Clear();
        var stacked = new HashSet<string>(StringComparer.Ordinal);
        while (m_input.IncrementToken())
        {
            var term = _term.ToString();
            if (_position.PositionIncrement > 0 || _tokens.Count == 0) stacked.Clear();
            if (!stacked.Add(term)) continue;
            _tokens.Add(new Buffered(term, _offset.StartOffset, _offset.EndOffset, _position.PositionIncrement, _type.Type, _keyword.IsKeyword));
        }
        if (_joinPairs) AddPairs();
        _next = 0;
    }

    private void AddPairs()
    {
        // The first token at each position is the word itself; stacked ones are joined forms.
        var heads = new List<int>();
        for (var k = 0; k < _tokens.Count; k++)
            if (k == 0 || _tokens[k].Increment > 0) heads.Add(k);
        for (var h = heads.Count - 2; h >= 0; h--)
        {
            var first = _tokens[heads[h]];
            var second = _tokens[heads[h + 1]];
            if (first.Type != ProductTokenizer.WordType || second.Type != ProductTokenizer.WordType) continue;
            if (first.Term.Length < 2 || second.Term.Length < 2) continue;
            _tokens.Insert(heads[h + 1], new Buffered(first.Term + second.Term, first.Start, second.End, 0, ProductTokenizer.JoinedType, true));
        }
    }

    public override void Reset()
    {
        base.Reset();
        _next = -1;
        _tokens.Clear();
    }
}
