using Bazaar.Accounts;
using Bazaar.Checkout;
using Bazaar.Payments;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Orders;

public sealed record ReasonInput(string? Reason);

// Units by SKU for a shipment, a return request or a received return; none named means every unit that is left.
public sealed record LinesInput(Dictionary<string, int>? Lines, string? Reason);

public sealed record RefundInput(decimal? Amount, string? Reason);



public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/orders").WithTags("Orders");
        mine.MapGet("/", ListMine);
        mine.MapGet("/{id:long}", GetMine);
        mine.MapPost("/{id:long}/cancel", CancelMine);
        mine.MapPost("/{id:long}/return", RequestReturn);

        var admin = app.MapGroup("/api/admin/orders").WithTags("Orders admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/", Search);
        admin.MapGet("/{id:long}", Get);
        // Every admin move takes an optional Idempotency-Key: repeated with it (an answer lost to a timeout or a killed
        // node), the request answers as the first did instead of refusing a move already made.
        admin.MapPost("/{id:long}/fulfil", (long id, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.StartFulfilmentAsync(id, Actor(http), ct, RequestKey(http)), id, orders, ct));
        admin.MapPost("/{id:long}/ship", (long id, LinesInput? input, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.ShipAsync(id, input?.Lines, Actor(http), input?.Reason, ct, RequestKey(http)), id, orders, ct));
        admin.MapPost("/{id:long}/deliver", (long id, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.DeliverAsync(id, Actor(http), ct, RequestKey(http)), id, orders, ct));
        admin.MapPost("/{id:long}/cancel", (long id, ReasonInput? input, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.CancelAsync(id, Actor(http), Reason(input?.Reason, "cancelled by the store"), byShopper: false, ct, RequestKey(http)),
                id, orders, ct));
        admin.MapPost("/{id:long}/refund", Refund);
        admin.MapPost("/{id:long}/return/accept", (long id, LinesInput? input, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.ReceiveReturnAsync(id, input?.Lines, Actor(http), Reason(input?.Reason, "return received"), ct), id, orders, ct));
        admin.MapPost("/{id:long}/return/reject", (long id, ReasonInput? input, Orders orders, HttpContext http, CancellationToken ct) =>
            Run(() => orders.RejectReturnAsync(id, Actor(http), Reason(input?.Reason, "return refused"), ct, RequestKey(http)), id, orders, ct));
        return app;
    }

    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxRequestKeyLength = 100;

    // The request's Idempotency-Key, if it sent one; one that is not 1 to 100 visible ASCII characters is refused.
    private static string? RequestKey(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue(IdempotencyHeader, out var values)) return null;
        var key = values.ToString().Trim();
        if (key.Length is 0 or > MaxRequestKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new OrderInputException(IdempotencyHeader, $"The Idempotency-Key is 1 to {MaxRequestKeyLength} visible ASCII characters.");
        return key;
    }

    private static string Actor(HttpContext http) => "admin:" + (http.User.Identity?.Name ?? "unknown");

    private static string Reason(string? given, string fallback) => string.IsNullOrWhiteSpace(given) ? fallback : given.Trim()[..Math.Min(given.Trim().Length, Order.MaxReasonLength)];

    private static async Task<Ok<IReadOnlyList<OrderSummary>>> ListMine(Orders orders, Shopper shopper, CancellationToken ct) =>
        TypedResults.Ok(await orders.ListForShopperAsync(shopper.Key, ct: ct));

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetMine(long id, Orders orders, Shopper shopper, CancellationToken ct) =>
        await orders.GetForShopperAsync(id, shopper.Key, ct) is { } order ? TypedResults.Ok(order) : ProblemResults.NotFound($"You have no order {id}.");

    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> CancelMine(long id, ReasonInput? input, Orders orders, Shopper shopper, CancellationToken ct)
    {
        if (await orders.GetForShopperAsync(id, shopper.Key, ct) is null) return ProblemResults.NotFound($"You have no order {id}.");
        return await Run(() => orders.CancelAsync(id, shopper.Actor, Reason(input?.Reason, "cancelled by the shopper"), byShopper: true, ct), id, orders, ct);
    }

    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> RequestReturn(long id, LinesInput? input, Orders orders, Shopper shopper, CancellationToken ct)
    {
        if (await orders.GetForShopperAsync(id, shopper.Key, ct) is null) return ProblemResults.NotFound($"You have no order {id}.");
        if (string.IsNullOrWhiteSpace(input?.Reason)) return ProblemResults.Invalid("reason", "Tell us why you are returning the order.");
        return await Run(() => orders.RequestReturnAsync(id, input.Lines, shopper.Actor, Reason(input.Reason, ""), ct), id, orders, ct);
    }

    // The amount is always stated: a request without one (a forged or mistaken empty POST) must not mean "everything".
    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> Refund(long id, RefundInput? input, Orders orders,
        HttpContext http, CancellationToken ct)
    {
        if (input?.Amount is not { } amount)
            return Invalid("amount", "State the amount to refund, e.g. {\"amount\": 12.50}; to refund everything, state what is left of the capture.");
        return await Run(() => orders.RefundAsync(id, amount, Actor(http), Reason(input.Reason, "refund"), ct, RequestKey(http)), id, orders, ct);
    }

    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> Search(Orders orders, string? status, string? customer, DateTimeOffset? from,
        DateTimeOffset? to, string? page, string? pageSize, string? sort, string? minTotal, string? maxTotal, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var search = ParseSearch(status, customer, from, to, page, pageSize, sort, minTotal, maxTotal, errors);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await orders.SearchAsync(search, ct));
    }

    // The admin order list's query string, for the API and the page alike; problems are named by field in `errors`.
    public static OrderSearch ParseSearch(string? status, string? customer, DateTimeOffset? from, DateTimeOffset? to, string? page, string? pageSize,
        string? sort, string? minTotal, string? maxTotal, IDictionary<string, string[]> errors)
    {
        OrderStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(status, out _))
                errors["status"] = [$"'{status}' is not an order status. Use one of {string.Join(", ", Enum.GetNames<OrderStatus>())}."];
            else parsed = s;
        }
        var list = ListQuery.Parse(page, pageSize, sort, OrderSearch.Shape, errors);
        var min = ListQuery.Amount(minTotal, "minTotal", errors);
        var max = ListQuery.Amount(maxTotal, "maxTotal", errors);
        return new OrderSearch(parsed, string.IsNullOrWhiteSpace(customer) ? null : customer.Trim(), from, to, list.Page, list.PageSize, list.Sort,
            list.Descending, min, max);
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(long id, Orders orders, CancellationToken ct) =>
        await orders.GetAsync(id, ct) is { } order ? TypedResults.Ok(order) : ProblemResults.NotFound($"There is no order {id}.");


    private static async Task<Results<Ok<OrderView>, ValidationProblem, ProblemHttpResult>> Run(Func<Task> move, long id, Orders orders, CancellationToken ct)
    {
        try
        {
            await move();
            return TypedResults.Ok((await orders.GetAsync(id, ct))!);
        }
        catch (Exception e) when (ToProblem(e) is { } problem) { return problem; }
    }

    // The orders' refusals as problems: 409 names the moves that are allowed.
    public static ProblemHttpResult? ToProblem(Exception e) => e switch
    {
        InvalidOrderMove m => TypedResults.Problem(m.Message, statusCode: StatusCodes.Status409Conflict, title: "This order cannot make that move.",
            extensions: new Dictionary<string, object?> { ["orderStatus"] = m.Status.ToString(), ["action"] = m.Action.ToString(), ["allowed"] = m.Allowed.Select(a => a.ToString()).ToList() }),
        UnitsBackordered b => TypedResults.Problem(b.Message, statusCode: StatusCodes.Status409Conflict, title: "Some units are still back-ordered.",
            extensions: new Dictionary<string, object?>
            {
                ["backordered"] = b.Backordered, ["inStock"] = b.InStock,
                ["errors"] = new Dictionary<string, string[]> { ["lines"] = [b.Message] },
            }),
        OrderNotFound n => ProblemResults.NotFound(n.Message),
        RequestKeyReused k => TypedResults.Problem(k.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The Idempotency-Key was used for another request.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyHeader] = [k.Message] } }),
        OrderInputException i => Invalid(i.Field, i.Message),
        RefundExceedsCapture r => Invalid("amount", r.Message),
        RefundKeyReused k => TypedResults.Problem(k.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The Idempotency-Key was used for another request.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyHeader] = [k.Message] } }),
        PaymentStateConflict p => TypedResults.Problem(p.Message, statusCode: StatusCodes.Status409Conflict, title: "The payment does not allow that now."),
        PaymentFailed f => TypedResults.Problem(f.Message, statusCode: StatusCodes.Status502BadGateway, title: "The payment service refused or did not answer."),
        ArgumentOutOfRangeException a => Invalid(a.ParamName ?? "input", a.Message.Split(" (Parameter", 2)[0]),
        _ => null,
    };

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
