using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Bazaar.Search;

// A term that stands in for a query word it is not (a synonym, a near spelling of a word the catalogue lacks, or
// a compound of it and its neighbour). TermLookup scores it with the word's rarity, never its own: a rare
// stand-in would otherwise outrank the word itself ("cord" above "cable", "tour" above "toner" for "tonr",
// the brand "SnapFence" above snap-in fences for "snap fence").
internal sealed class StandInTermQuery(Term term) : TermQuery(term);
