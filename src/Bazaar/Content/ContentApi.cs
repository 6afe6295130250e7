using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Content;

public static class ContentApi
{
    public static IEndpointRouteBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pages", async (StorePages pages, CancellationToken ct) => TypedResults.Ok(await pages.ListAsync(ct))).WithTags("Pages");
        app.MapGet("/api/pages/{slug}", Get).WithTags("Pages");
        app.MapPut("/api/admin/pages/{slug}", Save).WithTags("Pages admin").RequireAuthorization(Roles.Admin);
        return app;
    }

    private static async Task<Results<Ok<StorePageView>, ProblemHttpResult>> Get(string slug, StorePages pages, CancellationToken ct) =>
        await pages.GetAsync(slug, ct) is { } page ? TypedResults.Ok(page) : ProblemResults.NotFound($"There is no page '{slug}'.");

    private static async Task<Results<Ok<StorePageView>, ValidationProblem, ProblemHttpResult>> Save(string slug, StorePageInput input,
        StorePages pages, HttpContext http, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await pages.SaveAsync(slug, input, "admin:" + (http.User.Identity?.Name ?? "unknown"), ct));
        }
        catch (StorePageInputException e) { return ProblemResults.Invalid(e.Errors); }
        catch (KeyNotFoundException e) { return ProblemResults.NotFound(e.Message); }
    }
}
