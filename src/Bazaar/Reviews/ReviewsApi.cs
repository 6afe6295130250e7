using System.Security.Claims;
using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Reviews;

public sealed record ModerationInput(string? Reason);

public sealed record HelpfulVotes(long ReviewId, int Votes);

public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Reviews");
        api.MapGet("/products/{productId:int}/reviews", List);
        api.MapGet("/products/{productId:int}/reviews/mine", GetMine).RequireAuthorization();
        api.MapPut("/products/{productId:int}/reviews/mine", Write).RequireAuthorization();
        api.MapPost("/reviews/{id:long}/helpful", VoteHelpful).RequireAuthorization();

        var admin = app.MapGroup("/api/admin/reviews").WithTags("Reviews admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/", ListForModeration);
        admin.MapPost("/{id:long}/hide", (long id, ModerationInput? input, Reviews reviews, HttpContext http, CancellationToken ct) =>
            Moderate(() => reviews.HideAsync(id, Moderator(http), input?.Reason, ct)));
        admin.MapPost("/{id:long}/restore", (long id, ModerationInput? input, Reviews reviews, HttpContext http, CancellationToken ct) =>
            Moderate(() => reviews.RestoreAsync(id, Moderator(http), input?.Reason, ct)));
        return app;
    }

    public static ReviewSort? ParseSort(string? sort) => sort switch
    {
        null or "" or "helpful" => ReviewSort.Helpful,
        "newest" => ReviewSort.Newest,
        "highest" => ReviewSort.Highest,
        "lowest" => ReviewSort.Lowest,
        _ => null,
    };

    private static async Task<Results<Ok<ReviewPage>, ValidationProblem, ProblemHttpResult>> List(
        int productId, Reviews reviews, Catalog.Catalog catalog, CancellationToken ct, string? sort = null, int? page = null, int? pageSize = null)
    {
        var order = ParseSort(sort);
        if (order is null) return ProblemResults.Invalid("sort", "The sort must be one of helpful, newest, highest, lowest.");
        if (page is < 1 or > 100_000) return ProblemResults.Invalid("page", "The page must be from 1 to 100000.");
        if (pageSize is < 1 or > Reviews.MaxPageSize) return ProblemResults.Invalid("pageSize", $"The page size must be from 1 to {Reviews.MaxPageSize}.");
        if ((await catalog.GetProductSummariesAsync([productId], ct)).Count == 0) return ProblemResults.NotFound($"There is no product {productId}.");
        return TypedResults.Ok(await reviews.GetPageAsync(productId, order.Value, page ?? 1, pageSize ?? 10, ct));
    }

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> GetMine(int productId, Reviews reviews, HttpContext http, CancellationToken ct) =>
        await reviews.GetMineAsync(productId, CustomerId(http), ct) is { } review
            ? TypedResults.Ok(review)
            : ProblemResults.NotFound($"You have not reviewed product {productId}.");

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> Write(
        int productId, ReviewInput input, Reviews reviews, Accounts.Accounts accounts, HttpContext http, CancellationToken ct)
    {
        var customerId = CustomerId(http);
        var name = (await accounts.FindAsync(customerId))?.DisplayName;
        try
        {
            var author = new ReviewAuthor(customerId, name, ClientAddress.Of(http));
            return TypedResults.Ok(await reviews.WriteAsync(productId, author, input, ct));
        }
        catch (TooManyReviewsFromClient e)
        {
            http.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many reviews.", extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = e.RetryAfterSeconds });
        }
        catch (Exception e) when (ToProblem(e) is { } problem) { return problem; }
    }

    private static async Task<Results<Ok<HelpfulVotes>, ProblemHttpResult>> VoteHelpful(long id, Reviews reviews, HttpContext http, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(new HelpfulVotes(id, await reviews.VoteHelpfulAsync(id, CustomerId(http), ct)));
        }
        catch (Exception e) when (ToProblem(e) is { } problem) { return problem; }
    }

    private static async Task<Results<Ok<ListPage<ReviewView>>, ValidationProblem>> ListForModeration(ReviewList reviews, CancellationToken ct,
        string? status = null, string? rating = null, string? product = null, string? q = null, string? page = null, string? pageSize = null,
        string? sort = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (filter, list) = ReviewList.Parse(status, rating, product, q, page, pageSize, sort, errors);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await reviews.SearchAsync(filter, list, ct));
    }

    private static async Task<Results<Ok<ReviewView>, ProblemHttpResult>> Moderate(Func<Task<ReviewView>> moderate)
    {
        try
        {
            return TypedResults.Ok(await moderate());
        }
        catch (Exception e) when (ToProblem(e) is { } problem) { return problem; }
    }

    // The refusals of the Reviews facade as problem details; anything else is not a refusal.
    private static ProblemHttpResult? ToProblem(Exception e) => e switch
    {
        ReviewInputException input => TypedResults.Problem(input.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { ["errors"] = input.Errors }),
        ReviewNotFound notFound => ProblemResults.NotFound(notFound.Message),
        ProductNotReviewable missing => ProblemResults.NotFound(missing.Message),
        ReviewRefused refused => ProblemResults.Conflict(refused.Message),
        TooManyReviews tooMany => TypedResults.Problem(tooMany.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many reviews."),
        _ => null,
    };

    private static string CustomerId(HttpContext http) =>
        http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? throw new InvalidOperationException("An authorised request has a user id.");

    private static string Moderator(HttpContext http) => "admin:" + (http.User.Identity?.Name ?? "unknown");
}
