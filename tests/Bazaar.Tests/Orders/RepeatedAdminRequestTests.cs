using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Orders;

// An admin whose answer was lost (a node killed, a proxy timing out) repeats the request with the same
// Idempotency-Key: it answers as the first one did, and nothing ships, captures or moves twice.
public class RepeatedAdminRequestTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private async Task<(long Id, string Sku)> PaidOrderAsync(int units)
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, units);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await CheckoutScenario.OrderIdOf(response), sku);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient admin, string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return admin.SendAsync(request);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_shipment_repeated_with_its_key_answers_as_the_first_did_and_ships_nothing_more()
    {
        var (id, sku) = await PaidOrderAsync(2);
        using var admin = await store.CreateAdminClientAsync();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(admin, $"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } }, key);
        var again = await PostAsync(admin, $"/api/admin/orders/{id}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } }, key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var body = await BodyAsync(again);
        Assert.Equal("PartiallyShipped", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("lines")[0].GetProperty("quantityShipped").GetInt32());
        Assert.Single(body.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "ShipPart");
        Assert.Equal(CheckoutScenario.TotalFor(2), (await store.PaymentOfAsync(id))!.Captured);
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task Concurrent_shipments_with_one_key_all_answer_ok_and_capture_once()
    {
        var (id, _) = await PaidOrderAsync(2);
        using var admin = await store.CreateAdminClientAsync();
        var key = Guid.NewGuid().ToString();

        var ships = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(admin, $"/api/admin/orders/{id}/ship", new { }, key)));

        Assert.All(ships, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        var order = await admin.OrderAsync(id, admin: true);
        Assert.Equal("Shipped", order.GetProperty("status").GetString());
        Assert.Single(order.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "ShipRest");
        var payment = (await store.PaymentOfAsync(id))!;
        Assert.Equal(("Captured", CheckoutScenario.TotalFor(2)), (payment.Status, payment.Captured));
        Assert.Empty(await store.FullAuditAsync());
    }

    [Fact]
    public async Task A_new_key_after_everything_shipped_is_still_refused_and_a_key_of_another_action_is_named()
    {
        var (id, _) = await PaidOrderAsync(1);
        using var admin = await store.CreateAdminClientAsync();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, $"/api/admin/orders/{id}/ship", new { }, key)).StatusCode);

        var other = await PostAsync(admin, $"/api/admin/orders/{id}/ship", new { }, Guid.NewGuid().ToString());
        var reused = await PostAsync(admin, $"/api/admin/orders/{id}/deliver", new { }, key);

        await other.AssertProblemAsync(HttpStatusCode.Conflict);
        var problem = await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Idempotency-Key", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Shipped", (await admin.OrderAsync(id, admin: true)).GetProperty("status").GetString());
    }
}
