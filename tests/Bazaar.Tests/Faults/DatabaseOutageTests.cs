using System.Net;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Faults;

// PostgreSQL stopped in the middle of a burst of adds and started again: while it is down every shopper is answered
// 503 with Retry-After, promptly, and nothing is half-written; once it is back the same SKU sells again on the same
// node, without a restart, and never more units than there are.
[Collection(FaultServices.Collection)]
public class DatabaseOutageTests
{
    private const int Units = 30;
    private static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("row-lock")]
    [InlineData("queue")]
    [InlineData("gate")]
    public async Task A_database_outage_answers_503_and_the_same_sku_sells_again_without_a_restart(string strategy)
    {
        FaultServices.SkipUnlessConfigured();
        Assert.SkipUnless(TestDatabase.UsesPostgres, "The PostgreSQL outage runs in the PostgreSQL pass (the SQLite pass has the read-only database).");
        await using var store = new StoreFactory()
            .WithDatabase(await TestDatabase.CreateAsync(postgresServer: FaultServices.PostgresServer))
            .With("Inventory:QueueWaitTimeout", QueueWait.ToString());
        await store.InitializeAsync();
        var sku = await store.CreateStockedProductAsync(Units, strategy);

        var before = await Burst.AddAsync(await Burst.ShoppersAsync(store, 10, ClientTimeout), sku);
        Assert.All(before, a => Assert.Equal(HttpStatusCode.OK, a.Status));

        var during = await Burst.ShoppersAsync(store, 20, ClientTimeout);
        IReadOnlyList<Burst.Answer> outage;
        HttpResponseMessage readiness;
        await FaultServices.StopAsync("postgres");
        try
        {
            outage = await Burst.AddAsync(during, sku);
            using var probe = store.CreateClient();
            readiness = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }
        finally
        {
            await FaultServices.StartAsync("postgres");
        }

        Assert.True(outage.All(a => a.Status == HttpStatusCode.ServiceUnavailable), "While the database was down: " + Burst.Describe(outage));
        Assert.All(outage, a => Assert.False(string.IsNullOrEmpty(a.RetryAfter), "A 503 without Retry-After"));
        Assert.All(outage, a => Assert.True(a.Took < QueueWait + TimeSpan.FromSeconds(5), $"An answer took {a.Took}"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        var checks = System.Text.Json.JsonDocument.Parse(await readiness.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("data-directory").GetProperty("status").GetString());

        // Back: the node's pools and the SKU's consumer recover by themselves. A probe shopper retries, as a client
        // told Retry-After would, until it holds a unit (bounded).
        using var retrier = (await Burst.ShoppersAsync(store, 1, ClientTimeout))[0];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Burst.Answer last;
        while ((last = (await Burst.AddAsync([retrier], sku))[0]).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The SKU did not sell again within 30 s of the database's return: " + last.Body);
            await Task.Delay(250);
        }

        var after = await Burst.AddAsync(await Burst.ShoppersAsync(store, 30, ClientTimeout), sku);
        Assert.Equal(Units - 10 - 1, after.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(30 - (Units - 10 - 1), after.Count(a => a.Status == HttpStatusCode.Conflict));
        var stock = await store.StockOfAsync(sku);
        Assert.Equal(Units, stock.Reserved);
        Assert.Empty(await store.AuditAsync());
    }
}
