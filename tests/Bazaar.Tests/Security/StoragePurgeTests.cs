using System.Net.Http.Json;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

public sealed class PurgingStore : StoreFactory
{
    public PurgingStore()
    {
        With("Purge:Interval", "00:00:00.200");
        With("Purge:EndedHoldsAfter", "00:00:01");
        With("Purge:GuestCartsAfter", "00:00:01");
        With("Purge:OneViewGuestsAfter", "00:00:01");
    }
}

// Filling the database: every cookie-less page view, every released hold and every abandoned guest cart used to stay
// forever. The purge job (Purge:*) deletes them once they are older than their setting, and keeps what is still used.
public class StoragePurgeTests(PurgingStore store) : IClassFixture<PurgingStore>
{
    private async Task<T> DbAsync<T>(Func<BazaarDb, Task<T>> read)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<BazaarDb>());
    }

    // Polls until `gone` is true, for at most ten seconds (the job runs every 200 ms once rows are a second old).
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> gone)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(100))
            if (await gone()) return true;
        return false;
    }

    [Fact]
    public async Task Released_holds_are_purged_after_Purge_EndedHoldsAfter_and_live_holds_and_the_ledger_stay()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var guest = store.CreateClient();
        (await guest.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        await guest.DeleteAsync(new Uri($"/api/cart/items/{sku}", UriKind.Relative));
        using var holder = store.CreateClient();
        (await holder.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        var ledger = await DbAsync(db => db.StockMovements.CountAsync(m => m.Sku == sku));

        Assert.True(await EventuallyAsync(() => DbAsync(async db => !await db.Reservations.AnyAsync(r => r.Sku == sku && r.Status == ReservationStatus.Released))),
            "the released hold was never purged");
        Assert.Equal(1, await DbAsync(db => db.Reservations.CountAsync(r => r.Sku == sku && r.Status == ReservationStatus.Active)));
        Assert.Equal(ledger, await DbAsync(db => db.StockMovements.CountAsync(m => m.Sku == sku)));
        Assert.Empty(await store.AuditAsync());
    }

    [Fact]
    public async Task Abandoned_guest_carts_are_purged_after_Purge_GuestCartsAfter_but_carts_that_hold_stock_and_accounts_carts_stay()
    {
        var soldOut = await store.CreateStockedProductAsync(0, backorderable: true);
        var inStock = await store.CreateStockedProductAsync(10);
        using var abandoned = store.CreateClient();
        (await abandoned.PostAsJsonAsync("/api/cart/items", new { sku = soldOut, quantity = 1 })).EnsureSuccessStatusCode();
        using var holding = store.CreateClient();
        (await holding.PostAsJsonAsync("/api/cart/items", new { sku = inStock, quantity = 1 })).EnsureSuccessStatusCode();
        using var account = await store.CreateCustomerClientAsync();
        (await account.PostAsJsonAsync("/api/cart/items", new { sku = soldOut, quantity = 1 })).EnsureSuccessStatusCode();

        Assert.True(await EventuallyAsync(() => DbAsync(async db => await db.CartLines.CountAsync(l => l.Sku == soldOut) == 1)),
            "the abandoned guest cart was never purged");
        Assert.Equal(1, await DbAsync(db => db.CartLines.CountAsync(l => l.Sku == soldOut && l.ShopperKey.StartsWith("u:"))));
        Assert.Equal(1, await DbAsync(db => db.CartLines.CountAsync(l => l.Sku == inStock)));
    }

    [Fact]
    public async Task A_cookie_less_visitors_single_product_views_are_purged_after_Purge_OneViewGuestsAfter()
    {
        var products = await DbAsync(db => db.Products.OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync());
        // A crawler: every request without the cookie is a new guest with one view.
        for (var i = 0; i < 3; i++)
        {
            using var crawler = store.CreateClient(new() { HandleCookies = false });
            (await crawler.PostAsJsonAsync("/api/recently-viewed", new { productId = products[0] })).EnsureSuccessStatusCode();
        }
        using var returning = store.CreateClient();
        foreach (var id in products) (await returning.PostAsJsonAsync("/api/recently-viewed", new { productId = id })).EnsureSuccessStatusCode();
        using var account = await store.CreateCustomerClientAsync();
        (await account.PostAsJsonAsync("/api/recently-viewed", new { productId = products[0] })).EnsureSuccessStatusCode();

        Assert.True(await EventuallyAsync(() => DbAsync(async db =>
                !await db.RecentViews.GroupBy(v => v.ShopperKey).AnyAsync(g => g.Key.StartsWith("g:") && g.Count() == 1))),
            "the one-view guests were never purged");
        Assert.Equal(2, (await returning.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/recently-viewed")).GetArrayLength());
        Assert.Equal(1, (await account.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/recently-viewed")).GetArrayLength());
    }
}
