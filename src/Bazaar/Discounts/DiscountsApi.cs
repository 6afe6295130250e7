using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Discounts;

// The admin's coupons: PUT creates or changes one by its code (400 naming the field for bad input).
public static class DiscountsApi
{
    public static IEndpointRouteBuilder MapDiscountsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/coupons").WithTags("Coupons admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/", List);
        admin.MapGet("/{code}", Get);
        admin.MapPut("/{code}", Save);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<CouponView>>> List(Coupons coupons, CancellationToken ct) => TypedResults.Ok(await coupons.ListAsync(ct));

    private static async Task<Results<Ok<CouponView>, ProblemHttpResult>> Get(string code, Coupons coupons, CancellationToken ct) =>
        await coupons.GetAsync(code, ct) is { } coupon ? TypedResults.Ok(coupon) : ProblemResults.NotFound($"There is no coupon '{code}'.");

    private static async Task<Results<Ok<CouponView>, ValidationProblem>> Save(string code, CouponInput input, Coupons coupons, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await coupons.SaveAsync(code, input, ct));
        }
        catch (CouponInvalid e) { return ProblemResults.Invalid(e.Errors); }
    }
}
