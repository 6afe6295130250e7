using System.Security.Claims;
using Bazaar.Cart;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Checkout;

public sealed record CheckoutOptionsView(IReadOnlyList<ShippingMethodView> ShippingMethods, IReadOnlyList<string> Countries);

public sealed record PlacedOrder(long OrderId, string Number, string Outcome, string? Message, bool Replayed);

public static class CheckoutApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/checkout").WithTags("Checkout");
        api.MapGet("/options", GetOptions);
        api.MapPost("/quote", Quote);
        api.MapPost("/", Place);
        api.MapGet("/addresses", ListAddresses).RequireAuthorization();
        return app;
    }

    public static CheckoutShopper ShopperOf(HttpContext http) => new(
        ShopperKeys.For(http),
        http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value,
        http.User.FindFirst(ClaimTypes.Email)?.Value ?? http.User.Identity?.Name,
        ShopperKeys.ActorFor(http),
        ClientAddress.Of(http));

    private static Ok<CheckoutOptionsView> GetOptions(Checkout checkout) => TypedResults.Ok(new CheckoutOptionsView(checkout.ShippingMethods, checkout.Countries));

    private static async Task<Results<Ok<CheckoutQuote>, ValidationProblem>> Quote(QuoteInput input, Checkout checkout, HttpContext http, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await checkout.QuoteAsync(ShopperKeys.For(http), input, ct));
        }
        catch (CheckoutInvalid e) { return ProblemResults.Invalid(e.Errors); }
    }

    // 201 paid; 202 placed, payment not confirmed yet (repeat the request with the same key); 402 placed, card declined
    // (pay again at /api/orders/{id}/payment); 409 a line can no longer be held, the order was cancelled, or the quote
    // confirmed (quoteHash, expectedTotal) is not the one the server would charge now (the new one is in the answer); 422 the key
    // was used for another checkout; 429 too many new orders from this shopper (Retry-After says when to try again).
    // The same key and body always get the same order.
    private static async Task<Results<Created<PlacedOrder>, Accepted<PlacedOrder>, ValidationProblem, ProblemHttpResult>> Place(
        CheckoutInput input, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, Checkout checkout, HttpContext http, CancellationToken ct)
    {
        try
        {
            var result = await checkout.PlaceAsync(ShopperOf(http), idempotencyKey, input, ct);
            if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            var body = new PlacedOrder(result.OrderId, result.Number, result.Outcome.ToString(), result.Message, result.Replayed);
            var location = $"/api/orders/{result.OrderId}";
            return result.Outcome switch
            {
                CheckoutOutcome.Paid => TypedResults.Created(location, body),
                CheckoutOutcome.PaymentPending => TypedResults.Accepted(location, body with { Message = "The order is placed; its payment is not confirmed yet. Repeat the request with the same Idempotency-Key to find out." }),
                CheckoutOutcome.Declined => TypedResults.Problem(
                    $"Order {result.Number} is placed and waits for payment: {result.Message ?? "the card was declined"}. Pay with another card before the order times out.",
                    statusCode: StatusCodes.Status402PaymentRequired, title: "The payment was declined.",
                    extensions: new Dictionary<string, object?> { ["orderId"] = result.OrderId, ["number"] = result.Number, ["payAt"] = $"{location}/payment",
                        ["errors"] = new Dictionary<string, string[]> { ["card"] = [result.Message ?? "The card was declined."] } }),
                _ => TypedResults.Problem($"Order {result.Number} was cancelled before its payment went through; nothing is charged.",
                    statusCode: StatusCodes.Status409Conflict, title: "The order was cancelled.", extensions: new Dictionary<string, object?> { ["orderId"] = result.OrderId }),
            };
        }
        catch (CheckoutInvalid e) { return ProblemResults.Invalid(e.Errors); }
        catch (IdempotencyKeyReused e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The Idempotency-Key was used for another request.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyHeader] = [e.Message] } });
        }
        catch (CheckoutLinesUnavailable e) { return LinesUnavailable(e); }
        catch (CheckoutQuoteChanged e) { return QuoteChanged(e); }
        catch (CheckoutRateLimited e)
        {
            http.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many checkouts.",
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = e.RetryAfterSeconds });
        }
    }

    // 409 with the quote as it is now: its total to show, its hash to confirm it with.
    public static ProblemHttpResult QuoteChanged(CheckoutQuoteChanged e) =>
        TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The total has changed.",
            extensions: new Dictionary<string, object?>
            {
                ["total"] = e.Current.Total, ["currency"] = e.Current.Currency, ["quote"] = e.Current,
                ["errors"] = new Dictionary<string, string[]> { ["quoteHash"] = [e.Message] },
            });

    public static ProblemHttpResult LinesUnavailable(CheckoutLinesUnavailable e) =>
        TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Some items can no longer be held.",
            extensions: new Dictionary<string, object?>
            {
                ["lines"] = e.Lines.Select(l => new { l.Sku, l.Requested, l.Held, l.Available, l.Reason, Message = CheckoutLinesUnavailable.Describe(l) }).ToList(),
                ["errors"] = e.Lines.ToDictionary(l => $"lines.{l.Sku}", l => new[] { CheckoutLinesUnavailable.Describe(l) }),
            });

    private static async Task<Ok<IReadOnlyList<ShippingAddress>>> ListAddresses(Checkout checkout, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await checkout.ListAddressesAsync(http.User.FindFirst(ClaimTypes.NameIdentifier)!.Value, ct));
}
