using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Platform;
using Bazaar.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Fixtures;

// Creates a fresh product with a known amount of stock through the admin API, as a shop would.
public static class StockScenario
{
    public static async Task<string> CreateStockedProductAsync(this StoreFactory store, int units, string strategy = "row-lock", int? purchaseLimit = null, bool backorderable = false)
    {
        using var admin = await store.CreateAdminClientAsync();
        var tree = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement;
        var categoryId = tree[0].GetProperty("id").GetInt32();
        var sku = "FS-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var created = await admin.PostAsJsonAsync("/api/admin/products", new { sku, title = $"Flash sale item {sku}", brand = "Bazaar", price = 9.99m, categoryId });
        created.EnsureSuccessStatusCode();
        if (units > 0)
            (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = units, reason = "test stock" })).EnsureSuccessStatusCode();
        else
            await store.Services.CreateScope().ServiceProvider.GetRequiredService<Bazaar.Inventory.Inventory>()
                .TrackAsync(sku, JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32());
        var settings = await admin.PutAsJsonAsync($"/api/admin/stock/{sku}/settings", new { strategy, purchaseLimit, backorderable, lowStockThreshold = 2 });
        settings.EnsureSuccessStatusCode();
        return sku;
    }

    public static async Task<StockLevel> StockOfAsync(this StoreFactory store, string sku)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Bazaar.Inventory.Inventory>().GetStockAsync(sku))!;
    }

    public static async Task<IReadOnlyList<Violation>> AuditAsync(this StoreFactory store)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<InventoryAudit>();
        var cart = scope.ServiceProvider.GetRequiredService<Bazaar.Cart.Cart>();
        return [.. await audit.RunAsync(), .. await cart.AuditAsync(audit)];
    }
}
