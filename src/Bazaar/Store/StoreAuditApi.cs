using Bazaar.Accounts;
using Bazaar.Orders;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Store;

public sealed record AuditView(bool Ok, IReadOnlyList<string> Violations, int ExtraOrdersPerShopper, int Orders);

// The back office's audit: every module's invariants (StoreAudit), so it lives with the composition, not in a module.
public static class StoreAuditApi
{
    public static IEndpointRouteBuilder MapStoreAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/orders/audit", Audit).WithTags("Orders admin").RequireAuthorization(Roles.Admin);
        return app;
    }

    private static async Task<Ok<AuditView>> Audit(StoreAudit store, OrderAudit audit, Orders.Orders orders, CancellationToken ct)
    {
        var violations = (await store.RunAsync(ct)).Select(v => v.ToString()).ToList();
        var page = await orders.SearchAsync(new OrderSearch(PageSize: 1), ct);
        return TypedResults.Ok(new AuditView(violations.Count == 0, violations, await audit.CountExtraOrdersPerShopperAsync(ct), page.Total));
    }
}
