using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Bazaar.Search;

// Looks up every term of a built query once, before the search, and hands each TermQuery its statistics.
// A shopper's few words become dozens of term clauses (each word in each field, plus its stacked forms,
// compounds and synonyms), and Lucene looks each up with a terms enumerator of its own: 7 KB allocated per
// term even when the field does not have it. Here one enumerator per segment and field serves them all, and a
// field alternative that no product has is dropped from its disjunction (a max over alternatives is the same
// without it). Scores are unchanged: the statistics are the ones Lucene would have gathered itself.
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
        TermQuery term => Resolved(term).Query,
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

    private DisjunctionMaxQuery Disjunction(DisjunctionMaxQuery disjunction)
    {
        var copy = new DisjunctionMaxQuery(disjunction.TieBreakerMultiplier) { Boost = disjunction.Boost };
        Query? first = null;
        foreach (var disjunct in disjunction.Disjuncts)
        {
            if (disjunct is TermQuery term)
            {
                var (resolved, found) = Resolved(term);
                first ??= resolved;
                if (found) copy.Add(resolved);
            }
            else
            {
                copy.Add(Visit(disjunct));
            }
        }
        // Nothing has any of the alternatives: one of them stands for the slot, matching nothing.
        if (copy.Disjuncts.Count == 0 && first is not null) copy.Add(first);
        return copy;
    }

    private (TermQuery Query, bool Found) Resolved(TermQuery query)
    {
        var term = query.Term;
        var states = new TermContext(_top);
        var enums = Enumerators(term.Field);
        for (var k = 0; k < _leaves.Count; k++)
        {
            var terms = enums[k];
            if (terms is null || !terms.SeekExact(term.Bytes)) continue;
            states.Register(terms.GetTermState(), _leaves[k].Ord, terms.DocFreq, terms.TotalTermFreq);
        }
        return (new TermQuery(term, states) { Boost = query.Boost }, states.DocFreq > 0);
    }

    private TermsEnum?[] Enumerators(string field)
    {
        if (_enums.TryGetValue(field, out var known)) return known;
        var enums = new TermsEnum?[_leaves.Count];
        for (var k = 0; k < _leaves.Count; k++) enums[k] = _leaves[k].AtomicReader.GetTerms(field)?.GetEnumerator();
        return _enums[field] = enums;
    }
}
