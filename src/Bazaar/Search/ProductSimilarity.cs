using Lucene.Net.Search.Similarities;

namespace Bazaar.Search;

// BM25, plus a reward for matching more of the query's words: Lucene's BM25 leaves BooleanQuery's
// coordination factor at 1, so a product matching three of three words could rank under one that repeats
// a single rare word. Set on both the IndexWriterConfig and every IndexSearcher.
public sealed class ProductSimilarity(RankingOptions options) : BM25Similarity(options.K1, options.B)
{
    public override float Coord(int overlap, int maxOverlap) =>
        maxOverlap <= 1 ? 1f : (float)Math.Pow((double)overlap / maxOverlap, options.CoordExponent);
}

// The ranking's weights, in one place so the store and the relevance harness share them.
public sealed record RankingOptions
{
    public static RankingOptions Default { get; } = new();

    public float K1 { get; init; } = 1.2f;
    // Titles are short and their length says little about how much of one a product is about; less length
    // normalisation than the usual 0.75 (relevance-dev NDCG@10 0.4381 at 0.75, 0.4391 at 0.6, 0.4388 at 0.5).
    public float B { get; init; } = 0.6f;
    public double CoordExponent { get; init; } = 1.0;

    public float TitleBoost { get; init; } = 1.0f;
    public float BrandBoost { get; init; } = 0.7f;
    public float ModelBoost { get; init; } = 0.8f;
    public float CategoryBoost { get; init; } = 0.5f;
    public float AttributesBoost { get; init; } = 0.25f;
    public float DescriptionBoost { get; init; } = 0.15f;
    public float CodeBoost { get; init; } = 1.5f;
    public float FieldTieBreaker { get; init; } = 0.1f;
    // A product whose title's head word is the query's (see TitleHead).
    public float HeadBoost { get; init; } = 1.5f;
    // A product whose type is the one the query names ("laptop" asks for Laptops, "laptop lock" for Security
    // Locks): a fixed reward, so a laptop outranks a lock *for* laptops that repeats the word. It only reorders
    // products that match the words, and a title's words score about 5-15, so it must be of that size
    // (bench/catalog-relevance NDCG@10: 0 0.8578, 1.5 0.9074, 6 0.9460, 10 0.9556, 15 0.9565, brand at 4).
    public float TypeBoost { get; init; } = 10f;
    // The share of it for a product whose type was derived from a title keyword only, unconfirmed by its model's
    // phrase, product type, line or attributes (see CategoryClassifier.Confirms).
    public float UnconfirmedTypeShare { get; init; } = 0.5f;
    // What the product is, in words (its leaf category's name and own product type), as a field of the words.
    public float TypeTextBoost { get; init; } = 0.5f;
    // A product of the brand the query names ("hp toner": HP's own toners before the ones made for HP printers,
    // whose titles name HP twice). bench/catalog-relevance NDCG@10 with the type at 10: 4 0.9556, 6 0.9567, 8 0.9567.
    public float BrandMatchBoost { get; init; } = 6f;
    // A query word names a brand when at least this share of the products with the word are that brand's: "hp"
    // does, "case" (in "Case Logic" and in hundreds of titles) does not.
    public double BrandWordShare { get; init; } = 0.5;

    // The words as a phrase, or close together: retuned with `relevance --sweep` after codes and sizes became
    // one slot each (relevance-dev NDCG@10 0.4498 at 0.5 / 0.3, 0.4507 at 0.35 / 0.2; halves +0.0013 / +0.0004).
    public float PhraseBoost { get; init; } = 0.35f;
    public float PairBoost { get; init; } = 0.2f;
    public float ProximityBoost { get; init; } = 0.2f;
    public int ProximitySlop { get; init; } = 4;

    public float StackedWeight { get; init; } = 0.9f;
    // A word matched only through its stem ("lighting" for "light"), in the stemmed copy of the title.
    public float StemWeight { get; init; } = 0.5f;
    // A word matched only nearly: most (GramShare) of its three-letter runs in the title.
    public float GramWeight { get; init; } = 0.5f;
    public double GramShare { get; init; } = 0.7;
    // Only words in fewer than this share of products are also matched nearly: a common word's letter runs are
    // in most titles, costly to search (+40% mean search time) for little (relevance-dev NDCG@10 0.4374 with
    // every word, 0.4368 with this).
    public double NearMatchBelow { get; init; } = 0.02;
    public float CompoundWeight { get; init; } = 0.9f;
    public float SynonymWeight { get; init; } = 0.8f;
    public float OneEditWeight { get; init; } = 0.7f;
    public float TwoEditWeight { get; init; } = 0.45f;
    // Near spellings after the likeliest count this much less: "laminet" is "laminate" before it is "lamont"
    // (relevance-dev NDCG@10 0.4496 -> 0.4498).
    public float LaterSpellingFactor { get; init; } = 0.5f;
    public float StopWordWeight { get; init; } = 0.2f;

    // Most of the query's words must match (see MostWordsShare); false: any one.
    public bool RequireMostWords { get; init; } = true;
    // Of a query of four words or more, this share must match (relevance-dev NDCG@10: 0.7 0.4381, 0.5 0.4388).
    public double MostWordsShare { get; init; } = 0.5;

    // When fewer products than this have most of the words, products with any of them are shown too.
    public int RelaxBelow { get; init; } = 10;

    // A word seen in fewer products than this is checked for a likelier spelling.
    public int RareWordDocs { get; init; } = 3;

    // Near spellings of a rare word weighed against the query's other words; the best few also match.
    public int SpellingCandidates { get; init; } = 5;
    public int SpellingAlternatives { get; init; } = 3;

    // Words this long may be two edits from their spelling; shorter ones one.
    public int TwoEditsFrom { get; init; } = 6;
}
