using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Stock kept off sale by orders nobody pays: back-order a sold-out product, let the card be declined, and every unit
// received goes to the unpaid order instead of to shoppers who would pay for it.
public class UnpaidBackorderTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    [Fact]
    public async Task Restocked_units_skip_an_unpaid_back_order_and_go_to_it_once_it_is_paid()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var squatter = await store.ShopperWithCartAsync(sku, 3);
        var declined = await squatter.CheckOutAsync(CheckoutScenario.Body(Bazaar.Payments.Sandbox.SandboxCard.Declines));
        var id = await CheckoutScenario.OrderIdOf(declined);
        Assert.Equal("PendingPayment", (await squatter.OrderAsync(id)).GetProperty("status").GetString());

        await ReceiveAsync(sku, 2);

        // The two units are on sale, not given to the unpaid order (which owes nothing until it is paid).
        Assert.Equal(2, (await store.StockOfAsync(sku)).Available);
        Assert.Equal(0, BackorderedOn(await squatter.OrderAsync(id), sku));
        using var buyer = await store.ShopperWithCartAsync(sku, 2);
        Assert.Equal(HttpStatusCode.Created, (await buyer.CheckOutAsync(CheckoutScenario.Body())).StatusCode);

        // Paid now: the order claims what arrives from here on (nothing is left of the first delivery).
        var paid = await squatter.PayOnGatewayAsync((await store.PaymentOfAsync(id))!.PayUrl!, Bazaar.Payments.Sandbox.SandboxCard.Succeeds);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(3, BackorderedOn(await squatter.OrderAsync(id), sku));
        await ReceiveAsync(sku, 3);
        Assert.Equal(0, BackorderedOn(await squatter.OrderAsync(id), sku));
        Assert.Equal(0, (await store.StockOfAsync(sku)).OnHand);
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Paying_an_order_claims_units_that_arrived_while_it_was_unpaid()
    {
        var sku = await store.CreateStockedProductAsync(0, backorderable: true);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        var id = await CheckoutScenario.OrderIdOf(await shopper.CheckOutAsync(CheckoutScenario.Body(Bazaar.Payments.Sandbox.SandboxCard.Declines)));
        await ReceiveAsync(sku, 5);
        Assert.Equal(5, (await store.StockOfAsync(sku)).Available);

        var paid = await shopper.PayOnGatewayAsync((await store.PaymentOfAsync(id))!.PayUrl!, Bazaar.Payments.Sandbox.SandboxCard.Succeeds);

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(0, BackorderedOn(await shopper.OrderAsync(id), sku));
        Assert.Equal((3, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }

    private static int BackorderedOn(JsonElement order, string sku) =>
        order.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("sku").GetString() == sku).GetProperty("quantityBackordered").GetInt32();

    private async Task ReceiveAsync(string sku, int quantity)
    {
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity, reason = "test delivery" })).EnsureSuccessStatusCode();
    }
}
