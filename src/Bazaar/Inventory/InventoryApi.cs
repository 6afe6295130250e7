using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Inventory;

// Backordered: units owed to orders placed while the SKU was sold out (stock received goes to them first).
public sealed record StockView(string Sku, int ProductId, int OnHand, int Reserved, int Available, string State, string Label,
    bool Backorderable, int LowStockThreshold, string Strategy, int? PurchaseLimit, int? Backordered = null)
{
    public static StockView From(StockLevel s, int? backordered = null) => new(s.Sku, s.ProductId, s.OnHand, s.Reserved, s.Available, s.State.ToString(), s.Label,
        s.Backorderable, s.LowStockThreshold, StrategyNames.Name(s.Strategy), s.PurchaseLimit, backordered);
}

public sealed record PublicStockView(string Sku, int Available, string State, string Label);

public sealed record ReceiveInput(int? Quantity, string? Reason);

public sealed record AdjustInput(int? OnHand, string? Reason);

public sealed record StockSettingsInput(bool? Backorderable, int? LowStockThreshold, string? Strategy, int? PurchaseLimit);

public static class StrategyNames
{
    public static string Name(ReservationStrategy s) => s switch
    {
        ReservationStrategy.Queue => "queue",
        ReservationStrategy.Gate => "gate",
        _ => "row-lock",
    };

    public static ReservationStrategy? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "row-lock" or "rowlock" => ReservationStrategy.RowLock,
        "queue" => ReservationStrategy.Queue,
        "gate" => ReservationStrategy.Gate,
        _ => null,
    };
}

public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stock/{sku}", GetPublicStock).WithTags("Inventory");

        var admin = app.MapGroup("/api/admin/stock").WithTags("Inventory admin").RequireAuthorization(Roles.Admin);
        admin.MapGet("/", List);
        admin.MapGet("/{sku}", GetStock);
        admin.MapGet("/low", ListLow);
        admin.MapGet("/{sku}/ledger", GetLedger);
        admin.MapPost("/{sku}/receive", Receive);
        admin.MapPost("/{sku}/adjust", Adjust);
        admin.MapPut("/{sku}/settings", Configure);
        return app;
    }

    // Read from the database on every call: the product page's stock is never cached.
    private static async Task<Results<Ok<PublicStockView>, ProblemHttpResult>> GetPublicStock(string sku, Inventory inventory, CancellationToken ct) =>
        await inventory.GetStockAsync(sku, ct) is { } s
            ? TypedResults.Ok(new PublicStockView(s.Sku, Math.Max(s.Available, 0), s.State.ToString(), s.Label))
            : ProblemResults.NotFound($"No stock is kept for SKU '{sku}'.");

    private static async Task<Results<Ok<StockView>, ProblemHttpResult>> GetStock(string sku, Inventory inventory, CancellationToken ct) =>
        await inventory.GetStockAsync(sku, ct) is { } s
            ? TypedResults.Ok(StockView.From(s, await inventory.OutstandingBackordersAsync(sku, ct)))
            : ProblemResults.NotFound($"No stock is kept for SKU '{sku}'.");

    private static async Task<Results<Ok<ListPage<StockView>>, ValidationProblem>> List(StockList stock, Catalog.ProductList products,
        CancellationToken ct, string? q = null, string? state = null, string? page = null, string? pageSize = null, string? sort = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (filter, list) = await ParseListAsync(products, q, state, page, pageSize, sort, errors, ct);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        var found = await stock.SearchAsync(filter, list, ct);
        return TypedResults.Ok(new ListPage<StockView>(found.Items.Select(s => StockView.From(s)).ToList(), found.Total, found.Page, found.PageSize,
            found.Sort));
    }

    // The stock list's query string, for the API and the page alike; problems are named by field in `errors`. A text
    // that is not a SKU also finds the SKUs of products whose title or brand has it.
    public static async Task<(StockListFilter Filter, ListQuery List)> ParseListAsync(Catalog.ProductList products, string? q, string? state,
        string? page, string? pageSize, string? sort, IDictionary<string, string[]> errors, CancellationToken ct)
    {
        var list = ListQuery.Parse(page, pageSize, sort, StockList.Shape, errors);
        StockState? wanted = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (StockList.StateNames.TryGetValue(state.Trim(), out var s)) wanted = s;
            else errors["state"] = [$"The state must be one of {string.Join(", ", StockList.StateNames.Keys)}, not '{state}'."];
        }
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var ids = text is null ? null : await products.IdsMatchingAsync(text, 5000, ct);
        return (new StockListFilter(text, wanted, ids), list);
    }

    private static async Task<Ok<IReadOnlyList<StockView>>> ListLow(Inventory inventory, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<StockView>>((await inventory.ListLowStockAsync(200, ct)).Select(s => StockView.From(s)).ToList());

    private static async Task<Results<Ok<IReadOnlyList<MovementView>>, ProblemHttpResult>> GetLedger(string sku, Inventory inventory, CancellationToken ct) =>
        await inventory.GetStockAsync(sku, ct) is null
            ? ProblemResults.NotFound($"No stock is kept for SKU '{sku}'.")
            : TypedResults.Ok(await inventory.GetLedgerAsync(sku, 200, ct));

    private static async Task<Results<Ok<StockView>, ValidationProblem, ProblemHttpResult>> Receive(
        string sku, ReceiveInput input, Inventory inventory, Catalog.Catalog catalog, HttpContext http, CancellationToken ct)
    {
        if (input.Quantity is not (>= 1 and <= 1_000_000)) return ProblemResults.Invalid("quantity", "The quantity received must be between 1 and 1000000.");
        if (input.Reason is { Length: > 300 }) return ProblemResults.Invalid("reason", "The reason must be at most 300 characters.");
        if (await inventory.GetStockAsync(sku, ct) is null)
        {
            // The first delivery of a product starts keeping its stock.
            if (await catalog.FindProductIdBySkuAsync(sku, ct) is not { } productId) return ProblemResults.NotFound($"No product has SKU '{sku}'.");
            await inventory.TrackAsync(sku, productId, ct);
        }
        var level = await inventory.ReceiveAsync(sku, input.Quantity.Value, Actor(http), string.IsNullOrWhiteSpace(input.Reason) ? "goods received" : input.Reason.Trim(), ct);
        return TypedResults.Ok(StockView.From(level, await inventory.OutstandingBackordersAsync(sku, ct)));
    }

    private static async Task<Results<Ok<StockView>, ValidationProblem, ProblemHttpResult>> Adjust(string sku, AdjustInput input, Inventory inventory, HttpContext http, CancellationToken ct)
    {
        if (input.OnHand is not (>= 0 and <= 10_000_000)) return ProblemResults.Invalid("onHand", "The counted on-hand quantity must be between 0 and 10000000.");
        if (string.IsNullOrWhiteSpace(input.Reason)) return ProblemResults.Invalid("reason", "Say why the stock is adjusted (e.g. 'stock count', 'damaged').");
        if (input.Reason.Length > 300) return ProblemResults.Invalid("reason", "The reason must be at most 300 characters.");
        try
        {
            return TypedResults.Ok(StockView.From(await inventory.AdjustAsync(sku, input.OnHand.Value, Actor(http), input.Reason.Trim(), ct)));
        }
        catch (UnknownSku e) { return ProblemResults.NotFound(e.Message); }
        catch (InsufficientStock e)
        {
            return ProblemResults.Conflict($"Carts hold more of {sku} than {input.OnHand}; on-hand cannot go below what is reserved ({e.Requested} too few).");
        }
    }

    private static async Task<Results<Ok<StockView>, ValidationProblem, ProblemHttpResult>> Configure(string sku, StockSettingsInput input, Inventory inventory, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.LowStockThreshold is < 0 or > 1_000_000) errors["lowStockThreshold"] = ["The low-stock threshold must be between 0 and 1000000."];
        if (input.PurchaseLimit is < 1 or > 1_000) errors["purchaseLimit"] = ["The purchase limit must be between 1 and 1000, or null for none."];
        ReservationStrategy? strategy = null;
        if (!string.IsNullOrEmpty(input.Strategy) && input.Strategy != "default")
        {
            strategy = StrategyNames.Parse(input.Strategy);
            if (strategy is null) errors["strategy"] = ["The strategy must be row-lock, queue, gate or default."];
        }
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        var current = await inventory.GetStockAsync(sku, ct);
        if (current is null) return ProblemResults.NotFound($"No stock is kept for SKU '{sku}'.");
        var level = await inventory.ConfigureAsync(sku, input.Backorderable ?? current.Backorderable, input.LowStockThreshold ?? current.LowStockThreshold,
            strategy, input.PurchaseLimit, ct);
        return TypedResults.Ok(StockView.From(level));
    }

    private static string Actor(HttpContext http) => "admin:" + (http.User.Identity?.Name ?? "unknown");
}
