using System.Globalization;
using System.Text.Json;
using Bazaar.Catalog;
using Bazaar.Inventory;

namespace Bazaar.Web.Components.Shop;

// schema.org Product for a product page (JSON-LD in the head): what search engines show as price, stock and stars.
// The serializer escapes <, > and &, so no catalogue text can close the script element it sits in.
public static class ProductStructuredData
{
    public static string Json(ProductDetails product, StockLevel? stock, string pageUrl, Func<string, string> absolute)
    {
        var data = new Dictionary<string, object?>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Product",
            ["name"] = product.Title,
            ["sku"] = product.Sku,
            ["mpn"] = string.IsNullOrWhiteSpace(product.Model) ? null : product.Model,
            ["gtin13"] = product.Eans.FirstOrDefault(e => e.Length == 13),
            ["brand"] = new Dictionary<string, object?> { ["@type"] = "Brand", ["name"] = product.Brand },
            ["description"] = Bazaar.Content.PageMarkup.Summary(
                string.IsNullOrWhiteSpace(product.Description) ? product.Title : product.Description),
            ["image"] = product.ImageUrls.Count == 0 ? null : product.ImageUrls.Select(absolute).ToList(),
            ["url"] = pageUrl,
            ["offers"] = new Dictionary<string, object?>
            {
                ["@type"] = "Offer",
                ["url"] = pageUrl,
                ["price"] = product.Price.ToString("0.00", CultureInfo.InvariantCulture),
                ["priceCurrency"] = product.Currency,
                ["availability"] = "https://schema.org/" + (stock?.State switch
                {
                    StockState.InStock or StockState.Low => "InStock",
                    StockState.Backorder => "BackOrder",
                    _ => "OutOfStock",
                }),
                ["itemCondition"] = "https://schema.org/NewCondition",
            },
            ["aggregateRating"] = product.ReviewCount == 0 ? null : new Dictionary<string, object?>
            {
                ["@type"] = "AggregateRating",
                ["ratingValue"] = Math.Round(product.Rating, 1),
                ["reviewCount"] = product.ReviewCount,
                ["bestRating"] = 5,
                ["worstRating"] = 1,
            },
        };
        return JsonSerializer.Serialize(data.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value));
    }
}
