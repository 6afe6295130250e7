using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Orders;

// Returns of some units: the shopper names what goes back, the back office names what arrived; exactly those units
// are restocked and refunded at the price they were bought for with their share of shipping and tax (to the cent; the
// last unit of a line carries the remainders), never more than was captured; a return can never
// name more than was shipped and not yet returned, and a refused one writes nothing.
public class OrderReturnTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private const decimal Price = CheckoutScenario.UnitPrice;

    // A delivered order of 2 x A and 1 x B (10 of each received): 29.97 of items, 4.99 shipping, 7.25% tax.
    private async Task<(string A, string B, HttpClient Shopper, HttpClient Admin, long Id)> DeliveredOrderAsync()
    {
        var a = await store.CreateStockedProductAsync(10);
        var b = await store.CreateStockedProductAsync(10);
        var shopper = await store.ShopperWithCartAsync(a, 2);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = b, quantity = 1 })).EnsureSuccessStatusCode();
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(placed);
        var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/deliver", new { })).EnsureSuccessStatusCode();
        return (a, b, shopper, admin, id);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static int[] Returned(JsonElement order) => [.. order.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("quantityReturned").GetInt32())];

    // What a refused request must leave exactly as it was.
    private async Task<(string Status, int Moves, string Returned, decimal Refunded, int OnHandA, int OnHandB)> SnapshotAsync(HttpClient admin, long id, string a, string b)
    {
        var order = await admin.OrderAsync(id, admin: true);
        return (order.GetProperty("status").GetString()!, order.GetProperty("timeline").GetArrayLength(), string.Join(",", Returned(order)),
            (await store.PaymentOfAsync(id))!.Refunded, (await store.StockOfAsync(a)).OnHand, (await store.StockOfAsync(b)).OnHand);
    }

    [Fact]
    public async Task A_partial_return_restocks_exactly_those_units_and_refunds_their_line_value()
    {
        var (a, b, shopper, admin, id) = await DeliveredOrderAsync();

        var requested = await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "one is too small", lines = new Dictionary<string, int> { [a] = 1 } }));
        Assert.Equal("ReturnRequested", requested.GetProperty("status").GetString());
        Assert.Equal($"one is too small (1 x {a})", requested.GetProperty("timeline").EnumerateArray().Last().GetProperty("reason").GetString());
        Assert.Equal((8, 9), ((await store.StockOfAsync(a)).OnHand, (await store.StockOfAsync(b)).OnHand));

        var received = await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { lines = new Dictionary<string, int> { [a] = 1 } }));

        Assert.Equal("PartiallyRefunded", received.GetProperty("status").GetString());
        Assert.Equal([1, 0], Returned(received));
        Assert.Equal((9, 9), ((await store.StockOfAsync(a)).OnHand, (await store.StockOfAsync(b)).OnHand));
        // A's share of shipping is 2/3 of 4.99 cut to 3.32 (1.66 a unit), of tax 2/3 of 2.53 cut to 1.68 (0.84 a unit).
        var payment = (await store.PaymentOfAsync(id))!;
        Assert.Equal(Price + 1.66m + 0.84m, payment.Refunded);
        Assert.Equal(Price + 1.66m + 0.84m, payment.Attempts.Single(x => x.Operation == "Refund").Amount);
        Assert.Contains("items 9.99, shipping 1.66, tax 0.84: 12.49 USD", received.GetProperty("timeline").EnumerateArray().Last().GetProperty("reason").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(["ReturnRequested", "Returned", "PartiallyRefunded"], received.GetProperty("timeline").EnumerateArray().TakeLast(3).Select(e => e.GetProperty("to").GetString()!));
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
        admin.Dispose();
    }

    [Fact]
    public async Task A_second_return_cannot_exceed_what_was_shipped_minus_returned()
    {
        var (a, b, shopper, admin, id) = await DeliveredOrderAsync();
        await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "too small", lines = new Dictionary<string, int> { [a] = 1 } }));
        await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { lines = new Dictionary<string, int> { [a] = 1 } }));
        var before = await SnapshotAsync(admin, id, a, b);

        var tooMany = await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "the other one too", lines = new Dictionary<string, int> { [a] = 2 } });

        var problem = await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest, "lines");
        Assert.Contains($"{a}: 1 unit(s) left to return, not 2", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(admin, id, a, b));

        // The rest may come back: one A and the B. The back office takes back everything still out when it names nothing.
        await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "the rest", lines = new Dictionary<string, int> { [a] = 1, [b] = 1 } }));
        await (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { lines = new Dictionary<string, int> { [b] = 2 } })).AssertProblemAsync(HttpStatusCode.BadRequest, "lines");
        var all = await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { }));

        Assert.Equal([2, 1], Returned(all));
        Assert.Equal((10, 10), ((await store.StockOfAsync(a)).OnHand, (await store.StockOfAsync(b)).OnHand));
        Assert.Equal(37.49m, (await store.PaymentOfAsync(id))!.Refunded);
        Assert.Equal("Refunded", all.GetProperty("status").GetString());
        // Everything is back and refunded: the order is final.
        var nothingLeft = await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "again" });
        Assert.Equal(0, (await nothingLeft.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("allowed").GetArrayLength());
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
        admin.Dispose();
    }

    [Theory]
    [InlineData("""{ "reason": "broken", "lines": { "NO-SUCH-SKU": 1 } }""", "lines")]
    [InlineData("""{ "reason": "broken", "lines": { "{a}": -1 } }""", "lines")]
    [InlineData("""{ "reason": "broken", "lines": { "{a}": 0 } }""", "lines")]
    [InlineData("""{ "reason": "broken", "lines": { "{a}": "two" } }""", "lines.{a}")]
    [InlineData("""{ "reason": "broken", "lines": [1] }""", "lines")]
    [InlineData("""{ "lines": { "{a}": 1 } }""", "reason")]
    public async Task Bad_return_input_is_a_4xx_naming_the_field_and_writes_nothing(string body, string field)
    {
        var (a, b, shopper, admin, id) = await DeliveredOrderAsync();
        var before = await SnapshotAsync(admin, id, a, b);
        using var content = new StringContent(body.Replace("{a}", a, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");

        var response = await shopper.PostAsync(new Uri($"/api/orders/{id}/return", UriKind.Relative), content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field.Replace("{a}", a, StringComparison.Ordinal));
        Assert.Equal(before, await SnapshotAsync(admin, id, a, b));

        // And the same at the back office's receipt.
        await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "broken" }));
        var requested = await SnapshotAsync(admin, id, a, b);
        using var again = new StringContent(body.Replace("{a}", a, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        var receipt = await admin.PostAsync(new Uri($"/api/admin/orders/{id}/return/accept", UriKind.Relative), again);
        if (field != "reason") await receipt.AssertProblemAsync(HttpStatusCode.BadRequest, field.Replace("{a}", a, StringComparison.Ordinal));
        Assert.Equal(field == "reason" ? "PartiallyRefunded" : requested.Status, (await SnapshotAsync(admin, id, a, b)).Status);
        if (field != "reason") Assert.Equal(requested, await SnapshotAsync(admin, id, a, b));
        shopper.Dispose();
        admin.Dispose();
    }

    [Fact]
    public async Task A_full_return_refunds_everything_captured_with_shipping_and_tax()
    {
        var (_, _, shopper, admin, id) = await DeliveredOrderAsync();
        var order = await admin.OrderAsync(id, admin: true);
        // 29.97 of items + 4.99 shipping + 7.25% tax on both (2.53): 37.49 captured, all of it owed back.
        Assert.Equal((29.97m, 4.99m, 2.53m, 37.49m), (order.GetProperty("subtotal").GetDecimal(), order.GetProperty("shippingCost").GetDecimal(),
            order.GetProperty("tax").GetDecimal(), order.GetProperty("total").GetDecimal()));

        await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "not what I wanted" }));
        var received = await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { }));

        Assert.Equal("Refunded", received.GetProperty("status").GetString());
        var payment = (await store.PaymentOfAsync(id))!;
        Assert.Equal((37.49m, 37.49m), (payment.Captured, payment.Refunded));
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
        admin.Dispose();
    }

    [Fact]
    public async Task The_refund_for_returned_units_is_capped_by_what_is_left_captured()
    {
        var (a, b, shopper, admin, id) = await DeliveredOrderAsync();
        var captured = (await store.PaymentOfAsync(id))!.Captured;
        await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/refund", new { amount = captured - 5m, reason = "goodwill" }));

        await OkAsync(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "broken", lines = new Dictionary<string, int> { [b] = 1 } }));
        var received = await OkAsync(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { lines = new Dictionary<string, int> { [b] = 1 } }));

        Assert.Equal("Refunded", received.GetProperty("status").GetString());
        Assert.Equal(captured, (await store.PaymentOfAsync(id))!.Refunded);
        Assert.Equal(10, (await store.StockOfAsync(b)).OnHand);
        Assert.Equal(8, (await store.StockOfAsync(a)).OnHand);
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
        admin.Dispose();
    }
}
