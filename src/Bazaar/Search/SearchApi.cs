using System.Globalization;
using System.Text.RegularExpressions;
using Bazaar.Accounts;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Bazaar.Search;

public static partial class SearchApi
{
    // The text as the engine reads it (the page shows what was searched in this form).
    public static string Normalize(string? text) => SearchEngine.Normalize(text);

    // Longer input is refused; up to this, the first SearchQueryBuilder.MaxQueryLength characters are searched.
    public const int MaxInputLength = 1000;
    private const int MaxValuesPerFacet = 20;
    public const string AttributePrefix = "attr.";

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/search").WithTags("Search");
        api.MapGet("", Search).AddOpenApiOperationTransformer(SearchParameters.Describe);
        api.MapGet("/suggest", Suggest);
        api.MapPost("/events", RecordEvent);

        var admin = app.MapGroup("/api/admin/search").WithTags("Search admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/status", Status);
        admin.MapGet("/analytics", Analytics);
        admin.MapPost("/reindex", Reindex);
        admin.MapGet("/synonyms", ListSynonyms);
        admin.MapPost("/synonyms", AddSynonym);
        admin.MapDelete("/synonyms/{id:int}", RemoveSynonym);
        return app;
    }

    private static async Task<Results<Ok<SearchResult>, ValidationProblem, ProblemHttpResult>> Search(
        HttpRequest http, ProductSearch search, SearchAnalytics analytics, Catalog.Catalog catalog, CancellationToken ct)
    {
        var (request, errors) = await ParseAsync(http.Query, catalog, ct);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        try
        {
            var result = await search.SearchAsync(request!, ct);
            analytics.RecordSearch(request!, result.Total, Accounts.Shopper.Of(http.HttpContext).Key);
            return TypedResults.Ok(result);
        }
        catch (SearchIndexUnavailableException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search is starting.");
        }
    }

    private static async Task<Results<Ok<Suggestions>, ValidationProblem, ProblemHttpResult>> Suggest(ProductSearch search, CancellationToken ct, string? q = null)
    {
        if (q is { Length: > MaxInputLength }) return ProblemResults.Invalid("q", $"The query must be at most {MaxInputLength} characters.");
        try
        {
            return TypedResults.Ok(await search.SuggestAsync(q, ct));
        }
        catch (SearchIndexUnavailableException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search is starting.");
        }
    }

    // Reads a search from query values (the API's and the search page's URLs alike). Every bad value is named.
    public static async Task<(SearchRequest? Request, Dictionary<string, string[]> Errors)> ParseAsync(IQueryCollection query, Catalog.Catalog catalog, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var text = query["q"].ToString();
        if (text.Length > MaxInputLength) errors["q"] = [$"The query must be at most {MaxInputLength} characters."];

        var sort = ParseSort(query["sort"]);
        if (sort is null) errors["sort"] = ["The sort must be one of relevance, price-asc, price-desc, rating, newest."];
        var size = PositiveNumber(query["pageSize"], 24, "pageSize", errors);
        if (size > SearchRequest.MaxPageSize) errors["pageSize"] = [$"The page size must be at most {SearchRequest.MaxPageSize}."];
        var page = PositiveNumber(query["page"], 1, "page", errors);
        if (!errors.ContainsKey("pageSize") && (long)page * size > SearchRequest.MaxDepth)
            errors["page"] = [$"Results go {SearchRequest.MaxDepth} deep: with {size} a page, the page must be at most {SearchRequest.MaxDepth / size}."];

        var categories = new List<int>();
        foreach (var value in Values(query["category"], "category", errors))
        {
            var node = await catalog.FindCategoryAsync(value, ct);
            if (node is null) errors["category"] = [$"No category '{value}'."];
            else if (!categories.Contains(node.Id)) categories.Add(node.Id);
        }

        var brands = Values(query["brand"], "brand", errors).Where(b => b.Length <= 120).Distinct(StringComparer.Ordinal).ToList();

        var prices = new List<PriceRange>();
        foreach (var value in Values(query["price"], "price", errors))
        {
            if (PriceRange.TryParse(value, out var range)) { if (!prices.Contains(range)) prices.Add(range); }
            else errors["price"] = [$"'{value}' is not a price range such as 25-50, -25 or 1000-."];
        }

        int? rating = null;
        if (!StringValues.IsNullOrEmpty(query["rating"]))
        {
            if (int.TryParse(query["rating"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var stars) && stars is >= 1 and <= 5) rating = stars;
            else errors["rating"] = ["The rating must be a whole number of stars from 1 to 5."];
        }

        var inStock = false;
        if (!StringValues.IsNullOrEmpty(query["inStock"]))
        {
            if (bool.TryParse(query["inStock"].ToString(), out var flag)) inStock = flag;
            else errors["inStock"] = ["inStock must be true or false."];
        }

        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in query.Where(q => q.Key.StartsWith(AttributePrefix, StringComparison.Ordinal)))
        {
            var key = name[AttributePrefix.Length..];
            if (!AttributeKey().IsMatch(key)) { errors[name] = ["An attribute filter is attr.<key>, the key 1-100 lower-case letters, digits or '_'."]; continue; }
            var chosen = Values(values, name, errors).Distinct(StringComparer.Ordinal).ToList();
            if (chosen.Count > 0) attributes[key] = chosen;
        }
        if (attributes.Count > FacetCollector.MaxAttributeFilters)
            errors["attr"] = [$"At most {FacetCollector.MaxAttributeFilters} attributes can be filtered on at once."];

        if (errors.Count > 0) return (null, errors);
        var filters = new SearchFilters
        {
            Categories = categories,
            Brands = brands,
            Prices = prices,
            MinRating = rating,
            InStock = inStock,
            Attributes = attributes,
        };
        return (new SearchRequest(text, filters, sort!.Value, page, size), errors);
    }

    private static List<string> Values(StringValues raw, string field, Dictionary<string, string[]> errors)
    {
        var values = raw.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        if (values.Count > MaxValuesPerFacet) errors[field] = [$"At most {MaxValuesPerFacet} values of {field} at once."];
        return values;
    }

    private static int PositiveNumber(StringValues raw, int fallback, string field, Dictionary<string, string[]> errors)
    {
        if (StringValues.IsNullOrEmpty(raw)) return fallback;
        if (int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1) return value;
        errors[field] = [$"The {field} must be a whole number of at least 1."];
        return fallback;
    }

    public static SearchSort? ParseSort(string? sort) => sort switch
    {
        null or "" or "relevance" => SearchSort.Relevance,
        "price-asc" => SearchSort.PriceAsc,
        "price-desc" => SearchSort.PriceDesc,
        "rating" => SearchSort.Rating,
        "newest" => SearchSort.Newest,
        _ => null,
    };

    public static string SortName(SearchSort sort) => sort switch
    {
        SearchSort.PriceAsc => "price-asc",
        SearchSort.PriceDesc => "price-desc",
        SearchSort.Rating => "rating",
        SearchSort.Newest => "newest",
        _ => "relevance",
    };

    [GeneratedRegex("^[a-z0-9_]{1,100}$")]
    private static partial Regex AttributeKey();

    public sealed record SearchEventInput(string? SearchId, int? ProductId, int? Position, string? Kind);

    // A client that shows results itself (an app, another front end) reports what the shopper did with one: "open"
    // or "cart", with the searchId its search returned and the result's place (1 = first).
    private static Results<Accepted, ValidationProblem> RecordEvent(SearchEventInput input, SearchAnalytics analytics)
    {
        var errors = new Dictionary<string, string[]>();
        if (!SearchAnalytics.IsId(input.SearchId)) errors["searchId"] = ["The searchId must be the one a search returned (16 hex digits)."];
        if (input.ProductId is not > 0) errors["productId"] = ["The productId must be a product's id."];
        if (input.Position is not (>= 1 and <= SearchRequest.MaxDepth))
            errors["position"] = [$"The position must be the result's place, from 1 to {SearchRequest.MaxDepth}."];
        if (input.Kind is not ("open" or "cart")) errors["kind"] = ["The kind must be open or cart."];
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        if (input.Kind == "open") analytics.RecordOpen(input.SearchId!, input.ProductId!.Value, input.Position!.Value);
        else analytics.RecordCartAdd(input.SearchId!, input.ProductId!.Value, input.Position!.Value);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<Ok<SearchAnalyticsReport>, ValidationProblem>> Analytics(
        SearchAnalytics analytics, BazaarDb db, CancellationToken ct, string? from = null, string? to = null)
    {
        var (first, last, errors) = analytics.ParsePeriod(from, to);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await analytics.ReportAsync(db, first, last, ct));
    }

    private static async Task<Ok<SearchIndexStatus>> Status(SearchIndexer indexer, BazaarDb db, CancellationToken ct) =>
        TypedResults.Ok(await indexer.GetStatusAsync(db, ct));

    private static Accepted Reindex(SearchIndexer indexer)
    {
        indexer.RequestRebuild();
        return TypedResults.Accepted("/api/admin/search/status");
    }

    private static async Task<Ok<SynonymsView>> ListSynonyms(SearchSynonyms synonyms, BazaarDb db, CancellationToken ct) =>
        TypedResults.Ok(new SynonymsView(synonyms.Configured, await synonyms.ListAsync(db, ct)));

    public sealed record SynonymInput(string? Rule);

    public sealed record SynonymsView(IReadOnlyList<string> Configured, IReadOnlyList<SynonymRuleView> Added);

    private static async Task<Results<Created<SynonymRuleView>, ValidationProblem>> AddSynonym(SynonymInput input, SearchSynonyms synonyms, BazaarDb db, CancellationToken ct)
    {
        try
        {
            var rule = await synonyms.AddAsync(db, input.Rule ?? "", ct);
            return TypedResults.Created($"/api/admin/search/synonyms/{rule.Id}", rule);
        }
        catch (InvalidSynonymException e) { return ProblemResults.Invalid("rule", e.Message); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveSynonym(int id, SearchSynonyms synonyms, BazaarDb db, CancellationToken ct)
    {
        try { await synonyms.RemoveAsync(db, id, ct); return TypedResults.NoContent(); }
        catch (KeyNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }
}
