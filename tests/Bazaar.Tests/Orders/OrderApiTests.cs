using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Orders;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Orders;

// Shoppers follow and cancel their orders and ask for returns; the back office ships, delivers, takes returns back.
public class OrderApiTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<(string Sku, HttpClient Shopper, long OrderId)> PaidOrderAsync(int units = 2)
    {
        var sku = await store.CreateStockedProductAsync(10);
        var shopper = await store.ShopperWithCartAsync(sku, units);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (sku, shopper, await CheckoutScenario.OrderIdOf(response));
    }

    private static async Task<string> StatusAfter(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task A_shopper_cancels_a_paid_order_the_stock_comes_back_and_the_authorisation_is_voided()
    {
        var (sku, shopper, id) = await PaidOrderAsync();

        Assert.Equal("Cancelled", await StatusAfter(await shopper.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "changed my mind" })));

        var stock = await store.StockOfAsync(sku);
        Assert.Equal((10, 0), (stock.OnHand, stock.Reserved));
        var order = await shopper.OrderAsync(id);
        var cancel = order.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("Paid", "Cancelled", "Cancel", "guest", "changed my mind"),
            (cancel.GetProperty("from").GetString(), cancel.GetProperty("to").GetString(), cancel.GetProperty("action").GetString(), cancel.GetProperty("actor").GetString(), cancel.GetProperty("reason").GetString()));
        var payment = await store.PaymentOfAsync(id);
        Assert.Equal("Voided", payment!.Status);
        Assert.Equal(Bazaar.Payments.GatewayPaymentStatus.Voided, (await store.GatewayPaymentAsync(id)).Status);
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task An_invalid_move_answers_409_with_the_moves_that_are_allowed()
    {
        var (_, shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();

        var deliver = await admin.PostAsync(new Uri($"/api/admin/orders/{id}/deliver", UriKind.Relative), null);

        var problem = await deliver.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["Cancel", "StartFulfilment", "ShipPart", "ShipRest"], problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal("Paid", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        shopper.Dispose();
    }

    [Fact]
    public async Task A_shopper_cannot_cancel_once_the_order_is_shipped()
    {
        var (_, shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();
        Assert.Equal("Shipped", await StatusAfter(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })));

        var cancel = await shopper.PostAsJsonAsync($"/api/orders/{id}/cancel", new { });

        var problem = await cancel.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, problem.GetProperty("allowed").GetArrayLength());
        Assert.Equal("Shipped", (await shopper.OrderAsync(id)).GetProperty("status").GetString());
        shopper.Dispose();
    }

    [Fact]
    public async Task Partial_shipments_then_delivery_then_a_return_that_restocks_and_refunds_everything()
    {
        var (sku, shopper, id) = await PaidOrderAsync(units: 2);
        using var admin = await store.CreateAdminClientAsync();

        Assert.Equal("Fulfilling", await StatusAfter(await admin.PostAsync(new Uri($"/api/admin/orders/{id}/fulfil", UriKind.Relative), null)));
        Assert.Equal("PartiallyShipped", await StatusAfter(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } })));
        Assert.Equal("Shipped", await StatusAfter(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { reason = "second parcel" })));
        Assert.Equal("Delivered", await StatusAfter(await admin.PostAsync(new Uri($"/api/admin/orders/{id}/deliver", UriKind.Relative), null)));
        await (await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal("ReturnRequested", await StatusAfter(await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "too small" })));
        Assert.Equal((8, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        // Receiving the whole return restocks it and refunds everything: the items, the shipping and the tax.
        Assert.Equal("Refunded", await StatusAfter(await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { })));
        Assert.Equal(10, (await store.StockOfAsync(sku)).OnHand);
        Assert.Equal(CheckoutScenario.TotalFor(2), (await store.PaymentOfAsync(id))!.Refunded);

        var order = await shopper.OrderAsync(id);
        Assert.Equal(["PendingPayment", "Paid", "Fulfilling", "PartiallyShipped", "Shipped", "Delivered", "ReturnRequested", "Returned", "Refunded"],
            order.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("to").GetString()!).ToArray());
        Assert.Empty(await store.FullAuditAsync());
        shopper.Dispose();
    }

    [Fact]
    public async Task The_back_office_finds_orders_by_status_and_customer()
    {
        var (_, shopper, id) = await PaidOrderAsync();
        using var admin = await store.CreateAdminClientAsync();

        var byEmail = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/orders?customer=guest@tests.local&status=paid");
        var byNumber = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/orders?customer={OrderNumbers.Format(id)}");
        var none = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/orders?status=Refunded&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");

        Assert.Contains(byEmail.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetInt64() == id);
        Assert.Equal(id, Assert.Single(byNumber.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        await (await admin.GetAsync(new Uri("/api/admin/orders?status=lost", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "status");
        Assert.Equal(HttpStatusCode.Unauthorized, (await shopper.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
        shopper.Dispose();
    }

    [Fact]
    public async Task Every_move_leaves_a_notification_that_the_sender_writes_out_once()
    {
        var (_, shopper, id) = await PaidOrderAsync();
        var sender = store.Services.GetRequiredService<OrderNotificationSender>();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sender.SendBatchAsync(CancellationToken.None)));

        var notes = await store.WithAsync(async sp =>
        {
            var db = sp.GetRequiredService<Bazaar.Data.BazaarDb>();
            return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.OrderNotifications.Where(n => n.OrderId == id));
        });
        // One move (paid: the order is placed only then, so there is no earlier "we have your order"), one notification.
        Assert.Single(notes);
        Assert.All(notes, n => Assert.NotNull(n.SentAt));
        Assert.Contains(notes, n => n.Subject.Contains("Paid", StringComparison.Ordinal));
        shopper.Dispose();
    }
}
