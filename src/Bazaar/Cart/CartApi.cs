using Bazaar.Accounts;
using Bazaar.Inventory;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Cart;

public sealed record AddToCartInput(string? Sku, int? Quantity);

public sealed record ChangeQuantityInput(int? Quantity);

public sealed record AddedToCart(string Sku, int Quantity, bool Held, int HeldQuantity, DateTimeOffset? HoldExpiresAt);

public static class CartApi
{
    public const string HoldRefusedTitle = "The stock could not be held.";

    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cart").WithTags("Cart");
        api.MapGet("/", Get);
        api.MapPost("/items", Add);
        api.MapPut("/items/{sku}", Change);
        api.MapDelete("/items/{sku}", Remove);
        api.MapPost("/items/{sku}/hold", HoldAgain);
        api.MapDelete("/", Clear);
        return app;
    }

    private static async Task<Ok<CartView>> Get(Cart cart, Shopper shopper, CancellationToken ct) =>
        TypedResults.Ok(await cart.GetAsync(shopper.Key, ct: ct));

    private static async Task<Results<Ok<AddedToCart>, ValidationProblem, ProblemHttpResult>> Add(AddToCartInput input, Cart cart, Shopper shopper, HttpContext http, CancellationToken ct)
    {
        if (input.Quantity is null) return ProblemResults.Invalid("quantity", "The quantity is required.");
        try
        {
            var added = await cart.TryAddAsync(shopper.Key, input.Sku?.Trim(), input.Quantity.Value, shopper.Actor,
                http.Connection.RemoteIpAddress, ct);
            if (added.Refusal is not null) return ToProblem(added.Refusal, http)!;
            var hold = added.Hold;
            return TypedResults.Ok(new AddedToCart(input.Sku!.Trim(), input.Quantity.Value, hold is not null, hold?.Quantity ?? 0, hold?.ExpiresAt));
        }
        catch (Exception e) when (ToProblem(e, http) is { } problem) { return problem; }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Change(string sku, ChangeQuantityInput input, Cart cart, Shopper shopper, HttpContext http, CancellationToken ct)
    {
        if (input.Quantity is null) return ProblemResults.Invalid("quantity", "The quantity is required.");
        try
        {
            await cart.ChangeQuantityAsync(shopper.Key, sku, input.Quantity.Value, shopper.Actor, http.Connection.RemoteIpAddress, ct);
            return TypedResults.NoContent();
        }
        catch (Exception e) when (ToProblem(e, http) is { } problem) { return problem; }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string sku, Cart cart, Shopper shopper, CancellationToken ct)
    {
        try
        {
            await cart.RemoveAsync(shopper.Key, sku, shopper.Actor, ct);
            return TypedResults.NoContent();
        }
        catch (CartLineNotFound e) { return ProblemResults.NotFound(e.Message); }
    }

    private static async Task<Results<Ok<AddedToCart>, ValidationProblem, ProblemHttpResult>> HoldAgain(string sku, Cart cart, Shopper shopper, HttpContext http, CancellationToken ct)
    {
        try
        {
            var hold = await cart.HoldAgainAsync(shopper.Key, sku, shopper.Actor, http.Connection.RemoteIpAddress, ct);
            return TypedResults.Ok(new AddedToCart(sku, hold.Quantity, true, hold.Quantity, hold.ExpiresAt));
        }
        catch (Exception e) when (ToProblem(e, http) is { } problem) { return problem; }
    }

    private static async Task<NoContent> Clear(Cart cart, Shopper shopper, CancellationToken ct)
    {
        await cart.ClearAsync(shopper.Key, shopper.Actor, ct);
        return TypedResults.NoContent();
    }

    // The cart's refusals, as the problems a shopper's client can act on; a rate limit also says when to come back.
    public static ProblemHttpResult? ToProblem(Exception e, HttpContext http)
    {
        if (e is CartRateLimited limited)
            http.Response.Headers.RetryAfter = limited.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ToProblem(e);
    }

    public static ProblemHttpResult? ToProblem(Exception e) => e switch
    {
        CartRateLimited l => TypedResults.Problem(l.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.",
            extensions: new Dictionary<string, object?> { ["limit"] = l.Limit, ["retryAfterSeconds"] = l.RetryAfterSeconds }),
        CartInputException i => TypedResults.Problem(i.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [i.Field] = [i.Message] } }),
        UnknownSku u => ProblemResults.NotFound($"No product with SKU '{u.Sku}' is sold here."),
        CartLineNotFound n => ProblemResults.NotFound(n.Message),
        InsufficientStock s => TypedResults.Problem(
            s.Available == 0 ? $"{s.Sku} is sold out." : $"Only {s.Available} of {s.Sku} can still be held; you asked for {s.Requested}.",
            statusCode: StatusCodes.Status409Conflict, title: HoldRefusedTitle,
            extensions: new Dictionary<string, object?> { ["sku"] = s.Sku, ["available"] = s.Available, ["reason"] = s.Available == 0 ? "sold-out" : "insufficient-stock" }),
        PurchaseLimitExceeded l => TypedResults.Problem(l.Message,
            statusCode: StatusCodes.Status409Conflict, title: HoldRefusedTitle,
            extensions: new Dictionary<string, object?> { ["sku"] = l.Sku, ["limit"] = l.Limit, ["reason"] = "purchase-limit" }),
        NoActiveHold h => TypedResults.Problem(h.Message, statusCode: StatusCodes.Status409Conflict, title: HoldRefusedTitle),
        CartCapReached c => TypedResults.Problem(c.Message, statusCode: StatusCodes.Status409Conflict, title: HoldRefusedTitle,
            extensions: new Dictionary<string, object?> { ["cap"] = c.Cap, ["limit"] = c.Limit, ["reason"] = "cap" }),
        _ => null,
    };
}
