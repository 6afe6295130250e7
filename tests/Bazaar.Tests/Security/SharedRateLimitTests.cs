using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Issue 14, throttling behind a load balancer: every abuse limit was counted in each node's memory, so an attacker
// whose requests were spread over two nodes got twice the budget (N nodes, N times). With Redis configured (the
// scaled-out shape) the two nodes below count in one place, and the budget is exact however the requests fall. Each
// test plays an attacker from an address of its own, since the counts live in the shared Redis for their window.
public sealed class SharedRateLimitTests : IAsyncLifetime
{
    private const int Budget = 4;
    private const int Attempts = 12;
    private static readonly string? Redis = Environment.GetEnvironmentVariable("BAZAAR_TEST_REDIS");
    private StoreFactory? _nodeA;
    private StoreFactory? _nodeB;

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrEmpty(Redis)) return;
        _nodeA = Node(Redis);
        await _nodeA.InitializeAsync();
        _nodeB = Node(Redis).SharingDatabaseWith(_nodeA);
        await _nodeB.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_nodeB is not null) await _nodeB.DisposeAsync();
        if (_nodeA is not null) await _nodeA.DisposeAsync();
    }

    // Every limit this test class reaches, set to the same small budget.
    private static StoreFactory Node(string redis) => new StoreFactory()
        .With("ConnectionStrings:Redis", redis)
        .With("Accounts:RegistrationsPerHour", "4")
        .With("Accounts:SignInAttemptsPerMinute", "4")
        .With("Accounts:SignInFreeFailuresPerAccount", "1000")
        .With("Accounts:SignInFreeFailuresPerClient", "1000")
        .With("Search:RequestsPerClientPerMinute", "4")
        .With("Cart:NewGuestsPerClientPerMinute", "4")
        .With("Checkout:RequestsPerClientPerMinute", "4");

    private static string FreshAddress() =>
        $"10.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}";

    // Attempts alternate between the nodes and are sent all at once.
    private async Task<HttpStatusCode[]> SpreadAsync(Func<HttpClient, int, Task<HttpResponseMessage>> attempt)
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Redis), "Counting across nodes needs Redis (BAZAAR_TEST_REDIS).");
        var address = FreshAddress();
        var clients = Enumerable.Range(0, Attempts)
            .Select(i => (i % 2 == 0 ? _nodeA! : _nodeB!).CreateClient().From(address)).ToList();
        var answers = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            using var response = await attempt(client, i);
            return response.StatusCode;
        }));
        clients.ForEach(c => c.Dispose());
        Assert.DoesNotContain(answers, a => (int)a >= 500);
        return answers;
    }

    private static void AssertBudgetExact(HttpStatusCode[] answers)
    {
        Assert.Equal(Budget, answers.Count(a => a != HttpStatusCode.TooManyRequests));
        Assert.Equal(Attempts - Budget, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Registrations_spread_over_two_nodes_get_the_address_budget_once()
    {
        var answers = await SpreadAsync((client, i) => client.PostAsJsonAsync("/api/account/register",
            new { email = $"flood-{Guid.NewGuid():N}@tests.local", password = "flood-password-1" }));

        AssertBudgetExact(answers);
    }

    [Fact]
    public async Task Sign_in_attempts_spread_over_two_nodes_get_the_address_budget_once()
    {
        var answers = await SpreadAsync((client, i) => client.PostAsJsonAsync("/api/account/sign-in",
            new { email = StoreFactory.AdminEmail, password = "not-the-password-" + i }));

        AssertBudgetExact(answers);
    }

    [Fact]
    public async Task Searches_spread_over_two_nodes_get_the_address_budget_once()
    {
        var answers = await SpreadAsync((client, i) => client.GetAsync(new Uri("/api/search?q=cable", UriKind.Relative)));

        AssertBudgetExact(answers);
    }

    [Fact]
    public async Task Fresh_guest_carts_spread_over_two_nodes_get_the_address_budget_once()
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Redis), "Counting across nodes needs Redis (BAZAAR_TEST_REDIS).");
        var sku = await _nodeA!.CreateStockedProductAsync(100);

        var answers = await SpreadAsync((client, i) => client.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 }));

        AssertBudgetExact(answers);
        Assert.Equal(Budget, (await _nodeB!.StockOfAsync(sku)).Reserved);
    }

    [Fact]
    public async Task Checkout_requests_spread_over_two_nodes_get_the_address_budget_once()
    {
        var answers = await SpreadAsync((client, i) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout")
            {
                Content = JsonContent.Create(new { email = "buyer@tests.local" }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return client.SendAsync(request);
        });

        AssertBudgetExact(answers);
    }
}

// Redis is configured but cannot be reached (nothing listens on its port): each node counts alone, as in the embedded
// shape, and no shopper gets a 500 or waits for Redis.
public sealed class RateLimitFallbackTests : IAsyncLifetime
{
    private const string NoRedis = "127.0.0.1:1,connectTimeout=200";
    private readonly StoreFactory _nodeA = Node();
    private StoreFactory _nodeB = default!;

    public async ValueTask InitializeAsync()
    {
        await _nodeA.InitializeAsync();
        _nodeB = Node().SharingDatabaseWith(_nodeA);
        await _nodeB.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
    }

    private static StoreFactory Node() => new StoreFactory()
        .With("ConnectionStrings:Redis", NoRedis)
        .With("Search:RequestsPerClientPerMinute", "4");

    [Fact]
    public async Task Searches_are_counted_on_each_node_while_Redis_is_down_and_nobody_gets_a_500()
    {
        var clients = Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? _nodeA : _nodeB).CreateClient().From("10.0.0.77")).ToList();

        var answers = await Task.WhenAll(clients.Select(async client =>
        {
            using var response = await client.GetAsync(new Uri("/api/search?q=cable", UriKind.Relative));
            return response.StatusCode;
        }));

        Assert.Equal(8, answers.Count(a => a == HttpStatusCode.OK));
        Assert.Equal(4, answers.Count(a => a == HttpStatusCode.TooManyRequests));
        clients.ForEach(c => c.Dispose());
    }
}
