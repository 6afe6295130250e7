using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Payments;

// The sandbox gateway's webhook sender against a network that fails: a delivery that never reached the store, and one
// the store processed but whose answer was lost, are both sent again after their back-off, and the order is placed
// exactly once. The store and its database are real; only the wire between the sender and the store fails.
public class SandboxWebhookRetryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly FlakyWire _wire = new();
    private readonly StoreFactory _store;

    public SandboxWebhookRetryTests()
    {
        StoreFactory? store = null;
        // The sender's own timer waits ten minutes: the test sends when it decides, on the fake clock.
        store = new CheckoutStore()
            .With("Payments:Sandbox:WebhookUrl", "http://localhost/api/payments/webhook")
            .With("Payments:Sandbox:WebhookInterval", "00:10:00")
            .WithServices(s =>
            {
                s.AddSingleton<TimeProvider>(_clock);
                // One wire for the host's life (the factory would otherwise build a new one every two minutes).
                s.AddHttpClient(SandboxWebhookSender.ClientName).SetHandlerLifetime(Timeout.InfiniteTimeSpan).ConfigurePrimaryHttpMessageHandler(() =>
                {
                    _wire.InnerHandler ??= store!.Server.CreateHandler();
                    return _wire;
                });
            });
        _store = store;
    }

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private Task<int> SendDueAsync() => _store.Services.GetRequiredService<SandboxWebhookSender>().SendDueAsync(CancellationToken.None);

    // An order paid on the gateway's page by a shopper who never came back: only the webhook can place it.
    private async Task<(HttpClient Shopper, long OrderId, string Sku)> PaidButNotReturnedAsync()
    {
        var sku = await _store.CreateStockedProductAsync(5);
        var shopper = await _store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var json = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        using var page = _store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await page.PayOnGatewayAsync(json.GetProperty("paymentUrl").GetString()!, SandboxCard.Succeeds)).StatusCode);
        return (shopper, json.GetProperty("orderId").GetInt64(), sku);
    }

    private async Task AssertPlacedOnceAsync(HttpClient shopper, long orderId, string sku)
    {
        var order = await shopper.OrderAsync(orderId);
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Single(order.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("action").GetString() == "ConfirmPayment");
        var stock = await _store.StockOfAsync(sku);
        Assert.Equal((4, 0), (stock.OnHand, stock.Reserved));
        Assert.Equal("Authorised", (await _store.PaymentOfAsync(orderId))!.Status);
        Assert.Empty(await _store.FullAuditAsync());
    }

    [Fact]
    public async Task A_delivery_that_never_reached_the_store_is_sent_again_after_its_back_off_and_places_the_order_once()
    {
        var (shopper, orderId, sku) = await PaidButNotReturnedAsync();
        _wire.Next(WireFault.Refuse);

        Assert.Equal(0, await SendDueAsync());
        Assert.Equal("PendingPayment", (await shopper.OrderAsync(orderId)).GetProperty("status").GetString());
        // Not due again before its back-off (2 s after the first failure): nothing goes out.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await SendDueAsync());
        Assert.Equal(1, _wire.Attempts);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await SendDueAsync());

        Assert.Equal(2, _wire.Attempts);
        Assert.Equal(new[] { (HttpStatusCode.OK, "applied") }, _wire.Answers);
        await AssertPlacedOnceAsync(shopper, orderId, sku);
        // Delivered: it is not sent again.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await SendDueAsync());
        Assert.Equal(2, _wire.Attempts);
        shopper.Dispose();
    }

    [Fact]
    public async Task A_delivery_whose_answer_was_lost_is_sent_again_and_the_store_processes_it_only_once()
    {
        var (shopper, orderId, sku) = await PaidButNotReturnedAsync();
        _wire.Next(WireFault.LoseAnswer);

        // The store placed the order, but the gateway never heard so: to it the delivery failed.
        Assert.Equal(0, await SendDueAsync());
        Assert.Equal("Paid", (await shopper.OrderAsync(orderId)).GetProperty("status").GetString());

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await SendDueAsync());

        Assert.Equal(new[] { (HttpStatusCode.OK, "applied"), (HttpStatusCode.OK, "duplicate") }, _wire.Answers);
        await AssertPlacedOnceAsync(shopper, orderId, sku);
        shopper.Dispose();
    }

    private enum WireFault
    {
        // The connection fails before the request reaches the store.
        Refuse,

        // The store gets the request and answers, but the answer never reaches the sender.
        LoseAnswer,
    }

    // The wire between the sandbox's sender and the store: faults queued by the test hit the next deliveries.
    private sealed class FlakyWire : DelegatingHandler
    {
        private readonly ConcurrentQueue<WireFault> _faults = new();
        private readonly ConcurrentQueue<(HttpStatusCode, string)> _answers = new();
        private int _attempts;

        public int Attempts => _attempts;

        // What the store answered (status and outcome), lost answers included, in order.
        public IReadOnlyList<(HttpStatusCode Status, string Outcome)> Answers => [.. _answers];

        public void Next(WireFault fault) => _faults.Enqueue(fault);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            WireFault? fault = _faults.TryDequeue(out var next) ? next : null;
            if (fault == WireFault.Refuse) throw new HttpRequestException("Connection refused (the test's wire).");
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var outcome = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString()! : body;
            _answers.Enqueue((response.StatusCode, outcome));
            if (fault != WireFault.LoseAnswer) return response;
            response.Dispose();
            throw new HttpRequestException("The connection was reset before the answer arrived (the test's wire).");
        }
    }
}
