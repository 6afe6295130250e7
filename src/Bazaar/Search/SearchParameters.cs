using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bazaar.Search;

// The search endpoint reads its query string itself (SearchApi.ParseAsync, shared with the search page), so the
// OpenAPI document would list none of its parameters: they are described here, next to the endpoint.
internal static class SearchParameters
{
    private static readonly (string Name, JsonSchemaType Type, bool Repeats, string Description)[] All =
    [
        ("q", JsonSchemaType.String, false, $"The words to search for, as a shopper types them (at most {SearchApi.MaxInputLength} "
            + "characters). Never parsed as query syntax; text with no letter or digit is the empty query, which lists every product."),
        ("sort", JsonSchemaType.String, false, "relevance (default), price-asc, price-desc, rating or newest."),
        ("page", JsonSchemaType.Integer, false, $"The page of results, from 1 (default 1); page x pageSize is at most {SearchRequest.MaxDepth}."),
        ("pageSize", JsonSchemaType.Integer, false, $"Results per page, 1 to {SearchRequest.MaxPageSize} (default 24)."),
        ("category", JsonSchemaType.String, true, "A category's slug or id; repeat for several (products in any of them, and in their subcategories)."),
        ("brand", JsonSchemaType.String, true, "A brand name as the brand facet lists it; repeat for several."),
        ("price", JsonSchemaType.String, true, "A price range: 25-50, -25 (up to 25) or 1000- (1000 and up); repeat for several."),
        ("rating", JsonSchemaType.Integer, false, "Only products rated at least this many stars (1 to 5)."),
        ("inStock", JsonSchemaType.Boolean, false, "true for products that can be bought now."),
        ($"{SearchApi.AttributePrefix}{{key}}", JsonSchemaType.String, true, $"An attribute filter: {SearchApi.AttributePrefix}<key>=<value>, the key "
            + $"as the attribute facets name it (e.g. {SearchApi.AttributePrefix}printing_colours=Black); repeat for several values."),
    ];

    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Parameters ??= [];
        foreach (var (name, type, repeats, description) in All)
        {
            var schema = new OpenApiSchema { Type = type };
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = description,
                Schema = repeats ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema,
            });
        }
        return Task.CompletedTask;
    }
}
