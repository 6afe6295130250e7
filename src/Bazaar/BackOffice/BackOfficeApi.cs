using Bazaar.Accounts;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.BackOffice;

public static class BackOfficeApi
{
    public static IEndpointRouteBuilder MapBackOfficeApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Back office").RequireAuthorization(Roles.Admin);
        admin.MapGet("/dashboard", GetDashboard);
        admin.MapGet("/customers", ListCustomers);
        admin.MapGet("/customers/{id}", GetCustomer);
        admin.MapPost("/customers/{id}/disable", (string id, CustomerDirectory directory, HttpContext http) =>
            Change(() => directory.DisableAsync(id, Actor(http))));
        admin.MapPost("/customers/{id}/enable", (string id, CustomerDirectory directory, HttpContext http) =>
            Change(() => directory.EnableAsync(id, Actor(http))));
        admin.MapPost("/orders/{id:long}/invoice", IssueInvoice).WithTags("Orders admin");
        return app;
    }

    // Numbers the order's invoice the first time (gap-free, once); later calls answer the same number.
    private static async Task<Results<Ok<Orders.InvoiceView>, ProblemHttpResult>> IssueInvoice(long id, Orders.Invoices invoices, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await invoices.IssueAsync(id, ct));
        }
        catch (Orders.OrderNotFound e) { return ProblemResults.NotFound(e.Message); }
        catch (Orders.NotInvoiceable e) { return ProblemResults.Conflict(e.Message); }
    }

    private static async Task<Results<Ok<DashboardFigures>, ValidationProblem>> GetDashboard(Dashboard dashboard, CancellationToken ct,
        string? from = null, string? to = null, string? days = null, string? demo = null)
    {
        var errors = new Dictionary<string, string[]>();
        var period = DashboardPeriod.Parse(from, to, days, dashboard.Today, errors);
        var includeDemo = ParseDemo(demo, errors);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await dashboard.ReadAsync(period, includeDemo, ct));
    }

    // "?demo=include" counts the simulated demo orders too.
    public static bool ParseDemo(string? demo, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(demo) || demo == "exclude") return false;
        if (demo == "include") return true;
        errors["demo"] = [$"The demo must be include or exclude, not '{demo}'."];
        return false;
    }

    private static async Task<Results<Ok<ListPage<CustomerRow>>, ValidationProblem>> ListCustomers(CustomerList customers, CancellationToken ct,
        string? q = null, string? page = null, string? pageSize = null, string? sort = null)
    {
        var errors = new Dictionary<string, string[]>();
        var list = ListQuery.Parse(page, pageSize, sort, CustomerDirectory.Shape, errors);
        if (errors.Count > 0) return ProblemResults.Invalid(errors);
        return TypedResults.Ok(await customers.SearchAsync(q, list, ct));
    }

    private static async Task<Results<Ok<CustomerDetails>, ProblemHttpResult>> GetCustomer(string id, CustomerList customers, CancellationToken ct) =>
        await customers.GetAsync(id, 1, 1, ct) is { } details ? TypedResults.Ok(details) : ProblemResults.NotFound($"There is no account {id}.");

    private static async Task<Results<Ok<CustomerAccount>, ProblemHttpResult>> Change(Func<Task<CustomerAccount>> change)
    {
        try
        {
            return TypedResults.Ok(await change());
        }
        catch (AccountNotFound e) { return ProblemResults.NotFound(e.Message); }
        catch (AccountChangeRefused e) { return ProblemResults.Conflict(e.Message); }
    }

    private static string Actor(HttpContext http) => "admin:" + (http.User.Identity?.Name ?? "unknown");
}
