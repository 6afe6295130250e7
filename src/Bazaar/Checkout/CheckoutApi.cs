using System.Security.Claims;
using Bazaar.Accounts;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Checkout;

public sealed record CheckoutOptionsView(IReadOnlyList<ShippingMethodView> ShippingMethods, IReadOnlyList<string> Countries);

// PaymentUrl: the gateway's page where the shopper pays (AwaitingPayment only); the card goes there, never here.
public sealed record PlacedOrder(long OrderId, string Number, string Outcome, string? PaymentUrl, string? Message, bool Replayed);

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
        app.MapGet("/checkout/return/{orderId:long}", Return).ExcludeFromDescription();
        app.MapPaymentWebhook();
        return app;
    }

    private static async Task<Ok<CheckoutOptionsView>> GetOptions(Checkout checkout, CancellationToken ct)
    {
        var rates = await checkout.RatesAsync(ct);
        return TypedResults.Ok(new CheckoutOptionsView(rates.Methods, rates.Countries));
    }

    private static async Task<Results<Ok<CheckoutQuote>, ValidationProblem, ProblemHttpResult>> Quote(QuoteInput input, Checkout checkout,
        HttpContext http, CancellationToken ct)
    {
        try
        {
            // The account (when signed in) is who the coupon's limit per customer counts.
            var shopper = CheckoutShopper.Of(http);
            return TypedResults.Ok(await checkout.QuoteAsync(shopper.ShopperKey, input, ct, shopper.CustomerId));
        }
        catch (CheckoutInvalid e) { return ProblemResults.Invalid(e.Errors); }
        catch (Discounts.CouponRefused e) { return CouponRefused(e); }
    }

    // 400 a code that cannot be used as it is (unknown, expired, below its minimum, nothing it applies to); 409 one used
    // up (in all, or by this customer): what others did, not what was typed.
    public static ProblemHttpResult CouponRefused(Discounts.CouponRefused e) =>
        TypedResults.Problem(e.Message, statusCode: e.UsedUp ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
            title: e.UsedUp ? "The coupon is used up." : "The coupon cannot be used.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [Discounts.CouponRefused.Field] = [e.Message] } });

    // 202 the order is written and its payment opened: send the shopper to paymentUrl (the gateway's page); it is placed
    // once paid. The same key and body always get the same order, as it stands: 202 again while it waits for payment,
    // 201 once paid, 409 once cancelled. 409 also when a line can no longer be held (nothing written) or the quote
    // confirmed (quoteHash, expectedTotal) is not the one the server would charge now (the new one is in the answer);
    // 422 the key was used for another checkout; 429 too many new orders from this shopper (Retry-After); 503 the
    // gateway did not answer (repeat with the same key).
    private static async Task<Results<Created<PlacedOrder>, Accepted<PlacedOrder>, ValidationProblem, ProblemHttpResult>> Place(
        CheckoutInput input, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, Checkout checkout, HttpContext http, CancellationToken ct)
    {
        try
        {
            var result = await checkout.PlaceAsync(CheckoutShopper.Of(http), idempotencyKey, input, ct);
            if (result.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            var body = new PlacedOrder(result.OrderId, result.Number, result.Outcome.ToString(), result.PayUrl, result.Message, result.Replayed);
            var location = $"/api/orders/{result.OrderId}";
            return result.Outcome switch
            {
                CheckoutOutcome.Paid => TypedResults.Created(location, body),
                CheckoutOutcome.AwaitingPayment => TypedResults.Accepted(location, body with
                {
                    Message = "The order waits for its payment: send the shopper to paymentUrl. It is placed once the payment is authorised.",
                }),
                _ => TypedResults.Problem($"Order {result.Number} was cancelled before it was paid; nothing is charged.",
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
        catch (Discounts.CouponRefused e) { return CouponRefused(e); }
        catch (CheckoutRateLimited e)
        {
            http.Response.Headers.RetryAfter = e.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many checkouts.",
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = e.RetryAfterSeconds });
        }
        catch (PaymentGatewayUnavailable e) { return GatewayUnavailable(http, e); }
    }

    public static ProblemHttpResult GatewayUnavailable(HttpContext http, PaymentGatewayUnavailable e)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The payment service is not answering.");
    }

    // The gateway's page sends the shopper here. Paid: the order page. Not paid: back to checkout, cart and holds as
    // they were, with what happened.
    private static async Task<IResult> Return(long orderId, Checkout checkout, HttpContext http, CancellationToken ct)
    {
        try
        {
            var result = await checkout.ReturnAsync(CheckoutShopper.Of(http), orderId, ct);
            if (result is null) return Results.Redirect("/orders");
            if (result.Outcome == CheckoutOutcome.Paid) return Results.Redirect($"/orders/{orderId}?placed={CheckoutOutcome.Paid}");
            return Results.Redirect("/checkout?payment=" + (result.Message ?? Checkout.ReturnCodes.NotPaid));
        }
        catch (PaymentGatewayUnavailable)
        {
            return Results.Redirect("/checkout?payment=" + Checkout.ReturnCodes.GatewayDown);
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
