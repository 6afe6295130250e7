namespace Bazaar.Catalog;

public sealed class Product
{
    public int Id { get; set; }
    public required string Sku { get; set; }
    public required string Slug { get; set; }

    // The id the product has in the catalogue it was imported from; re-imports match on it.
    public string? ExternalId { get; set; }
    public required string Brand { get; set; }
    public string Model { get; set; } = "";
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    public decimal Price { get; set; }
    public string Currency { get; set; } = "USD";
    public DateOnly? ReleasedOn { get; set; }
    public int CategoryId { get; set; }
    public Category? Category { get; set; }
    public List<string> Eans { get; set; } = [];
    public List<string> ImageUrls { get; set; } = [];
    public List<ProductAttribute> Attributes { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Published reviews' mean and count, kept here by the Reviews module (Catalog.SetRatingAsync) so listings,
    // the API and the search index read them with the product.
    public double RatingAverage { get; set; }
    public int RatingCount { get; set; }
}

public enum AttributeKind
{
    Text,
    Number,
    Boolean,
}

// One row of the specification table: a typed key/value.
public sealed class ProductAttribute
{
    public int ProductId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public AttributeKind Kind { get; set; }
    public string? Text { get; set; }
    public double? Number { get; set; }
    public bool? Boolean { get; set; }

    public string DisplayValue => Kind switch
    {
        AttributeKind.Number => Number?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        AttributeKind.Boolean => Boolean == true ? "Yes" : "No",
        _ => Text ?? "",
    };
}
