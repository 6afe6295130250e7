using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Orders;

// A sold-out, back-orderable product: the shopper buys it now, stock received goes to the oldest back-orders first,
// only allocated units ship, and a cancelled back-order is owed no more. Every test ends with the full audit.
public class BackorderTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    [Fact]
    public async Task A_shopper_checks_out_a_sold_out_backorderable_product_and_the_order_owes_it()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);

        var quote = await (await shopper.PostAsJsonAsync("/api/checkout/quote", new { shipTo = Address, shippingMethod = "standard" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(quote.GetProperty("lines")[0].GetProperty("backordered").GetBoolean());
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(expectedTotal: CheckoutScenario.TotalFor(2)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(response));
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal("Authorised", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal((2, 2), LineOf(order, sku));
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((0, 0), (stock.OnHand, stock.Reserved));
        Assert.Equal(2, await OwedAsync(sku));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task The_checkout_order_and_back_office_pages_say_what_is_back_ordered()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        Assert.Contains("Back-order: charged with the order, ships when restocked", await shopper.GetStringAsync(new Uri("/checkout", UriKind.Relative)), StringComparison.Ordinal);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));
        using var admin = await store.CreateAdminClientAsync();

        Assert.Contains("back-ordered: 2", await shopper.GetStringAsync(new Uri($"/orders/{id}", UriKind.Relative)), StringComparison.Ordinal);
        var backOffice = await admin.GetStringAsync(new Uri($"/admin/orders/{id}", UriKind.Relative));
        Assert.Contains($"not shippable until stock arrives: 2 x {sku}", backOffice, StringComparison.Ordinal);
        Assert.Contains("Ship everything in stock", backOffice, StringComparison.Ordinal);

        await ReceiveAsync(sku, 2);
        Assert.DoesNotContain("back-ordered:", await shopper.GetStringAsync(new Uri($"/orders/{id}", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiving_stock_allocates_back_orders_oldest_first_and_exactly()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        var first = await PlaceBackorderAsync(sku, 2);
        var second = await PlaceBackorderAsync(sku, 3);

        var received = await ReceiveAsync(sku, 4);

        Assert.Equal((0, 0, 1), (received.GetProperty("onHand").GetInt32(), received.GetProperty("reserved").GetInt32(), received.GetProperty("backordered").GetInt32()));
        Assert.Equal((2, 0), LineOf(await first.Shopper.OrderAsync(first.Id), sku));
        Assert.Equal((3, 1), LineOf(await second.Shopper.OrderAsync(second.Id), sku));
        var ledger = (await LedgerAsync(sku)).Take(3).ToList();
        Assert.Equal([("Received", 4, 0), ("Committed", -2, 0), ("Committed", -2, 0)], ledger.AsEnumerable().Reverse().Select(m => (m.Kind, m.OnHandDelta, m.ReservedDelta)).ToArray());
        Assert.StartsWith($"order {first.Id}: 2 back-ordered", ledger[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith($"order {second.Id}: 2 back-ordered", ledger[0].Reason, StringComparison.Ordinal);
        Assert.Empty(await store.FullAuditAsync());

        // The rest of the second order, then the shelf: one unit owed, three received, two left for shoppers.
        received = await ReceiveAsync(sku, 3);
        Assert.Equal((2, 0), (received.GetProperty("onHand").GetInt32(), received.GetProperty("backordered").GetInt32()));
        Assert.Equal((3, 0), LineOf(await second.Shopper.OrderAsync(second.Id), sku));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_back_ordered_line_takes_what_came_in_since_and_owes_only_the_rest()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 3);
        await ReceiveAsync(sku, 1);

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((3, 2), LineOf(await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(response)), sku));
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((0, 0), (stock.OnHand, stock.Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Concurrent_receipts_and_checkouts_never_over_allocate()
    {
        const int Shoppers = 10, UnitsEach = 2, Receipts = 6, UnitsPerReceipt = 2;
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        var shoppers = new List<HttpClient>();
        for (var i = 0; i < Shoppers; i++) shoppers.Add(await store.ShopperWithCartAsync(sku, UnitsEach));
        using var admin = await store.CreateAdminClientAsync();

        var checkouts = shoppers.Select(s => s.CheckOutAsync(CheckoutScenario.Body())).ToList();
        var receipts = Enumerable.Range(0, Receipts).Select(_ => admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = UnitsPerReceipt })).ToList();
        var placed = await Task.WhenAll(checkouts);
        var receivedResponses = await Task.WhenAll(receipts);

        Assert.All(placed, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.All(receivedResponses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var orders = new List<JsonElement>();
        for (var i = 0; i < Shoppers; i++) orders.Add(await shoppers[i].OrderAsync(await CheckoutScenario.OrderIdOf(placed[i])));
        var owed = orders.Sum(o => LineOf(o, sku).Backordered);
        // 20 units ordered, 12 received: exactly 12 went to orders (from the shelf or by allocation), 8 are owed, none is left.
        Assert.Equal(Shoppers * UnitsEach - Receipts * UnitsPerReceipt, owed);
        Assert.Equal(owed, await OwedAsync(sku));
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((0, 0), (stock.OnHand, stock.Reserved));
        Assert.Empty(await store.FullAuditAsync());

        await ReceiveAsync(sku, 10);
        Assert.Equal(0, await OwedAsync(sku));
        Assert.Equal(2, (await store.StockOfAsync(sku)).OnHand);
        Assert.Empty(await store.FullAuditAsync());
        foreach (var s in shoppers) s.Dispose();
    }

    [Fact]
    public async Task Concurrent_cancellations_and_receipts_give_each_unit_once()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        var orders = new List<Placed>();
        for (var i = 0; i < 6; i++) orders.Add(await PlaceBackorderAsync(sku, 2));
        using var admin = await store.CreateAdminClientAsync();

        var cancels = orders.Where((_, i) => i % 2 == 0).Select(o => o.Shopper.PostAsJsonAsync($"/api/orders/{o.Id}/cancel", new { reason = "changed my mind" })).ToList();
        var receipts = Enumerable.Range(0, 4).Select(_ => admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 2 })).ToList();
        Assert.All(await Task.WhenAll(cancels), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(await Task.WhenAll(receipts), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // 8 received; whatever went to an order that was then cancelled came back and went to the next back-order:
        // the three live orders have all 6 units, 2 are left, nothing is owed.
        foreach (var order in orders)
            Assert.Equal((2, 0), LineOf(await order.Shopper.OrderAsync(order.Id), sku));
        Assert.Equal(0, await OwedAsync(sku));
        Assert.Equal(2, (await store.StockOfAsync(sku)).OnHand);
        Assert.Empty(await store.FullAuditAsync());
        foreach (var o in orders) o.Shopper.Dispose();
    }

    [Fact]
    public async Task Units_a_cart_gives_back_or_a_count_finds_go_to_waiting_back_orders_first()
    {
        var sku = await store.CreateStockedProductAsync(1, backorderable: true);
        using var holder = await store.ShopperWithCartAsync(sku, 1);
        var waiting = await PlaceBackorderAsync(sku, 3);
        Assert.Equal((3, 3), LineOf(await waiting.Shopper.OrderAsync(waiting.Id), sku));

        (await holder.DeleteAsync(new Uri($"/api/cart/items/{sku}", UriKind.Relative))).EnsureSuccessStatusCode();
        Assert.Equal((3, 2), LineOf(await waiting.Shopper.OrderAsync(waiting.Id), sku));
        Assert.Equal(0, (await store.StockOfAsync(sku)).OnHand);

        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/adjust", new { onHand = 5, reason = "stock count" })).EnsureSuccessStatusCode();
        Assert.Equal((3, 0), LineOf(await waiting.Shopper.OrderAsync(waiting.Id), sku));
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((3, 0), (stock.OnHand, stock.Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Cancelling_a_back_ordered_order_ends_its_demand_and_restocks_only_allocated_units()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        var order = await PlaceBackorderAsync(sku, 3);
        await ReceiveAsync(sku, 1);

        var cancelled = await order.Shopper.PostAsJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "too slow" });

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var view = await order.Shopper.OrderAsync(order.Id);
        Assert.Equal("Cancelled", view.GetProperty("status").GetString());
        Assert.Equal("Voided", view.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal((3, 0), LineOf(view, sku));
        Assert.Equal(0, await OwedAsync(sku));
        Assert.Equal(1, (await store.StockOfAsync(sku)).OnHand);
        // Stock received later is nobody's: the cancelled order is owed nothing.
        var received = await ReceiveAsync(sku, 5);
        Assert.Equal((6, 0), (received.GetProperty("onHand").GetInt32(), received.GetProperty("backordered").GetInt32()));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Shipping_refuses_units_still_back_ordered_and_names_them()
    {
        var inStock = await store.CreateStockedProductAsync(5);
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = inStock, quantity = 1 })).EnsureSuccessStatusCode();
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body()));
        using var admin = await store.CreateAdminClientAsync();

        var named = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } });
        var problem = await named.AssertProblemAsync(HttpStatusCode.Conflict, "lines");
        Assert.Equal(2, problem.GetProperty("backordered").GetProperty(sku).GetInt32());
        Assert.Contains($"2 x {sku} still back-ordered", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Everything in stock ships; the back-ordered line waits.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).StatusCode);
        var order = await admin.OrderAsync(id, admin: true);
        Assert.Equal("PartiallyShipped", order.GetProperty("status").GetString());
        Assert.Equal("Captured", order.GetProperty("payment").GetProperty("status").GetString());
        var nothingLeft = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { });
        Assert.Contains("nothing can ship yet", (await nothingLeft.AssertProblemAsync(HttpStatusCode.Conflict, "lines")).GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ReceiveAsync(sku, 1);
        var tooMany = await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 2 } });
        Assert.Equal(1, (await tooMany.AssertProblemAsync(HttpStatusCode.Conflict, "lines")).GetProperty("backordered").GetProperty(sku).GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } })).StatusCode);
        await ReceiveAsync(sku, 1);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).StatusCode);
        order = await admin.OrderAsync(id, admin: true);
        Assert.Equal("Shipped", order.GetProperty("status").GetString());
        Assert.Equal((2, 0), LineOf(order, sku));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Bad_input_on_a_back_ordered_order_gets_a_4xx_and_changes_nothing()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        var order = await PlaceBackorderAsync(sku, 2);
        using var admin = await store.CreateAdminClientAsync();

        await (await admin.PostAsJsonAsync($"/api/admin/orders/{order.Id}/ship", new { lines = new Dictionary<string, int> { [sku] = -1 } })).AssertProblemAsync(HttpStatusCode.BadRequest, "lines");
        await (await admin.PostAsJsonAsync($"/api/admin/orders/{order.Id}/ship", new { lines = new Dictionary<string, int> { [sku] = 3 } })).AssertProblemAsync(HttpStatusCode.BadRequest, "lines");
        await (await admin.PostAsJsonAsync($"/api/admin/orders/{order.Id}/ship", new { lines = new Dictionary<string, int> { ["NO-SUCH-SKU"] = 1 } })).AssertProblemAsync(HttpStatusCode.BadRequest, "lines");
        await (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "quantity");

        Assert.Equal("Paid", (await order.Shopper.OrderAsync(order.Id)).GetProperty("status").GetString());
        Assert.Equal(2, await OwedAsync(sku));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_back_ordered_line_is_refused_when_the_product_stops_being_backorderable()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PutAsJsonAsync($"/api/admin/stock/{sku}/settings", new { backorderable = false })).EnsureSuccessStatusCode();
        var orders = await store.OrderCountAsync();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, $"lines.{sku}");
        Assert.Contains("can no longer be back-ordered", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(orders, await store.OrderCountAsync());
        Assert.Equal(0, await OwedAsync(sku));
        Assert.Empty(await store.FullAuditAsync());
    }

    private static readonly object Address = new { name = "Ada Lovelace", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" };

    private sealed record Placed(HttpClient Shopper, long Id);

    private sealed record Movement(string Kind, int OnHandDelta, int ReservedDelta, string Reason);

    private async Task<Placed> PlaceBackorderAsync(string sku, int quantity)
    {
        var shopper = await store.ShopperWithCartAsync(sku, quantity);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Placed(shopper, await CheckoutScenario.OrderIdOf(response));
    }

    private async Task<JsonElement> ReceiveAsync(string sku, int quantity)
    {
        using var admin = await store.CreateAdminClientAsync();
        var response = await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity, reason = "test delivery" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<int> OwedAsync(string sku)
    {
        using var admin = await store.CreateAdminClientAsync();
        return JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/admin/stock/{sku}", UriKind.Relative))).RootElement.GetProperty("backordered").GetInt32();
    }

    private async Task<IReadOnlyList<Movement>> LedgerAsync(string sku)
    {
        using var admin = await store.CreateAdminClientAsync();
        return (await admin.GetFromJsonAsync<List<Movement>>(new Uri($"/api/admin/stock/{sku}/ledger", UriKind.Relative), JsonSerializerOptions.Web))!;
    }

    private static (int Quantity, int Backordered) LineOf(JsonElement order, string sku)
    {
        var line = order.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("sku").GetString() == sku);
        return (line.GetProperty("quantity").GetInt32(), line.GetProperty("quantityBackordered").GetInt32());
    }
}
