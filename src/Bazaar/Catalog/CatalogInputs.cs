using System.Text.RegularExpressions;

namespace Bazaar.Catalog;

public sealed record AttributeInput(string? Key, string? Name, string? Kind, string? Value);

public sealed record ProductInput(
    string? Sku,
    string? Title,
    string? Brand,
    string? Model,
    string? Description,
    decimal? Price,
    string? Currency,
    int? CategoryId,
    DateOnly? ReleasedOn,
    IReadOnlyList<string>? Eans,
    IReadOnlyList<string>? ImageUrls,
    IReadOnlyList<AttributeInput>? Attributes);

public sealed record CategoryInput(string? Name, int? ParentId, int? Position);

internal static partial class CatalogRules
{
    public const decimal MaxPrice = 1_000_000m;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[0-9]{8,14}$")]
    private static partial Regex EanPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^[a-z0-9_]{1,100}$")]
    private static partial Regex AttributeKeyPattern();

    public static Dictionary<string, string[]> Check(ProductInput input)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(input.Sku)) Fail("sku", "The SKU is required.");
        else if (!SkuPattern().IsMatch(input.Sku)) Fail("sku", "The SKU must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");

        if (string.IsNullOrWhiteSpace(input.Title)) Fail("title", "The title is required.");
        else if (input.Title.Length > 400) Fail("title", "The title must be at most 400 characters.");

        if (string.IsNullOrWhiteSpace(input.Brand)) Fail("brand", "The brand is required.");
        else if (input.Brand.Length > 120) Fail("brand", "The brand must be at most 120 characters.");

        if (input.Model is { Length: > 200 }) Fail("model", "The model must be at most 200 characters.");
        if (input.Description is { Length: > 4000 }) Fail("description", "The description must be at most 4000 characters.");

        if (input.Price is not { } price) Fail("price", "The price is required.");
        else if (price < 0) Fail("price", "The price must not be negative.");
        else if (price > MaxPrice) Fail("price", $"The price must be at most {MaxPrice}.");
        else if (decimal.Round(price, 2) != price) Fail("price", "The price must have at most two decimal places.");

        if (input.Currency is not null && !CurrencyPattern().IsMatch(input.Currency)) Fail("currency", "The currency must be a three-letter ISO 4217 code such as USD.");

        if (input.CategoryId is null) Fail("categoryId", "The category is required.");

        foreach (var ean in input.Eans ?? [])
            if (ean is null || !EanPattern().IsMatch(ean)) Fail("eans", $"'{ean}' is not an EAN/GTIN (8 to 14 digits).");

        foreach (var url in input.ImageUrls ?? [])
            if ((!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                && !(url is not null && ProductImages.IsStoredUrl(url)))
                Fail("imageUrls", $"'{url}' is not an absolute http(s) URL (nor a picture uploaded here, /media/...).");

        var keys = new HashSet<string>();
        foreach (var (a, i) in (input.Attributes ?? []).Select((a, i) => (a, i)))
        {
            var field = $"attributes[{i}]";
            if (a is null) { Fail(field, "The attribute is empty."); continue; }
            if (a.Key is null || !AttributeKeyPattern().IsMatch(a.Key)) Fail(field + ".key", "The key must be 1-100 lower-case letters, digits or '_'.");
            else if (!keys.Add(a.Key)) Fail(field + ".key", $"The key '{a.Key}' appears twice.");
            if (a.Value is null) Fail(field + ".value", "The value is required.");
            else if (a.Value.Length > 2000) Fail(field + ".value", "The value must be at most 2000 characters.");
            switch (ParseKind(a.Kind))
            {
                case null: Fail(field + ".kind", "The kind must be text, number or boolean."); break;
                case AttributeKind.Number when a.Value is not null && !double.TryParse(a.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _):
                    Fail(field + ".value", $"'{a.Value}' is not a number."); break;
                case AttributeKind.Boolean when a.Value is not null && !bool.TryParse(a.Value, out _):
                    Fail(field + ".value", $"'{a.Value}' is not true or false."); break;
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    public static Dictionary<string, string[]> Check(CategoryInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name)) errors["name"] = ["The name is required."];
        else if (input.Name.Length > 120) errors["name"] = ["The name must be at most 120 characters."];
        if (input.Position is < 0) errors["position"] = ["The position must not be negative."];
        return errors;
    }

    public static AttributeKind? ParseKind(string? kind) => kind?.ToLowerInvariant() switch
    {
        null or "text" => AttributeKind.Text,
        "number" => AttributeKind.Number,
        "boolean" or "bool" => AttributeKind.Boolean,
        _ => null,
    };

    public static ProductAttribute ToAttribute(AttributeInput a)
    {
        var kind = ParseKind(a.Kind)!.Value;
        var name = string.IsNullOrWhiteSpace(a.Name) ? Slug.Humanize(a.Key!) : a.Name.Trim();
        return kind switch
        {
            AttributeKind.Number => new ProductAttribute { Key = a.Key!, Name = name, Kind = kind, Number = double.Parse(a.Value!, System.Globalization.CultureInfo.InvariantCulture) },
            AttributeKind.Boolean => new ProductAttribute { Key = a.Key!, Name = name, Kind = kind, Boolean = bool.Parse(a.Value!) },
            _ => new ProductAttribute { Key = a.Key!, Name = name, Kind = kind, Text = a.Value },
        };
    }
}
