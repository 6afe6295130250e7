using Bazaar.Accounts;
using Bazaar.Catalog;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Recommendations;

public sealed record ViewedInput(int? ProductId);

public sealed record BuilderStatus(long LastOrderId, DateTimeOffset? RebuiltAt, int Products, int Pairs);

public static class RecommendationsApi
{
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Recommendations");
        api.MapGet("/recently-viewed", RecentlyViewed);
        api.MapPost("/recently-viewed", RecordView);
        api.MapDelete("/recently-viewed", ClearRecentlyViewed);
        api.MapGet("/products/{productId:int}/also-bought", AlsoBought);
        api.MapGet("/recommendations/home", Home);

        var admin = app.MapGroup("/api/admin/recommendations").WithTags("Recommendations admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/", Status);
        admin.MapPost("/rebuild", Rebuild);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ProductSummary>>> RecentlyViewed(Recommendations recommendations, Shopper shopper, CancellationToken ct) =>
        TypedResults.Ok(await recommendations.RecentlyViewedAsync(shopper.Key, ct));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RecordView(
        ViewedInput input, Recommendations recommendations, Catalog.Catalog catalog, Shopper shopper, CancellationToken ct)
    {
        if (input.ProductId is not { } productId) return ProblemResults.Invalid("productId", "The product id is required.");
        if ((await catalog.GetProductSummariesAsync([productId], ct)).Count == 0) return ProblemResults.NotFound($"There is no product {productId}.");
        await recommendations.RecordViewAsync(shopper.Key, productId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ClearRecentlyViewed(Recommendations recommendations, Shopper shopper, CancellationToken ct)
    {
        await recommendations.ClearRecentlyViewedAsync(shopper.Key, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<ProductSummary>>, ProblemHttpResult>> AlsoBought(
        int productId, Recommendations recommendations, Catalog.Catalog catalog, CancellationToken ct)
    {
        if ((await catalog.GetProductSummariesAsync([productId], ct)).Count == 0) return ProblemResults.NotFound($"There is no product {productId}.");
        return TypedResults.Ok(await recommendations.AlsoBoughtAsync(productId, ct: ct));
    }

    private static async Task<Ok<IReadOnlyList<ProductShelf>>> Home(Recommendations recommendations, Shopper shopper, CancellationToken ct) =>
        TypedResults.Ok(await recommendations.HomeShelvesAsync(shopper.Key, ct: ct));

    private static async Task<Ok<BuilderStatus>> Status(AlsoBoughtBuilder builder, CancellationToken ct)
    {
        var (last, rebuiltAt, products, pairs) = await builder.StatusAsync(ct);
        return TypedResults.Ok(new BuilderStatus(last, rebuiltAt, products, pairs));
    }

    // Rebuilds from every order now, on this node, and answers with the result.
    private static async Task<Ok<BuilderStatus>> Rebuild(AlsoBoughtBuilder builder, RecommendationJobs jobs, CancellationToken ct)
    {
        await builder.RequestRebuildAsync(ct);
        await jobs.CatchUpAsync(ct);
        return await Status(builder, ct);
    }
}
