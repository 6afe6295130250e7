using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// Checkout is exactly-once per Idempotency-Key: repeats, races and crashes at every step leave one order or none.
public class IdempotencyTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    [Fact]
    public async Task The_same_key_and_body_return_the_same_order_and_status()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        var key = Guid.NewGuid().ToString();
        var before = await store.OrderCountAsync();

        var first = await shopper.CheckOutAsync(CheckoutScenario.Body(), key);
        var again = await shopper.CheckOutAsync(CheckoutScenario.Body(), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await CheckoutScenario.OrderIdOf(first), await CheckoutScenario.OrderIdOf(again));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(before + 1, await store.OrderCountAsync());
        Assert.Equal(8, (await store.StockOfAsync(sku)).OnHand);
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_with_422()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body(), key)).StatusCode);
        var before = await store.OrderCountAsync();

        var reused = await shopper.CheckOutAsync(CheckoutScenario.Body(shippingMethod: "express"), key);

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "Idempotency-Key");
        Assert.Equal(before, await store.OrderCountAsync());
    }

    [Fact]
    public async Task Concurrent_requests_with_the_same_key_place_one_order()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 3);
        var key = Guid.NewGuid().ToString();
        var before = await store.OrderCountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => shopper.CheckOutAsync(CheckoutScenario.Body(), key))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single((await Task.WhenAll(responses.Select(CheckoutScenario.OrderIdOf))).Distinct());
        Assert.Equal(before + 1, await store.OrderCountAsync());
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((7, 0), (stock.OnHand, stock.Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Theory]
    [InlineData(CheckoutStep.OrderWritten)]
    [InlineData(CheckoutStep.OrderCommitted)]
    [InlineData(CheckoutStep.PaymentAuthorised)]
    [InlineData(CheckoutStep.OrderPaid)]
    public async Task A_crash_at_any_step_then_a_retry_leaves_exactly_one_paid_order(CheckoutStep step)
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        var key = Guid.NewGuid().ToString();
        var before = await store.OrderCountAsync();
        store.Services.GetRequiredService<CheckoutFaults>().CrashOnceAt(step);

        var crashed = await shopper.CheckOutAsync(CheckoutScenario.Body(), key);

        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        // Before the placing transaction commits nothing is sold: the cart still holds its units; an order waiting for
        // its payment exists from OrderCommitted on (the crash on the way back from the gateway rolls the placing back).
        var stock = await store.StockOfAsync(sku);
        Assert.Equal((10, 2), (stock.OnHand, stock.Reserved));
        Assert.Equal(step == CheckoutStep.OrderWritten ? before : before + 1, await store.OrderCountAsync());
        Assert.Empty(await store.FullAuditAsync());

        var retried = await shopper.CheckOutAsync(CheckoutScenario.Body(), key);

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var order = await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(retried));
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(before + 1, await store.OrderCountAsync());
        stock = await store.StockOfAsync(sku);
        Assert.Equal((8, 0), (stock.OnHand, stock.Reserved));
        var atGateway = await store.GatewayPaymentAsync(await CheckoutScenario.OrderIdOf(retried));
        Assert.Equal((Bazaar.Payments.GatewayPaymentStatus.Authorised, CheckoutScenario.TotalFor(2)), (atGateway.Status, atGateway.Amount));        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Two_shoppers_racing_for_the_last_unit_at_checkout_get_one_order()
    {
        var sku = await store.CreateStockedProductAsync(1);
        using var first = await store.ShopperWithCartAsync(sku, 1);
        using var second = store.CreateClient();
        // The first shopper's hold ran out and the unit went back on the shelf; the second shopper now holds it.
        await store.WithAsync(async sp =>
        {
            var holds = await sp.GetRequiredService<Bazaar.Inventory.InventoryAudit>().ListActiveHoldsAsync();
            return await sp.GetRequiredService<Bazaar.Inventory.Inventory>().ReleaseAsync(sku, holds.Single(h => h.Sku == sku).ShopperKey, "test", "hold ran out");
        });
        (await second.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var responses = await Task.WhenAll(first.CheckOutAsync(CheckoutScenario.Body()), second.CheckOutAsync(CheckoutScenario.Body()));

        Assert.Equal(HttpStatusCode.Conflict, responses[0].StatusCode);
        Assert.Equal(HttpStatusCode.Created, responses[1].StatusCode);
        var problem = JsonDocument.Parse(await responses[0].Content.ReadAsStringAsync()).RootElement;
        var line = Assert.Single(problem.GetProperty("lines").EnumerateArray());
        Assert.Equal((sku, 0, "hold-ran-out"), (line.GetProperty("sku").GetString(), line.GetProperty("available").GetInt32(), line.GetProperty("reason").GetString()));
        Assert.Equal((0, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));
        Assert.Empty(await store.FullAuditAsync());
    }
}
