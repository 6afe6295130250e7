using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Bazaar.Search;

// Looks up every term of a built query once, before the search, and hands each TermQuery its statistics.
// A shopper's few words become dozens of term clauses (each word in each field, plus its stacked forms,
// compounds and synonyms), and Lucene looks each up with a terms enumerator of its own: 7 KB allocated per
// term even when the field does not have it. Here one enumerator per segment and field serves them all, and a
// field alternative that no product has is dropped from its disjunction (a max over alternatives is the same
// without it). The statistics are the ones Lucene would have gathered itself, except a stand-in's (below).
internal sealed class TermLookup
{
    private readonly IndexReaderContext _top;
    private readonly IList<AtomicReaderContext> _leaves;
    private readonly Dictionary<string, TermsEnum?[]> _enums = new(StringComparer.Ordinal);

    private TermLookup(IndexReader reader)
    {
        _top = reader.Context;
        _leaves = reader.Leaves;
    }

    public static Query Resolve(Query query, IndexReader reader) => new TermLookup(reader).Visit(query);

    private Query Visit(Query query) => query switch
    {
        TermQuery term => Resolved(term),
        BooleanQuery boolean => Boolean(boolean),
        DisjunctionMaxQuery disjunction => Disjunction(disjunction),
        ConstantScoreQuery { Query: { } inner } constant => new ConstantScoreQuery(Visit(inner)) { Boost = constant.Boost },
        _ => query,
    };

    // Clauses are kept even when nothing matches them: a boolean query's coordination counts its clauses.
    private BooleanQuery Boolean(BooleanQuery boolean)
    {
        var copy = new BooleanQuery(boolean.CoordDisabled) { MinimumNumberShouldMatch = boolean.MinimumNumberShouldMatch, Boost = boolean.Boost };
        foreach (var clause in boolean.Clauses) copy.Add(Visit(clause.Query), clause.Occur);
        return copy;
    }

    // A disjunction holds one query word's alternatives (the word and its stacked forms, and its stand-ins:
    // compounds, synonyms and near spellings) in each field. A stand-in is scored with the word's statistics in
    // that field when the word's are commoner (or, for a word no product has, the commonest alternative's).
    private DisjunctionMaxQuery Disjunction(DisjunctionMaxQuery disjunction)
    {
        var found = new List<(TermQuery Query, Found Found)>();
        var others = new List<Query>();
        foreach (var disjunct in disjunction.Disjuncts)
        {
            if (disjunct is TermQuery term) found.Add((term, Find(term.Term)));
            else others.Add(Visit(disjunct));
        }
        var words = found.GroupBy(f => f.Query.Term.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var word = g.Where(f => f.Query is not StandInTermQuery && f.Found.DocFreq > 0).Select(f => f.Found).FirstOrDefault()
                ?? g.MaxBy(f => f.Found.DocFreq).Found;
            return (word.DocFreq, word.TotalTermFreq);
        }, StringComparer.Ordinal);
        var copy = new DisjunctionMaxQuery(disjunction.TieBreakerMultiplier) { Boost = disjunction.Boost };
        foreach (var (query, where) in found)
        {
            if (where.DocFreq == 0) continue;
            var word = words[query.Term.Field];
            copy.Add(query is StandInTermQuery && word.DocFreq > where.DocFreq
                ? Resolved(query, where, (word.DocFreq, Math.Max(word.TotalTermFreq, where.TotalTermFreq)))
                : Resolved(query, where, (where.DocFreq, where.TotalTermFreq)));
        }
        foreach (var other in others) copy.Add(other);
        // Nothing has any of the alternatives: one of them stands for the slot, matching nothing.
        if (copy.Disjuncts.Count == 0 && found.Count > 0) copy.Add(Resolved(found[0].Query, found[0].Found, (0, 0)));
        return copy;
    }

    private sealed record Found(TermState?[] States, int[] DocFreqs, long[] TotalTermFreqs)
    {
        public int DocFreq => DocFreqs.Sum();
        public long TotalTermFreq => TotalTermFreqs.Sum();
    }

    private TermQuery Resolved(TermQuery query)
    {
        var found = Find(query.Term);
        return Resolved(query, found, (found.DocFreq, found.TotalTermFreq));
    }

    // The term's own states per segment, registered so that its statistics add up to `statistics`.
    private TermQuery Resolved(TermQuery query, Found found, (int DocFreq, long TotalTermFreq) statistics)
    {
        var states = new TermContext(_top);
        var extra = (DocFreq: statistics.DocFreq - found.DocFreq, TotalTermFreq: statistics.TotalTermFreq - found.TotalTermFreq);
        for (var k = 0; k < _leaves.Count; k++)
        {
            if (found.States[k] is not { } state) continue;
            // A field indexed without frequencies reports -1 for them, and so does the context.
            var totalTermFreq = found.TotalTermFreqs[k] < 0 ? -1 : found.TotalTermFreqs[k] + extra.TotalTermFreq;
            states.Register(state, _leaves[k].Ord, found.DocFreqs[k] + extra.DocFreq, totalTermFreq);
            extra = (0, 0);
        }
        return new TermQuery(query.Term, states) { Boost = query.Boost };
    }

    private Found Find(Term term)
    {
        var enums = Enumerators(term.Field);
        var found = new Found(new TermState?[_leaves.Count], new int[_leaves.Count], new long[_leaves.Count]);
        for (var k = 0; k < _leaves.Count; k++)
        {
            var terms = enums[k];
            if (terms is null || !terms.SeekExact(term.Bytes)) continue;
            found.States[k] = terms.GetTermState();
            found.DocFreqs[k] = terms.DocFreq;
            found.TotalTermFreqs[k] = terms.TotalTermFreq;
        }
        return found;
    }

    private TermsEnum?[] Enumerators(string field)
    {
        if (_enums.TryGetValue(field, out var known)) return known;
        var enums = new TermsEnum?[_leaves.Count];
        for (var k = 0; k < _leaves.Count; k++) enums[k] = _leaves[k].AtomicReader.GetTerms(field)?.GetEnumerator();
        return _enums[field] = enums;
    }
}
