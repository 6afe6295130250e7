using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Cart;

public class CartApiTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private static async Task<JsonElement> CartOf(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;

    [Fact]
    public async Task Adding_changing_and_removing_lines_grows_and_shrinks_the_hold()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await store.StockOfAsync(sku)).Reserved);
        var line = (await CartOf(shopper)).GetProperty("lines")[0];
        Assert.Equal(3, line.GetProperty("quantity").GetInt32());
        Assert.Equal(3, line.GetProperty("heldQuantity").GetInt32());
        Assert.True(line.GetProperty("holdExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(25));

        Assert.Equal(HttpStatusCode.NoContent, (await shopper.PutAsJsonAsync($"/api/cart/items/{sku}", new { quantity = 7 })).StatusCode);
        Assert.Equal(7, (await store.StockOfAsync(sku)).Reserved);
        Assert.Equal(HttpStatusCode.NoContent, (await shopper.PutAsJsonAsync($"/api/cart/items/{sku}", new { quantity = 1 })).StatusCode);
        Assert.Equal(1, (await store.StockOfAsync(sku)).Reserved);

        Assert.Equal(HttpStatusCode.NoContent, (await shopper.DeleteAsync(new Uri($"/api/cart/items/{sku}", UriKind.Relative))).StatusCode);
        Assert.Equal(0, (await store.StockOfAsync(sku)).Reserved);
        Assert.Equal(0, (await CartOf(shopper)).GetProperty("lines").GetArrayLength());
        Assert.Empty(await store.AuditAsync());
    }

    [Fact]
    public async Task A_guest_cart_merges_into_the_account_cart_on_sign_in()
    {
        var shared = await store.CreateStockedProductAsync(10);
        var guestOnly = await store.CreateStockedProductAsync(10);
        var email = $"merge-{Guid.NewGuid():N}@tests.local";
        using (var account = store.CreateClient())
        {
            (await account.PostAsJsonAsync("/api/account/register", new { email, password = "merge-password-1" })).EnsureSuccessStatusCode();
            (await account.PostAsJsonAsync("/api/account/sign-in", new { email, password = "merge-password-1" })).EnsureSuccessStatusCode();
            (await account.PostAsJsonAsync("/api/cart/items", new { sku = shared, quantity = 2 })).EnsureSuccessStatusCode();
        }

        using var guest = store.CreateClient();
        (await guest.PostAsJsonAsync("/api/cart/items", new { sku = shared, quantity = 1 })).EnsureSuccessStatusCode();
        (await guest.PostAsJsonAsync("/api/cart/items", new { sku = guestOnly, quantity = 4 })).EnsureSuccessStatusCode();
        (await guest.PostAsJsonAsync("/api/account/sign-in", new { email, password = "merge-password-1" })).EnsureSuccessStatusCode();

        var lines = (await CartOf(guest)).GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("sku").GetString()!);
        Assert.Equal(3, lines[shared].GetProperty("quantity").GetInt32());
        Assert.Equal(3, lines[shared].GetProperty("heldQuantity").GetInt32());
        Assert.Equal(4, lines[guestOnly].GetProperty("heldQuantity").GetInt32());
        Assert.Equal(3, (await store.StockOfAsync(shared)).Reserved);
        Assert.Equal(4, (await store.StockOfAsync(guestOnly)).Reserved);
        Assert.Empty(await store.AuditAsync());
    }

    public static TheoryData<string, HttpStatusCode, string?> BadAdds => new()
    {
        { """{"sku":"SKU","quantity":0}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"sku":"SKU","quantity":-3}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"sku":"SKU","quantity":1000}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"sku":"SKU"}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"sku":"SKU","quantity":"two"}""", HttpStatusCode.BadRequest, "quantity" },
        { """{"quantity":1}""", HttpStatusCode.BadRequest, "sku" },
        { """{"sku":"NO-SUCH-SKU","quantity":1}""", HttpStatusCode.NotFound, null },
        { """{"sku":"SKU","quantity":6}""", HttpStatusCode.Conflict, null },
        { """{"sku":"SKU","quantity":3}""", HttpStatusCode.Conflict, null },
    };

    [Theory]
    [MemberData(nameof(BadAdds))]
    public async Task Bad_adds_get_a_clear_4xx_and_change_nothing(string json, HttpStatusCode status, string? field)
    {
        // Five units, at most two per shopper: 6 is more than available, 3 is over the limit.
        var sku = await store.CreateStockedProductAsync(5, purchaseLimit: 2);
        using var shopper = store.CreateClient();
        using var body = new StringContent(json.Replace("\"SKU\"", $"\"{sku}\"", StringComparison.Ordinal), Encoding.UTF8, "application/json");
        var response = await shopper.PostAsync(new Uri("/api/cart/items", UriKind.Relative), body);
        var problem = await response.AssertProblemAsync(status, field);
        if (status == HttpStatusCode.Conflict) Assert.True(problem.TryGetProperty("reason", out _));
        Assert.Equal(0, (await store.StockOfAsync(sku)).Reserved);
        Assert.Equal(0, (await CartOf(shopper)).GetProperty("lines").GetArrayLength());
    }

    [Fact]
    public async Task Changing_a_line_to_more_than_available_is_refused_and_keeps_the_hold()
    {
        var sku = await store.CreateStockedProductAsync(4);
        using var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        await (await shopper.PutAsJsonAsync($"/api/cart/items/{sku}", new { quantity = 9 })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await shopper.PutAsJsonAsync($"/api/cart/items/{sku}", new { quantity = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "quantity");
        await (await shopper.PutAsJsonAsync("/api/cart/items/NOT-IN-CART", new { quantity = 1 })).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, (await store.StockOfAsync(sku)).Reserved);
        Assert.Equal(2, (await CartOf(shopper)).GetProperty("lines")[0].GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_back_orderable_product_joins_the_cart_without_a_hold_when_sold_out()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = store.CreateClient();
        var added = await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 2 });
        added.EnsureSuccessStatusCode();
        Assert.False(JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("held").GetBoolean());
        var line = (await CartOf(shopper)).GetProperty("lines")[0];
        Assert.Equal("Backordered", line.GetProperty("hold").GetString());
        Assert.Equal(0, (await store.StockOfAsync(sku)).Reserved);
    }

    [Fact]
    public async Task Admin_stock_endpoints_receive_adjust_and_refuse_bad_input()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var admin = await store.CreateAdminClientAsync();
        using var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 3 })).EnsureSuccessStatusCode();

        await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/adjust", new { onHand = 2, reason = "count" })).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/adjust", new { onHand = 4 })).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "quantity");
        await (await admin.PutAsJsonAsync($"/api/admin/stock/{sku}/settings", new { strategy = "lottery" })).AssertProblemAsync(HttpStatusCode.BadRequest, "strategy");
        await (await admin.PostAsJsonAsync("/api/admin/stock/NO-SUCH/receive", new { quantity = 1 })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await shopper.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 5 })).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var adjusted = JsonDocument.Parse(await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/adjust", new { onHand = 4, reason = "count" })).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, adjusted.GetProperty("available").GetInt32());
        var received = JsonDocument.Parse(await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 6 })).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(10, received.GetProperty("onHand").GetInt32());

        var ledger = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/admin/stock/{sku}/ledger", UriKind.Relative))).RootElement;
        Assert.Equal(["Received", "Adjusted", "Reserved", "Received"], ledger.EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        var low = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/admin/stock/low", UriKind.Relative))).RootElement;
        Assert.DoesNotContain(sku, low.EnumerateArray().Select(s => s.GetProperty("sku").GetString()));
        Assert.Empty(await store.AuditAsync());
    }
}
