using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Checkout;

public sealed record ShippingAndTaxView(IReadOnlyList<ShippingMethodView> ShippingMethods, IReadOnlyList<TaxRateView> TaxRates);

// The admin's shipping and tax tables: 400 naming the field for bad input, 404 for an unknown method or rate; every
// change is audited (GET .../changes).
public static class ShippingAndTaxApi
{
    public static IEndpointRouteBuilder MapShippingAndTaxApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Shipping and tax admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/shipping-and-tax", Get);
        admin.MapGet("/shipping-and-tax/changes", Changes);
        admin.MapPut("/shipping-methods/{code}", SaveMethod);
        admin.MapDelete("/shipping-methods/{code}", DeleteMethod);
        admin.MapPut("/tax-rates/{key}", SaveTaxRate);
        admin.MapDelete("/tax-rates/{key}", DeleteTaxRate);
        return app;
    }

    private static string Actor(HttpContext http) => "admin:" + (http.User.Identity?.Name ?? "unknown");

    private static async Task<Ok<ShippingAndTaxView>> Get(ShippingAndTax rates, CancellationToken ct)
    {
        var card = await rates.CurrentAsync(ct);
        return TypedResults.Ok(new ShippingAndTaxView(card.Methods,
            card.TaxRates.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new TaxRateView(r.Key, r.Value)).ToList()));
    }

    private static async Task<Ok<IReadOnlyList<RateChangeView>>> Changes(ShippingAndTax rates, CancellationToken ct, int take = 100) =>
        TypedResults.Ok(await rates.HistoryAsync(take, ct));

    private static async Task<Results<Ok<ShippingMethodView>, ValidationProblem>> SaveMethod(string code, ShippingMethodInput input,
        ShippingAndTax rates, HttpContext http, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await rates.SaveMethodAsync(code, input, Actor(http), ct));
        }
        catch (RatesInvalid e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMethod(string code, ShippingAndTax rates, HttpContext http, CancellationToken ct) =>
        await rates.DeleteMethodAsync(code, Actor(http), ct) ? TypedResults.NoContent() : ProblemResults.NotFound($"There is no shipping method '{code}'.");

    private static async Task<Results<Ok<TaxRateView>, ValidationProblem>> SaveTaxRate(string key, TaxRateInput input,
        ShippingAndTax rates, HttpContext http, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await rates.SaveTaxRateAsync(key, input, Actor(http), ct));
        }
        catch (RatesInvalid e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTaxRate(string key, ShippingAndTax rates, HttpContext http, CancellationToken ct) =>
        await rates.DeleteTaxRateAsync(key, Actor(http), ct) ? TypedResults.NoContent() : ProblemResults.NotFound($"There is no tax rate for '{key}'.");
}
