using System.Net;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Bazaar.Tests.Faults;

// Redis killed in the middle of a gate sale and started again (empty, as after a crash): while it is gone the gate lets
// the database decide, promptly and without overselling; once it is back the gate counts in Redis again, its tokens
// rebuilt from the database.
[Collection(FaultServices.Collection)]
public class RedisLossTests
{
    private const int Units = 30;
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Losing_redis_during_a_gate_sale_falls_back_to_the_database_and_never_oversells()
    {
        FaultServices.SkipUnlessConfigured();
        Assert.SkipUnless(TestDatabase.UsesPostgres, "The gate across nodes (Redis) runs in the PostgreSQL pass.");
        await using var store = new StoreFactory().With("ConnectionStrings:Redis", FaultServices.Redis);
        await store.InitializeAsync();
        var sku = await store.CreateStockedProductAsync(Units, "gate");

        var before = await Burst.AddAsync(await Burst.ShoppersAsync(store, 10, ClientTimeout), sku);
        Assert.All(before, a => Assert.Equal(HttpStatusCode.OK, a.Status));

        var during = await Burst.ShoppersAsync(store, 30, ClientTimeout);
        IReadOnlyList<Burst.Answer> outage;
        HttpResponseMessage readiness;
        await FaultServices.StopAsync("redis");
        try
        {
            outage = await Burst.AddAsync(during, sku);
            using var probe = store.CreateClient();
            readiness = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }
        finally
        {
            await FaultServices.StartAsync("redis");
        }
        Assert.True(outage.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict), "While Redis was down: " + Burst.Describe(outage));
        Assert.Equal(Units - 10, outage.Count(a => a.Status == HttpStatusCode.OK));
        // Without the fallback each of these waited out Redis's 5 s timeout, then got a 500.
        Assert.All(outage, a => Assert.True(a.Took < TimeSpan.FromSeconds(5), $"An answer took {a.Took}"));

        // Still ready (it sells), and says what is missing.
        Assert.Equal(HttpStatusCode.OK, readiness.StatusCode);
        var checks = System.Text.Json.JsonDocument.Parse(await readiness.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal("Degraded", checks.GetProperty("redis").GetProperty("status").GetString());

        var redis = store.Services.GetRequiredService<IConnectionMultiplexer>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!redis.IsConnected)
        {
            Assert.True(DateTime.UtcNow < deadline, "The node did not reconnect to Redis within 30 s");
            await Task.Delay(100);
        }

        // Five shoppers who bought while Redis was gone give their unit back; ten more shoppers get exactly those five.
        var holders = during.Where((_, i) => outage[i].Status == HttpStatusCode.OK).Take(5).ToList();
        foreach (var holder in holders)
            Assert.Equal(HttpStatusCode.NoContent, (await holder.DeleteAsync(new Uri($"/api/cart/items/{sku}", UriKind.Relative))).StatusCode);
        var after = await Burst.AddAsync(await Burst.ShoppersAsync(store, 10, ClientTimeout), sku);
        Assert.True(after.All(a => a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict), "After Redis returned: " + Burst.Describe(after));
        Assert.Equal(5, after.Count(a => a.Status == HttpStatusCode.OK));

        Assert.Equal(Units, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
        // The gate counts in Redis again: its tokens were seeded afresh from the database. (Not necessarily 0: a refresh
        // racing holds still in the queue may leave a spare token, which only costs its bearer a database round trip.)
        Assert.True(await redis.GetDatabase().KeyExistsAsync("bazaar:gate:" + sku), "The gate's tokens were not rebuilt in Redis");
    }
}
