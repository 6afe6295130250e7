using System.Globalization;
using System.Text;
using Bazaar.Catalog;
using Lucene.Net.Documents;
using Lucene.Net.Util;

namespace Bazaar.Search;

// What the index knows about a product: text to match, values to filter, facet and sort on, and what a
// result shows. Stock is deliberately absent: it is read from the database for every page of results.
public sealed record SearchDocument(
    int ProductId,
    string Sku,
    string Slug,
    string Title,
    string Brand,
    string Model,
    string Description,
    decimal Price,
    string Currency,
    DateOnly? ReleasedOn,
    string? ImageUrl,
    IReadOnlyList<CategoryCrumb> CategoryPath,
    IReadOnlyList<SearchAttribute> Attributes,
    IReadOnlyList<string> Eans,
    double Rating = 0)
{
    // A bare title, as the relevance harness indexes its products.
    public static SearchDocument FromTitle(int id, string title) =>
        new(id, id.ToString(CultureInfo.InvariantCulture), "", title, "", "", "", 0, "USD", null, null, [], [], []);
}

public sealed record SearchAttribute(string Key, string Name, string Value, bool IsText);

public static class SearchFields
{
    public const string Id = "id";
    public const string IdValue = "id_dv";
    public const string Title = "title";
    // The title's head word (see TitleHead).
    public const string Head = "head";
    // The title again, stemmed harder (see ProductAnalyzer).
    public const string TitleStem = "title_stem";
    // The title's words as runs of three letters (see ProductAnalyzer).
    public const string TitleGrams = "title_grams";
    // The product's type: its leaf category's path ("Computers > Laptops"), as the import derived it from the
    // title, attr_t_product_type and the product line (see CategoryClassifier). A query's type is read the same way.
    public const string Type = "type";
    // The type again when the product's own evidence confirms it (CategoryClassifier.Confirms).
    public const string ConfirmedType = "type_sure";
    // What the product is, in words: its leaf category's name and its own product type ("Laptops. Notebook").
    public const string TypeText = "type_text";
    public const string Brand = "brand";
    public const string BrandValue = "brand_dv";
    public const string Model = "model";
    public const string Category = "category";
    public const string Attributes = "attrs";
    public const string Description = "description";
    public const string Codes = "codes";
    // Everything a shopper might type, in one field: spelling corrections and autocomplete come from here.
    public const string Vocabulary = "vocab";
    public const string CategoryIds = "cat";
    public const string CategoryValues = "cat_dv";
    public const string AttributeValues = "attr_dv";
    public const string AttributeKeys = "attr_key_dv";
    public const string AttributeNames = "attr_name_dv";
    public const string PriceCents = "price_dv";
    public const string Released = "released_dv";
    public const string Rating = "rating_dv";
    // The title's length in words, numbers and units (stacked forms not counted): the relevance tie-break.
    public const string TitleLength = "title_len_dv";
    public const string Stored = "doc";

    // Separates an attribute's key from its value in doc values ("cable_colour\u001fRed").
    public const char KeySeparator = '\u001f';

    public static bool JoinsPairs(string field) => field is Title or Category or Brand;

    // A code as the codes field holds it: lower case, letters and digits only ("SC-141" -> "sc141").
    public static string Compact(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }
}

internal static class SearchDocuments
{
    // Attribute values longer than this are prose (compatibility lists, notes), not something to filter on.
    private const int MaxFacetValueLength = 40;

    // The attribute a supplier names the product's type with (Icecat's attr_t_product_type: "Notebook").
    private const string ProductTypeKey = "product_type";

    public static string TypePath(IEnumerable<string> names) => string.Join(" > ", names);

    public static Document ToLucene(SearchDocument p)
    {
        var id = p.ProductId.ToString(CultureInfo.InvariantCulture);
        var doc = new Document
        {
            new StringField(SearchFields.Id, id, Field.Store.YES),
            new NumericDocValuesField(SearchFields.IdValue, p.ProductId),
            new TextField(SearchFields.Title, p.Title, Field.Store.NO),
            new NumericDocValuesField(SearchFields.TitleLength, TitleWords(p.Title)),
            new TextField(SearchFields.Head, TitleHead.Of(p.Title), Field.Store.NO),
            new TextField(SearchFields.TitleStem, p.Title, Field.Store.NO),
            new TextField(SearchFields.TitleGrams, p.Title, Field.Store.NO),
            new TextField(SearchFields.Brand, p.Brand, Field.Store.NO),
            new SortedDocValuesField(SearchFields.BrandValue, new BytesRef(p.Brand)),
            new TextField(SearchFields.Model, p.Model, Field.Store.NO),
            new TextField(SearchFields.Category, string.Join(" / ", p.CategoryPath.Select(c => c.Name)), Field.Store.NO),
            new TextField(SearchFields.Description, p.Description, Field.Store.NO),
            new TextField(SearchFields.Attributes, string.Join(" . ", p.Attributes.Where(a => a.IsText).Select(a => a.Value)), Field.Store.NO),
            new TextField(SearchFields.Vocabulary, string.Join(" . ", [p.Title, p.Brand, p.Model, .. p.CategoryPath.Select(c => c.Name)]), Field.Store.NO),
            new NumericDocValuesField(SearchFields.PriceCents, (long)decimal.Round(p.Price * 100)),
            new NumericDocValuesField(SearchFields.Released, p.ReleasedOn?.DayNumber ?? 0),
            new NumericDocValuesField(SearchFields.Rating, (long)Math.Round(p.Rating * 100)),
            new StoredField(SearchFields.Stored, Stored.Write(p)),
        };
        foreach (var code in new[] { p.Sku, p.Model }.Concat(p.Eans).Select(SearchFields.Compact).Where(c => c.Length >= 3).Distinct(StringComparer.Ordinal))
            doc.Add(new StringField(SearchFields.Codes, code, Field.Store.NO));
        if (p.CategoryPath.Count > 0)
        {
            var typePath = TypePath(p.CategoryPath.Select(c => c.Name));
            doc.Add(new StringField(SearchFields.Type, typePath, Field.Store.NO));
            if (IsConfirmed(p, typePath)) doc.Add(new StringField(SearchFields.ConfirmedType, typePath, Field.Store.NO));
            var ownType = p.Attributes.FirstOrDefault(a => a.Key == ProductTypeKey)?.Value;
            doc.Add(new TextField(SearchFields.TypeText, ownType is null ? p.CategoryPath[^1].Name : $"{p.CategoryPath[^1].Name} . {ownType}", Field.Store.NO));
        }
        foreach (var crumb in p.CategoryPath)
        {
            var categoryId = crumb.Id.ToString(CultureInfo.InvariantCulture);
            doc.Add(new StringField(SearchFields.CategoryIds, categoryId, Field.Store.NO));
            doc.Add(new SortedSetDocValuesField(SearchFields.CategoryValues, new BytesRef(categoryId)));
        }
        foreach (var attribute in p.Attributes)
        {
            var value = attribute.Value.Trim();
            if (value.Length == 0 || value.Length > MaxFacetValueLength || value.Contains('\n', StringComparison.Ordinal)) continue;
            doc.Add(new SortedSetDocValuesField(SearchFields.AttributeValues, new BytesRef(attribute.Key + SearchFields.KeySeparator + value)));
            doc.Add(new SortedSetDocValuesField(SearchFields.AttributeKeys, new BytesRef(attribute.Key)));
            doc.Add(new SortedSetDocValuesField(SearchFields.AttributeNames, new BytesRef(attribute.Key + SearchFields.KeySeparator + attribute.Name)));
        }
        return doc;
    }

    private static bool IsConfirmed(SearchDocument p, string typePath)
    {
        var classifier = CategoryClassifier.Default;
        if (classifier.FindLeaf(typePath) is not { } leaf) return false;
        return classifier.Confirms(p.Sku, p.Slug, p.Brand, p.Model, p.Title,
            p.Attributes.Where(a => a.IsText).Select(a => (a.Key, a.Name, a.Value)), leaf);
    }

    private static int TitleWords(string title)
    {
        var tokens = new List<ProductTokenizer.RawToken>();
        ProductTokenizer.Tokenize(title, tokens);
        return tokens.Count(t => t.PositionIncrement > 0);
    }

    // What a result shows, kept with the document so a page of results needs no catalogue query.
    internal static class Stored
    {
        public static string Write(SearchDocument p) => string.Join('\u001e',
            p.Sku, p.Slug, p.Title, p.Brand, p.Price.ToString(CultureInfo.InvariantCulture), p.Currency, p.ImageUrl ?? "",
            p.CategoryPath.Count == 0 ? "0" : p.CategoryPath[^1].Id.ToString(CultureInfo.InvariantCulture));

        public static StoredProduct Read(int productId, string value)
        {
            var f = value.Split('\u001e');
            return new StoredProduct(productId, f[0], f[1], f[2], f[3], decimal.Parse(f[4], CultureInfo.InvariantCulture), f[5],
                f[6].Length == 0 ? null : f[6], int.Parse(f[7], CultureInfo.InvariantCulture));
        }
    }
}

internal sealed record StoredProduct(int Id, string Sku, string Slug, string Title, string Brand, decimal Price, string Currency, string? ImageUrl, int CategoryId)
{
    // The title as the query analyzer reads it, worked out once per stored product (segments cache these):
    // every search highlights its page's titles, and analysing them again was a twentieth of a search.
    public IReadOnlyList<AnalyzedToken> TitleTokens => field ??= ProductAnalyzer.Query.Analyze(Title);
}
