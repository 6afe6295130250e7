using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Bazaar.Search;

// Turns what a shopper typed into a Lucene query. The text is never parsed as query syntax: it goes through
// the product analyzer, and each position of the result becomes a "slot" that a product satisfies by having
// the word, or a stacked form of it ("6ft" for "6 ft"), a compound ("showerhead" for "shower head"), a
// synonym, or (for a word the catalogue does not know) a near spelling. Most slots must be satisfied; products
// matching more of them, and the words as a phrase or close together, rank higher.
internal sealed class SearchQueryBuilder(IndexReader reader, SynonymSet synonyms, RankingOptions ranking)
{
    public const int MaxQueryLength = 200;
    private const int MaxSlots = 12;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "the", "of", "for", "with", "to", "by", "or", "on", "at", "from", "w", "into", "is",
    };

    internal sealed class Slot(AnalyzedToken token)
    {
        public AnalyzedToken Token { get; } = token;
        public string Primary => Token.Term;
        // StandIn: a synonym, near spelling or compound, not the word itself written another way (see StandInTermQuery).
        public List<(string[] Terms, float Weight, bool StandIn)> Alternatives { get; } = [([token.Term], 1f, false)];
        public bool Required { get; set; } = true;
        public float Weight { get; set; } = 1f;
        public string? Correction { get; set; }
        public string? Stem { get; set; }
    }

    // What the text asks for, worked out once (spellings cost index lookups) for both the strict query and the
    // relaxed one a search may fall back to.
    internal sealed record Plan(string Text, List<Slot> Slots);

    public Plan Prepare(string text)
    {
        var slots = Slots(text);
        if (slots.Count > 0)
        {
            AddStems(text, slots);
            AddCompounds(slots);
            AddSynonyms(slots);
            AddSpellings(text, slots);
        }
        return new Plan(text, slots);
    }

    public BuiltQuery Build(Plan plan, bool relaxed = false)
    {
        var (text, slots) = plan;
        if (slots.Count == 0) return BuiltQuery.Nothing;

        var required = slots.Count(s => s.Required);
        var words = new BooleanQuery(disableCoord: false);
        foreach (var slot in slots) words.Add(SlotQuery(slot), Occur.SHOULD);
        words.MinimumNumberShouldMatch = relaxed || required == 0 || !ranking.RequireMostWords ? 1 : MinimumToMatch(required);

        var query = new BooleanQuery(disableCoord: true) { { words, Occur.MUST } };
        // Phrases over words only: numbers match too many products to be worth their positions.
        var phraseTerms = slots.Where(s => s.Required && s.Token.IsWord).Select(s => s.Primary).ToList();
        if (phraseTerms.Count >= 2)
        {
            query.Add(Phrase(SearchFields.Title, phraseTerms, 0, ranking.PhraseBoost), Occur.SHOULD);
            query.Add(Phrase(SearchFields.Title, phraseTerms, ranking.ProximitySlop, ranking.ProximityBoost), Occur.SHOULD);
        }
        if (phraseTerms.Count >= 3 && ranking.PairBoost > 0)
        {
            // Each pair of neighbouring words close together ("under cabinet", "cabinet led").
            for (var k = 0; k + 1 < phraseTerms.Count; k++)
                query.Add(Phrase(SearchFields.Title, phraseTerms.Skip(k).Take(2), 1, ranking.PairBoost), Occur.SHOULD);
        }

        if (ranking.HeadBoost > 0 && HeadQuery(text, slots) is { } head) query.Add(head, Occur.SHOULD);
        if (ranking.TypeBoost > 0 && TypeOf(text, slots) is { } type)
        {
            query.Add(new DisjunctionMaxQuery(0)
            {
                new ConstantScoreQuery(new TermQuery(new Term(SearchFields.ConfirmedType, type))) { Boost = ranking.TypeBoost },
                new ConstantScoreQuery(new TermQuery(new Term(SearchFields.Type, type))) { Boost = ranking.TypeBoost * ranking.UnconfirmedTypeShare },
            }, Occur.SHOULD);
        }
        if (ranking.BrandMatchBoost > 0 && BrandQuery(slots) is { } brand) query.Add(brand, Occur.SHOULD);

        // The whole input as a code (SKU, model number, EAN) finds that product even when its words do not.
        var code = SearchFields.Compact(text);
        Query result = query;
        if (code.Length >= 4 && code.Any(char.IsDigit))
            result = new BooleanQuery(disableCoord: true)
            {
                { query, Occur.SHOULD },
                { new TermQuery(new Term(SearchFields.Codes, code)) { Boost = ranking.CodeBoost * 4 }, Occur.SHOULD },
            };

        var highlight = new HashSet<string>(slots.SelectMany(s => s.Alternatives).SelectMany(a => a.Terms), StringComparer.Ordinal);
        return new BuiltQuery(result, highlight, Correction(text, slots), slots.Count);
    }

    // Autocomplete: every word but the last as typed, the last as the start of a word.
    // What the shopper is typing, completed: the words before the last as typed, the last completed to the words
    // of the catalogue that start with it, most common first, kept only when some product has them all ("hp las"
    // -> "hp laserjet").
    public List<string> Completions(string text, int take)
    {
        var trimmed = text.TrimEnd().ToLowerInvariant();
        var lastSpace = trimmed.LastIndexOf(' ');
        var head = lastSpace < 0 ? "" : trimmed[..lastSpace].TrimEnd();
        var prefix = SearchFields.Compact(lastSpace < 0 ? trimmed : trimmed[(lastSpace + 1)..]);
        var terms = MultiFields.GetTerms(reader, SearchFields.Vocabulary);
        if (prefix.Length < 2 || terms is null) return [];
        var candidates = new List<(string Term, int Docs)>();
        var e = terms.GetEnumerator();
        if (e.SeekCeil(new BytesRef(prefix)) == TermsEnum.SeekStatus.END) return [];
        var seen = 0;
        do
        {
            var term = e.Term.Utf8ToString();
            if (!term.StartsWith(prefix, StringComparison.Ordinal)) break;
            if (term.Length > prefix.Length || head.Length > 0) candidates.Add((term, e.DocFreq));
        }
        while (++seen < 500 && e.MoveNext());
        var words = head.Length == 0 ? [] : Slots(head).Where(s => !StopWords.Contains(s.Primary)).Select(s => s.Primary).ToList();
        return candidates
            .OrderByDescending(c => c.Docs).Take(take * 3)
            .Select(c => (Text: head.Length == 0 ? c.Term : $"{head} {c.Term}", Docs: words.Count == 0 ? c.Docs : Support([c.Term], words, all: true)))
            .Where(c => c.Docs > 0)
            .OrderByDescending(c => c.Docs)
            .Take(take)
            .Select(c => c.Text)
            .ToList();
    }

    // `completed`: the likeliest completion of the text (see Completions), whose product type and brand put the
    // products it names first ("hp las": HP's LaserJet printers).
    public BuiltQuery BuildPrefix(string text, string? completed = null)
    {
        var trimmed = text.TrimEnd();
        var lastSpace = trimmed.LastIndexOf(' ');
        var head = lastSpace < 0 ? "" : trimmed[..lastSpace];
        var prefix = SearchFields.Compact(lastSpace < 0 ? trimmed : trimmed[(lastSpace + 1)..]);
        if (prefix.Length == 0) return BuiltQuery.Nothing;

        var query = new BooleanQuery(disableCoord: true);
        var highlight = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slot in Slots(head))
        {
            if (StopWords.Contains(slot.Primary)) continue;
            query.Add(SlotQuery(slot), Occur.MUST);
            highlight.Add(slot.Primary);
        }
        var last = new BooleanQuery(disableCoord: true)
        {
            { new PrefixQuery(new Term(SearchFields.Vocabulary, prefix)), Occur.SHOULD },
            { new PrefixQuery(new Term(SearchFields.Title, prefix)) { Boost = 2 }, Occur.SHOULD },
        };
        query.Add(last, Occur.MUST);
        if (completed is not null)
        {
            var slots = Slots(completed);
            if (ranking.BrandMatchBoost > 0 && BrandQuery(slots) is { } brand) query.Add(brand, Occur.SHOULD);
            if (ranking.TypeBoost > 0 && TypeOf(completed, slots) is { } type)
                query.Add(new ConstantScoreQuery(new TermQuery(new Term(SearchFields.Type, type))) { Boost = ranking.TypeBoost }, Occur.SHOULD);
        }
        return new BuiltQuery(query, highlight, null, 1, prefix);
    }

    // All of up to three words; of longer queries half (a long query is usually a description, and the words
    // a title leaves out are mostly qualifiers; products with more of them still rank first).
    private int MinimumToMatch(int required) =>
        required <= 3 ? required : (int)Math.Ceiling(required * ranking.MostWordsShare);

    private List<Slot> Slots(string text)
    {
        if (text.Length > MaxQueryLength) text = text[..MaxQueryLength];
        var slots = new List<Slot>();
        foreach (var group in ProductAnalyzer.Query.Analyze(text).GroupBy(t => t.Position))
        {
            if (slots.Count == MaxSlots) break;
            var slot = new Slot(group.First());
            foreach (var stacked in group.Skip(1)) slot.Alternatives.Add(([stacked.Term], ranking.StackedWeight, false));
            if (slot.Token.IsWord && StopWords.Contains(slot.Primary))
            {
                slot.Required = false;
                slot.Weight = ranking.StopWordWeight;
            }
            // "6 ft": the number's slot already holds "6ft"; the unit alone is no extra requirement.
            if (slot.Token.Type == ProductTokenizer.UnitType && slots.Count > 0 && slots[^1].Token.Type == ProductTokenizer.NumberType)
            {
                slot.Required = false;
                slot.Weight = ranking.StopWordWeight;
            }
            slots.Add(slot);
        }
        return JoinCodes(slots);
    }

    // A model number or size written as one ("2x12", "e5320", "2 x 4", "6-panel") is one thing the shopper asked
    // for: its parts are one slot, matched by the whole or by the parts next to each other, not three slots that a
    // product matches one by one ("2 in. x 12 in." grates for "shelving wood 2x12"; relevance-dev NDCG@10 0.4442 ->
    // 0.4481). The analyzer stacks the whole on the first part; the parts are the slots that run together to it.
    // "6 ft" stays a number and a unit, as "6ft" does: a product in inches then matches less of it.
    private List<Slot> JoinCodes(List<Slot> slots)
    {
        var joined = new List<Slot>(slots.Count);
        for (var k = 0; k < slots.Count; k++)
        {
            var first = slots[k];
            var whole = first.Alternatives.Skip(1).Select(a => a.Terms[0]).FirstOrDefault(t => t.Length > first.Primary.Length && t.Any(char.IsDigit));
            var parts = new List<string> { first.Primary };
            var run = first.Primary;
            var end = k;
            for (var m = k + 1; whole is not null && m < slots.Count && run.Length < whole.Length; m++)
            {
                var part = slots[m].Primary;
                if (slots[m].Token.Type == ProductTokenizer.UnitType)
                {
                    // A unit inside a code is part of it ("3m36"); one after a size is not ("2 in. x 4 in.").
                    if (whole.StartsWith(run + part, StringComparison.Ordinal) && run.Length + part.Length < whole.Length) { run += part; parts.Add(part); }
                    continue;
                }
                run += part;
                parts.Add(part);
                if (run == whole) end = m;
            }
            if (end == k)
            {
                joined.Add(first);
                continue;
            }
            var slot = new Slot(new AnalyzedToken(whole!, first.Token.Position, first.Token.Start, slots[end].Token.End, ProductTokenizer.JoinedType));
            slot.Alternatives.Add(([.. parts], ranking.StackedWeight, false));
            joined.Add(slot);
            k = end;
        }
        return joined;
    }

    // "lighting" also matches "light" and "galvanized" "galvanize", through the title's stemmed twin (a word's
    // stem is the same whatever its position, so the stemmed query lines up with the slots).
    private void AddStems(string text, List<Slot> slots)
    {
        if (ranking.StemWeight <= 0) return;
        var stems = ProductAnalyzer.Query.Analyze(text.Length > MaxQueryLength ? text[..MaxQueryLength] : text, SearchFields.TitleStem)
            .GroupBy(t => t.Position)
            .ToDictionary(g => g.Key, g => g.First().Term);
        foreach (var slot in slots)
            if (slot.Token.IsWord && stems.TryGetValue(slot.Token.Position, out var stem)) slot.Stem = stem;
    }

    // "shower head" also matches "showerhead", when the catalogue writes it so. The compound stands in for each
    // word, scored as common as the word: a rare one ("snapfence", a brand) would otherwise count its rarity twice
    // and outrank products with both words (relevance-dev NDCG@10 0.4481 -> 0.4487).
    private void AddCompounds(List<Slot> slots)
    {
        for (var k = 0; k + 1 < slots.Count; k++)
        {
            if (!slots[k].Token.IsWord || !slots[k + 1].Token.IsWord) continue;
            var joined = slots[k].Primary + slots[k + 1].Primary;
            if (reader.DocFreq(new Term(SearchFields.Vocabulary, joined)) == 0) continue;
            slots[k].Alternatives.Add(([joined], ranking.CompoundWeight, true));
            slots[k + 1].Alternatives.Add(([joined], ranking.CompoundWeight, true));
        }
    }

    private void AddSynonyms(List<Slot> slots)
    {
        if (synonyms.Count == 0) return;
        var primaries = slots.Select(s => s.Primary).ToList();
        foreach (var (start, length, alternative) in synonyms.Matches(primaries))
            for (var k = start; k < start + length; k++)
                slots[k].Alternatives.Add((alternative, ranking.SynonymWeight, true));
    }

    // A word the catalogue does not know, or barely knows while a near spelling is common, also matches
    // the near spellings; the likeliest one feeds "did you mean". Likeliest in the query's context: a spelling
    // found with the query's other words beats one that is merely common ("ligt fixture" is "light", not
    // "lift"; "what is overlay" is not "wheat"), and an unknown word is read as two run together only when no
    // spelling of it is as well supported ("floorinh" is "flooring", not "floor inh").
    // A word written as a field name ("title:hp") is searched as a word but never corrected: "did you mean"
    // must not turn the shopper's syntax into another word ("tile:hp").
    private void AddSpellings(string text, List<Slot> slots)
    {
        foreach (var slot in slots)
        {
            if (!slot.Token.IsWord || slot.Primary.Length < 3 || !slot.Required) continue;
            if (slot.Token.End < text.Length && text[slot.Token.End] == ':')
            {
                if (reader.DocFreq(new Term(SearchFields.Vocabulary, slot.Primary)) == 0) slot.Required = false;
                continue;
            }
            var docs = reader.DocFreq(new Term(SearchFields.Vocabulary, slot.Primary));
            if (docs >= ranking.RareWordDocs) continue;
            var context = slots
                .Where(s => s != slot && s.Required && s.Token.IsWord && s.Primary.Length >= 2)
                .Select(s => s.Primary)
                .ToList();
            var candidates = Spelling.Candidates(reader, slot.Primary, docs, ranking.TwoEditsFrom, take: ranking.SpellingCandidates)
                .Select(c => (Candidate: c, Support: Support([c.Term], context)))
                .ToList();
            if (context.Count > 0 && candidates.Any(c => c.Support > 0)) candidates.RemoveAll(c => c.Support == 0);
            var ranked = candidates
                .OrderByDescending(c => Math.Log(1 + c.Support) - (2.5 * c.Candidate.Edits))
                .Select(c => c.Candidate)
                .Take(ranking.SpellingAlternatives)
                .ToList();
            if (docs == 0 && Split(slot.Primary) is { } parts
                && (ranked.Count == 0 || Support(parts, context) >= candidates.Max(c => c.Support)))
            {
                // "topsealer" -> "top sealer": two words the catalogue knows, run together.
                slot.Alternatives.Add((parts, ranking.CompoundWeight, false));
                slot.Correction = string.Join(' ', parts);
                continue;
            }
            for (var c = 0; c < ranked.Count; c++)
                slot.Alternatives.Add(([ranked[c].Term], (ranked[c].Edits == 1 ? ranking.OneEditWeight : ranking.TwoEditWeight) * (c == 0 ? 1f : ranking.LaterSpellingFactor), true));
            if (ranked.Count > 0) slot.Correction = ranked[0].Term;
            // A word nothing in the catalogue resembles cannot be required.
            else if (docs == 0) slot.Required = false;
        }
    }

    // How many products have these words (next to each other, when more than one) and, when the query has
    // other words, at least one of them.
    private int Support(string[] words, List<string> context, bool all = false)
    {
        Query have;
        if (words.Length == 1) have = new TermQuery(new Term(SearchFields.Vocabulary, words[0]));
        else
        {
            var phrase = new PhraseQuery();
            foreach (var word in words) phrase.Add(new Term(SearchFields.Vocabulary, word));
            have = phrase;
        }
        var query = new BooleanQuery(disableCoord: true) { { have, Occur.MUST } };
        if (context.Count > 0)
        {
            var any = new BooleanQuery(disableCoord: true);
            foreach (var word in context) any.Add(new TermQuery(new Term(SearchFields.Vocabulary, word)), all ? Occur.MUST : Occur.SHOULD);
            query.Add(any, Occur.MUST);
        }
        var count = new TotalHitCountCollector();
        new IndexSearcher(reader).Search(query, count);
        return count.TotalHits;
    }

    private string[]? Split(string word)
    {
        if (word.Length < 6) return null;
        string[]? best = null;
        var bestDocs = 0;
        for (var at = 3; at <= word.Length - 3; at++)
        {
            var left = word[..at];
            var right = word[at..];
            var docs = Math.Min(reader.DocFreq(new Term(SearchFields.Vocabulary, left)), reader.DocFreq(new Term(SearchFields.Vocabulary, right)));
            if (docs > bestDocs) (best, bestDocs) = ([left, right], docs);
        }
        return best;
    }

    private Query SlotQuery(Slot slot)
    {
        var fields = new (string Field, float Boost)[]
        {
            (SearchFields.Title, ranking.TitleBoost),
            (SearchFields.Brand, ranking.BrandBoost),
            (SearchFields.TypeText, ranking.TypeTextBoost),
            (SearchFields.Model, ranking.ModelBoost),
            (SearchFields.Category, ranking.CategoryBoost),
            (SearchFields.Attributes, ranking.AttributesBoost),
            (SearchFields.Description, ranking.DescriptionBoost),
        };
        var any = new DisjunctionMaxQuery(ranking.FieldTieBreaker);
        foreach (var (terms, weight, standIn) in slot.Alternatives)
        {
            foreach (var (field, boost) in fields.Where(f => f.Boost > 0))
                any.Add(terms.Length == 1
                    ? Word(new Term(field, terms[0]), standIn, boost * weight)
                    : Phrase(field, terms, 1, boost * weight));
        }
        if (ranking.GramWeight > 0 && slot.Token.IsWord && slot.Primary.Length > ProductAnalyzer.GramSize
            && reader.DocFreq(new Term(SearchFields.Title, slot.Primary)) < reader.NumDocs * ranking.NearMatchBelow) any.Add(NearMatch(slot.Primary));
        if (slot.Stem is not null)
            any.Add(new TermQuery(new Term(SearchFields.TitleStem, slot.Stem)) { Boost = ranking.TitleBoost * ranking.StemWeight });
        if (slot.Primary.Length >= 3 && slot.Primary.Any(char.IsDigit))
            any.Add(new TermQuery(new Term(SearchFields.Codes, SearchFields.Compact(slot.Primary))) { Boost = ranking.CodeBoost });
        any.Boost = slot.Weight;
        return any;
    }

    private static TermQuery Word(Term term, bool standIn, float boost) =>
        standIn ? new StandInTermQuery(term) { Boost = boost } : new TermQuery(term) { Boost = boost };

    // The query's head word (or a spelling, compound or synonym of it) as the head of the product's title: a
    // fixed reward, so that a rare head does not outweigh the words themselves.
    private DisjunctionMaxQuery? HeadQuery(string text, List<Slot> slots)
    {
        if (TitleHead.Find(text) is not var (start, _)) return null;
        var slot = slots.FirstOrDefault(s => s.Token.Start == start && s.Token.IsWord);
        if (slot is null) return null;
        var any = new DisjunctionMaxQuery(0);
        foreach (var (terms, weight, _) in slot.Alternatives.Where(a => a.Terms.Length == 1))
            any.Add(new ConstantScoreQuery(new TermQuery(new Term(SearchFields.Head, terms[0]))) { Boost = ranking.HeadBoost * weight });
        return any;
    }

    // The product type the query names, read as the import reads titles (CategoryClassifier), from the words as
    // typed or, failing that, as corrected ("lapptop" is "laptop"); null when it names none or the index has no
    // product of it (bare titles, a renamed category).
    private string? TypeOf(string text, List<Slot> slots)
    {
        var classifier = Catalog.CategoryClassifier.Default;
        var found = classifier.ClassifyQuery(text);
        if (found is null && Correction(text, slots) is { } corrected) found = classifier.ClassifyQuery(corrected);
        if (found is null) return null;
        var path = SearchDocuments.TypePath(found.Path.Split(" > "));
        return reader.DocFreq(new Term(SearchFields.Type, path)) > 0 ? path : null;
    }

    // The brand the query names, learned from the catalogue: a word names a brand when most products with the
    // word in their title or brand are that brand's ("hp", "kingston"; not "case" of "Case Logic"). Rewarded once
    // however many of its words the query has ("tripp lite").
    private DisjunctionMaxQuery? BrandQuery(List<Slot> slots)
    {
        DisjunctionMaxQuery? any = null;
        foreach (var slot in slots)
        {
            if (!slot.Token.IsWord || slot.Primary.Length < 2) continue;
            var term = new Term(SearchFields.Brand, slot.Primary);
            var ofBrand = reader.DocFreq(term);
            if (ofBrand == 0) continue;
            var withWord = Math.Max(ofBrand, reader.DocFreq(new Term(SearchFields.Title, slot.Primary)));
            if (ofBrand < withWord * ranking.BrandWordShare) continue;
            any ??= new DisjunctionMaxQuery(0);
            any.Add(new ConstantScoreQuery(new TermQuery(term)) { Boost = ranking.BrandMatchBoost });
        }
        return any;
    }

    // Most of the word's letter runs among the title's words: a misspelling the spelling check let
    // through ("galvinized"), a compound written apart or together ("counter top", "countertop"), another
    // form of the word ("faucets", "faucet's"). Weighted per run, so a long word counts no more than a short one.
    private BooleanQuery NearMatch(string word)
    {
        var grams = new BooleanQuery(disableCoord: true);
        var count = word.Length - ProductAnalyzer.GramSize + 1;
        for (var k = 0; k < count; k++)
            grams.Add(new TermQuery(new Term(SearchFields.TitleGrams, word.Substring(k, ProductAnalyzer.GramSize))), Occur.SHOULD);
        grams.MinimumNumberShouldMatch = Math.Max(1, (int)Math.Ceiling(count * ranking.GramShare));
        grams.Boost = ranking.TitleBoost * ranking.GramWeight / count;
        return grams;
    }

    private static PhraseQuery Phrase(string field, IEnumerable<string> terms, int slop, float boost)
    {
        var phrase = new PhraseQuery { Slop = slop, Boost = boost };
        foreach (var term in terms) phrase.Add(new Term(field, term));
        return phrase;
    }

    // The shopper's text with each unknown word replaced by its likeliest spelling, or null if none was.
    private static string? Correction(string text, List<Slot> slots)
    {
        var corrected = slots.Where(s => s.Correction is not null).OrderByDescending(s => s.Token.Start).ToList();
        if (corrected.Count == 0) return null;
        var sb = new StringBuilder(text.Length > MaxQueryLength ? text[..MaxQueryLength] : text);
        foreach (var slot in corrected)
        {
            if (slot.Token.End > sb.Length) continue;
            sb.Remove(slot.Token.Start, slot.Token.End - slot.Token.Start).Insert(slot.Token.Start, slot.Correction);
        }
        return sb.ToString().ToLowerInvariant();
    }
}

public sealed record BuiltQuery(Query? Query, IReadOnlySet<string> HighlightTerms, string? Correction, int Slots, string? HighlightPrefix = null)
{
    public static BuiltQuery Nothing { get; } = new(null, new HashSet<string>(), null, 0);
}

internal static class Spelling
{
    public sealed record Candidate(string Term, int Edits, int Docs);

    public static List<Candidate> Candidates(IndexReader reader, string word, int docsOfWord, int twoEditsFrom = 8, int take = 3)
    {
        var terms = MultiFields.GetTerms(reader, SearchFields.Vocabulary);
        if (terms is null) return [];
        var maxEdits = word.Length >= twoEditsFrom ? 2 : 1;
        var found = new List<Candidate>();
        var fuzzy = new FuzzyTermsEnum(terms, new Lucene.Net.Util.AttributeSource(), new Term(SearchFields.Vocabulary, word), maxEdits, 1, true);
        var seen = 0;
        while (fuzzy.MoveNext() && seen++ < 200)
        {
            var term = fuzzy.Term.Utf8ToString();
            if (term == word || term.Any(char.IsDigit)) continue;
            var docs = fuzzy.DocFreq;
            // A near spelling must be clearly more common than the word itself to stand in for it.
            if (docs <= Math.Max(docsOfWord * 3, 0)) continue;
            found.Add(new Candidate(term, Distance(word, term), docs));
        }
        return found
            .OrderByDescending(c => Math.Log(1 + c.Docs) - (2.5 * c.Edits))
            .Take(take)
            .ToList();
    }

    // Optimal string alignment distance (a swap of neighbours is one edit), as the fuzzy enum counts.
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
