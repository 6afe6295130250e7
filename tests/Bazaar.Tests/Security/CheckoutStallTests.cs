using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Bazaar.Payments;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Issue 14, finding 4: checkout could be stalled for everyone. The node's placement slots were held while the gateway
// was asked for the payment, and repeats of one Idempotency-Key skipped the rate limit, so 40 threads repeating a
// checkout whose card never answers took every slot: a normal checkout waited 47 s. The limit was per cookie only, so
// fresh guest cookies from one address placed as many orders as they liked.
public class CheckoutStallTests
{
    private const string Attacker = "198.51.100.66";
    private const string Neighbour = "192.0.2.10";
    private const int Limit = 5;

    // The gateway gives up on a card after 3 s, as a real one would after its own timeout; the limits are small so
    // that the test counts them exactly.
    private static async Task<CheckoutStore> StoreAsync(int requestsPerShopper, int requestsPerClient)
    {
        var store = new CheckoutStore();
        store.With("Payments:GatewayTimeout", "00:00:03")
            .With("Checkout:RequestsPerShopperPerMinute", requestsPerShopper.ToString(CultureInfo.InvariantCulture))
            .With("Checkout:RequestsPerClientPerMinute", requestsPerClient.ToString(CultureInfo.InvariantCulture));
        await store.InitializeAsync();
        return store;
    }

    [Fact]
    public async Task Forty_threads_repeating_checkouts_whose_card_never_answers_do_not_delay_another_checkout()
    {
        await using var store = await StoreAsync(Limit, 1000);
        var sku = await store.CreateStockedProductAsync(20);
        using var shopper = (await store.ShopperWithCartAsync(sku, 1)).From(Neighbour);
        // The same checkout with no attack, on this machine now. On an idle machine it takes about 0.1 s and the bound
        // below is about a second; when the suite shares a loaded machine, a calm checkout itself takes seconds and
        // the bound grows with it. Without the fix the shopper waits for the gateway's 3 s timeout five times over.
        using var calm = (await store.ShopperWithCartAsync(sku, 1)).From(Neighbour);
        var calmClock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Created, (await calm.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        calmClock.Stop();
        // The attacker starts four checkouts and never pays: each waits for its payment on the gateway's page.
        var attackers = new List<(HttpClient Client, string Key)>();
        for (var i = 0; i < 4; i++)
            attackers.Add(((await store.ShopperWithCartAsync(sku, 1)).From(Attacker), Guid.NewGuid().ToString()));
        var placed = await Task.WhenAll(attackers.Select(a =>
            a.Client.PlaceAsync(CheckoutScenario.Body(), a.Key)));
        Assert.All(placed, p => Assert.Equal(HttpStatusCode.Accepted, p.StatusCode));

        // Then 40 threads repeat those four checkouts as fast as the store answers, until the shopper has checked out.
        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentBag<(int Attacker, HttpStatusCode Status, bool RetryAfter)>();
        var threads = Enumerable.Range(0, 40).Select(t => Task.Run(async () =>
        {
            var (client, key) = attackers[t % attackers.Count];
            while (!stop.IsCancellationRequested)
            {
                using var answer = await SendAsync(client, CheckoutScenario.Body(), key);
                answers.Add((t % attackers.Count, answer.StatusCode, answer.Headers.RetryAfter is not null));
            }
        })).ToList();
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var checkout = await SendAsync(shopper, CheckoutScenario.Body(), Guid.NewGuid().ToString(),
            deadline.Token);
        clock.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(30));

        // Placed and sent to the gateway's page (the card is typed there, not here).
        Assert.Equal(HttpStatusCode.Accepted, checkout.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + 2 * calmClock.Elapsed,
            $"The shopper's checkout took {clock.Elapsed.TotalMilliseconds:F0} ms under attack, "
            + $"{calmClock.Elapsed.TotalMilliseconds:F0} ms without; the attackers sent {answers.Count} requests.");
        // Each stalled checkout was let through exactly as often as the limit allows (its placing was the first
        // request); every other repeat was refused at once with 429 and Retry-After, and none failed.
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.TooManyRequests,
            $"Got {(int)a.Status}"));
        for (var a = 0; a < attackers.Count; a++)
            Assert.Equal(Limit - 1, answers.Count(x => x.Attacker == a && x.Status == HttpStatusCode.Accepted));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.TooManyRequests), a => Assert.True(a.RetryAfter));
        foreach (var (client, _) in attackers) client.Dispose();
    }

    [Fact]
    public async Task Repeating_one_declined_checkout_forty_times_at_once_is_refused_with_429_beyond_the_limit()
    {
        await using var store = await StoreAsync(Limit, 1000);
        var sku = await store.CreateStockedProductAsync(10);
        using var attacker = (await store.ShopperWithCartAsync(sku, 1)).From(Attacker);
        var key = Guid.NewGuid().ToString();
        var declined = CheckoutScenario.Body(Bazaar.Payments.Sandbox.SandboxCard.Declines);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await attacker.CheckOutAsync(declined, key)).StatusCode);

        var repeats = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => attacker.CheckOutAsync(declined, key)));

        // The placing was the shopper's first request of the minute; four repeats are answered, 36 refused.
        Assert.Equal(Limit - 1, repeats.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        var refused = repeats.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(40 - (Limit - 1), refused.Count);
        var problem = await refused[0].AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("same Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All(refused, r => Assert.InRange(RetryAfterSeconds(r), 1, 60));
    }

    [Fact]
    public async Task Forty_fresh_guest_cookies_from_one_address_place_no_more_orders_than_the_address_limit()
    {
        await using var store = await StoreAsync(1000, Limit);
        var sku = await store.CreateStockedProductAsync(50);
        var guests = new List<HttpClient>();
        for (var i = 0; i < 40; i++) guests.Add((await store.ShopperWithCartAsync(sku, 1)).From(Attacker));
        var orders = await store.OrderCountAsync();

        var answers = await Task.WhenAll(guests.Select(g => g.CheckOutAsync(CheckoutScenario.Body())));

        Assert.Equal(Limit, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(40 - Limit, refused.Count);
        Assert.All(refused, r => Assert.InRange(RetryAfterSeconds(r), 1, 60));
        Assert.Equal(orders + Limit, await store.OrderCountAsync());
        // A shopper at another address is not held back by the attacker's limit.
        using var neighbour = (await store.ShopperWithCartAsync(sku, 1)).From(Neighbour);
        Assert.Equal(HttpStatusCode.Created, (await neighbour.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        guests.ForEach(g => g.Dispose());
    }

    private static int RetryAfterSeconds(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, object body, string key,
        CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout");
        request.Content = JsonContent.Create(body);
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, ct);
    }
}
