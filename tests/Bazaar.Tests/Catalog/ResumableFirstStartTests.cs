using System.Text.Json;
using System.Text.Json.Nodes;
using Bazaar.Data;
using Bazaar.Platform;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bazaar.Tests.Catalog;

// The first start imports the catalogue, stocks it, writes demo history and builds the index. Stopped part-way (the
// fault run pressed Ctrl+C during the import and got a "ready" store with 12,000 of 19,406 products, none in stock),
// the next start finishes what is left, and everything is there exactly once.
public class ResumableFirstStartTests
{
    // More than one import batch (1,000 products), so the import can stop between two.
    private const int Products = 1300;
    private const int DemoOrders = 20;

    private static string WriteCatalogue()
    {
        var sample = JsonNode.Parse(File.ReadAllText(StoreFactory.SampleCatalog))!.AsArray()
            .Where(p => p!["price"] is not null && p["supplier"] is not null && p["title"] is not null).ToList();
        var products = new JsonArray();
        for (var n = 0; n < Products; n++)
        {
            var copy = sample[n % sample.Count]!.DeepClone();
            copy["id"] = (1_000_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            copy["title"] = $"{copy["title"]} edition {n}";
            products.Add(copy);
        }
        var path = Path.Combine(Path.GetTempPath(), "bazaar-tests", $"catalogue-{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, products.ToJsonString());
        return path;
    }

    private static StoreFactory Node(TestDatabase database, string catalogue) => new StoreFactory().OnDatabase(database)
        .With("Database:SeedCatalogPath", catalogue)
        .With("Recommendations:DemoOrdersOnFirstStart", DemoOrders.ToString(System.Globalization.CultureInfo.InvariantCulture))
        // A batch refused part-way leaves holes in the change feed; the indexer waits this long for each.
        .With("Search:GapTimeout", "00:00:01");

    // A database refusing writes to `table` from the `after`th row on, as a full disk would (0: every row).
    private static async Task RefuseAsync(TestDatabase database, string table, int after)
    {
        if (database.Provider == "Postgres")
            await ExecuteAsync(database, $"""
                CREATE FUNCTION stop_first_start() RETURNS trigger AS $$
                BEGIN
                    IF (SELECT count(*) FROM {table}) >= {after} THEN RAISE EXCEPTION 'the disk is full'; END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql;
                CREATE TRIGGER stop_first_start BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION stop_first_start();
                """);
        else
            await ExecuteAsync(database, $"""
                CREATE TRIGGER stop_first_start BEFORE INSERT ON {table}
                WHEN (SELECT count(*) FROM {table}) >= {after} BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;
                """);
    }

    private static Task AllowAsync(TestDatabase database, string table) => ExecuteAsync(database, database.Provider == "Postgres"
        ? $"DROP TRIGGER stop_first_start ON {table}; DROP FUNCTION stop_first_start();"
        : "DROP TRIGGER stop_first_start;");

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        if (database.Provider == "Postgres")
        {
            await using var pg = new NpgsqlConnection(database.ConnectionString);
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand(sql, pg);
            await command.ExecuteNonQueryAsync();
            return;
        }
        await using var lite = new SqliteConnection(database.ConnectionString);
        await lite.OpenAsync();
        await using var liteCommand = lite.CreateCommand();
        liteCommand.CommandText = sql;
        await liteCommand.ExecuteNonQueryAsync();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Waited in vain for " + what);
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData("products", 1000)]
    [InlineData("reviews", 0)]
    public async Task A_first_start_stopped_part_way_is_finished_by_the_next_start_with_everything_there_once(string refused, int after)
    {
        var catalogue = WriteCatalogue();
        await using var database = await TestDatabase.CreateAsync();
        await using (var schema = Node(database, catalogue).With("Database:ImportBundledCatalog", "false"))
            await schema.InitializeAsync();
        await RefuseAsync(database, refused, after);

        await using (var stopped = Node(database, catalogue))
        {
            using var client = stopped.CreateClient();
            var readiness = stopped.Services.GetRequiredService<StoreReadiness>();
            await WaitForAsync(() => Task.FromResult(readiness.Stage.StartsWith("first start failed", StringComparison.Ordinal)
                || (refused == "reviews" && readiness.IsReady)), "the first start to stop part-way");
            var (products, demoOrders) = await stopped.WithAsync(async sp => (await sp.GetRequiredService<BazaarDb>().Products.CountAsync(),
                await sp.GetRequiredService<BazaarDb>().Orders.CountAsync(o => o.Demo)));
            Assert.Equal(refused == "products" ? (1000, 0) : (Products, DemoOrders), (products, demoOrders));
        }
        await AllowAsync(database, refused);

        await using var next = Node(database, catalogue);
        await next.InitializeAsync();

        var db = next.Services.CreateScope().ServiceProvider.GetRequiredService<BazaarDb>();
        Assert.Equal(Products, await db.Products.CountAsync());
        Assert.Equal(Products, await db.Products.Select(p => p.ExternalId).Distinct().CountAsync());
        Assert.Equal(Products, await db.StockItems.CountAsync());
        Assert.Equal(DemoOrders, await db.Orders.CountAsync(o => o.Demo));
        var reviews = await db.Reviews.Where(r => r.Demo).Select(r => new { r.ProductId, r.CustomerId }).ToListAsync();
        Assert.NotEmpty(reviews);
        Assert.Equal(reviews.Count, reviews.Distinct().Count());
        Assert.Equal([FirstStartStep.Begun, FirstStartStep.DemoHistory, FirstStartStep.DemoStock, FirstStartStep.Import, FirstStartStep.Index],
            (await db.FirstStartSteps.Select(s => s.Name).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.True(next.Services.GetRequiredService<Bazaar.Search.SearchIndexer>().AppliedThrough >= await db.ProductChanges.MaxAsync(c => c.Id));
        Assert.Empty(await next.FullAuditAsync());
    }

    [Fact]
    public async Task A_store_whose_first_start_finished_does_not_repeat_any_step_at_the_next_start()
    {
        var catalogue = WriteCatalogue();
        await using var database = await TestDatabase.CreateAsync();
        await using (var first = Node(database, catalogue))
            await first.InitializeAsync();

        await using var next = Node(database, catalogue);
        await next.InitializeAsync();

        var db = next.Services.CreateScope().ServiceProvider.GetRequiredService<BazaarDb>();
        Assert.Equal((Products, DemoOrders), (await db.Products.CountAsync(), await db.Orders.CountAsync(o => o.Demo)));
        Assert.Equal(5, await db.FirstStartSteps.CountAsync());
    }
}
