using System.Net;
using System.Text.Json;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// The round trips one checkout costs, pinned per request as saleor pins query counts: a statement added to placing an
// order, to the gateway's page or to confirming a payment (by the return or by the webhook) fails here and must be
// justified by changing the number. Counted on the provider the run uses (SQLite or PostgreSQL).
public class CheckoutStatementCountTests : IAsyncLifetime
{
    private readonly StoreFactory _store;

    // Statements (COMMIT included) per request, on SQLite and on PostgreSQL. Before issue 15's cuts: placement 16 / 15
    // (SQLite / PostgreSQL), webhook confirmation 23 / 20. SQLite writes one statement per command, PostgreSQL batches
    // a SaveChanges into one round trip. The shipping and tax tables are read once per Checkout:RatesRefreshInterval
    // per node (two reads): the warm-up checkout reads them, and the interval here outlasts the test, so the measured
    // placement never does (with the default 5 s it did or did not, depending on the machine's speed).
    private static readonly Dictionary<string, (int Sqlite, int Postgres)> Pinned = new()
    {
        ["POST /api/checkout"] = (13, 11),
        ["POST /sandbox-gateway/pay"] = (4, 4),
        ["GET /checkout/return"] = (17, 13),
        ["POST /api/payments/webhook"] = (17, 13),
    };

    public CheckoutStatementCountTests()
    {
        StoreFactory? store = null;
        // The sandbox's webhooks go into this test host when the test sends them (its own timer waits ten minutes).
        store = new CheckoutStore()
            .With("Payments:Sandbox:WebhookUrl", "http://localhost/api/payments/webhook")
            .With("Payments:Sandbox:WebhookInterval", "00:10:00")
            .With("Checkout:RatesRefreshInterval", "01:00:00")
            .WithServices(s =>
            {
                s.AddSingleton<StatementCounter>();
                s.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<StatementCounter>());
                s.AddHttpClient(SandboxWebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => store!.Server.CreateHandler());
            });
        _store = store;
    }

    private StatementCounter Counter => _store.Services.GetRequiredService<StatementCounter>();

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    // Every request named, checked together, so that a failure shows each one's statements.
    private void AssertPinned(params string[] requests)
    {
        var wrong = requests.Select(r => (Request: r, Expected: TestDatabase.UsesPostgres ? Pinned[r].Postgres : Pinned[r].Sqlite))
            .Where(r => Counter.Of(r.Request).Count != r.Expected)
            .Select(r => $"expected {r.Expected}, got {Counter.Describe(r.Request)}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n\n", wrong));
    }

    [Fact]
    public async Task Placing_paying_and_returning_cost_the_pinned_number_of_statements()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        // Warm: the first checkout of a host compiles its queries and reads settings once.
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        using var buyer = await _store.ShopperWithCartAsync(sku, 1);

        Counter.Recording = true;
        var response = await buyer.CheckOutAsync(CheckoutScenario.Body());
        Counter.Recording = false;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        AssertPinned("POST /api/checkout", "POST /sandbox-gateway/pay", "GET /checkout/return");
        Assert.Empty(await _store.FullAuditAsync());
    }

    [Fact]
    public async Task A_payment_confirmed_by_the_gateways_webhook_costs_the_pinned_number_of_statements()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        using var warm = await _store.ShopperWithCartAsync(sku, 1);
        Assert.Equal(HttpStatusCode.Created, (await warm.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        await SendWebhooksAsync();
        using var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var json = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        // The shopper pays but never comes back: the webhook is what places the order.
        using var page = _store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var paid = await page.PayOnGatewayAsync(json.GetProperty("paymentUrl").GetString()!, SandboxCard.Succeeds);
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);

        Counter.Recording = true;
        Assert.Equal(1, await SendWebhooksAsync());
        Counter.Recording = false;

        var order = await shopper.OrderAsync(json.GetProperty("orderId").GetInt64());
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        AssertPinned("POST /api/payments/webhook");
        Assert.Empty(await _store.FullAuditAsync());
    }

    private Task<int> SendWebhooksAsync() => _store.Services.GetRequiredService<SandboxWebhookSender>().SendDueAsync(CancellationToken.None);
}
