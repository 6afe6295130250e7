using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bazaar.Tests.Cluster;

// A PostgreSQL primary and a real streaming replica (pg_basebackup), started for this class by scripts/services.sh
// in its own state directory and stopped at the end. The replica's replay is paused to make it lag, then the replica
// is stopped: listings (reads that may lag) come from the replica only while it keeps up, and from the primary when
// it falls behind the bound or goes away; stock and the product itself always come from the primary.
public sealed class ReplicaServices : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "bazaar-tests", "replica-" + Guid.NewGuid().ToString("N")[..8]);
    public string Primary { get; private set; } = "";
    public int ReplicaPort { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!TestDatabase.UsesPostgres) return;
        await RunAsync("start", "--postgres", "--replica");
        var env = File.ReadAllLines(Path.Combine(Directory, "env"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l[7..].Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('\''));
        Primary = env["BAZAAR_PG_CONNECTION"];
        ReplicaPort = int.Parse(env["BAZAAR_PG_REPLICA_PORT"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public string ReplicaOf(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = ReplicaPort, Timeout = 3, Pooling = false }.ToString();

    public Task StopReplicaAsync() => RunAsync("down", "replica");

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Directory, "env"))) await RunAsync("stop");
    }

    private async Task RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Script(), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BAZAAR_SERVICES_DIR"] = Directory, ["BAZAAR_PG_PORT_START"] = "25432" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
        Assert.True(process.ExitCode == 0, $"services.sh {string.Join(' ', args)} failed: {await output}");
    }

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "services.sh");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }
}

public class ReplicaReadTests(ReplicaServices servers) : IClassFixture<ReplicaServices>
{
    // Wide enough that the reads right after the pause land within it on a busy machine.
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Listings_read_the_replica_while_it_keeps_up_and_the_primary_when_it_lags_or_is_down_and_stock_never_the_replica()
    {
        Assert.SkipUnless(TestDatabase.UsesPostgres, "The streaming replica runs in the PostgreSQL pass.");
        var database = await TestDatabase.CreateAsync(postgresServer: servers.Primary);
        await using var store = new StoreFactory()
            .WithDatabase(database)
            .With("ConnectionStrings:PostgresReplica", servers.ReplicaOf(database.ConnectionString))
            .With("Database:ReplicaMaxLag", MaxLag.ToString())
            .With("Database:ReplicaProbeInterval", "00:00:00.100");
        await store.InitializeAsync();
        var replica = store.Services.GetRequiredService<ReadReplica>();
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = store.CreateClient();
        await WaitForAsync(async () => replica.InUse && await ListedTitleAsync(shopper, sku) is not null, "the replica in use, with the product");
        var title = await ListedTitleAsync(shopper, sku);
        using var admin = await store.CreateAdminClientAsync();

        // The replica stops replaying: it still answers, but no longer sees what the primary commits.
        await using var replicaConnection = new NpgsqlConnection(servers.ReplicaOf(database.ConnectionString));
        await replicaConnection.OpenAsync();
        await ExecuteAsync(replicaConnection, "SELECT pg_wal_replay_pause()");
        await using var primary = new NpgsqlConnection(database.ConnectionString);
        await primary.OpenAsync();
        await ExecuteAsync(primary, $"UPDATE products SET title = 'Renamed {sku}' WHERE sku = '{sku}'");

        // Within the bound, the listing comes from the replica (the old title); stock and the product from the primary.
        Assert.Equal(title, await ListedTitleAsync(shopper, sku));
        (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = 5, reason = "test stock" })).EnsureSuccessStatusCode();
        var stock = JsonDocument.Parse(await shopper.GetStringAsync(new Uri($"/api/stock/{sku}", UriKind.Relative))).RootElement;
        Assert.Equal(15, stock.GetProperty("available").GetInt32());
        Assert.Equal(15, (await store.StockOfAsync(sku)).OnHand);
        var id = JsonDocument.Parse(await shopper.GetStringAsync(new Uri($"/api/products?brand=Bazaar&pageSize=100", UriKind.Relative)))
            .RootElement.GetProperty("items").EnumerateArray().First(p => p.GetProperty("sku").GetString() == sku).GetProperty("id").GetInt32();
        var product = JsonDocument.Parse(await shopper.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement;
        Assert.Equal($"Renamed {sku}", product.GetProperty("title").GetString());

        // Past the bound, listings fall back to the primary: the new title.
        await WaitForAsync(async () => await ListedTitleAsync(shopper, sku) == $"Renamed {sku}", "the listing to fall back to the primary");
        Assert.False(replica.InUse);
        Assert.True(replica.Last.LagSeconds > MaxLag.TotalSeconds, "Lag measured: " + replica.Last);
        Assert.True(replica.Last.LagBytes > 0, "Lag measured: " + replica.Last);

        // Replay again: the replica catches up and serves again, lag back to 0.
        await ExecuteAsync(replicaConnection, "SELECT pg_wal_replay_resume()");
        await WaitForAsync(() => Task.FromResult(replica.InUse && replica.Last.LagSeconds < 1), "the replica to catch up");
        Assert.Equal($"Renamed {sku}", await ListedTitleAsync(shopper, sku));

        // The replica stops: listings answer from the primary, at once and afterwards, never an error.
        await ExecuteAsync(primary, $"UPDATE products SET title = 'Again {sku}' WHERE sku = '{sku}'");
        await WaitForAsync(async () => await ListedTitleAsync(shopper, sku) == $"Again {sku}", "the replica to replay the second title");
        await servers.StopReplicaAsync();
        await ExecuteAsync(primary, $"UPDATE products SET title = 'Last {sku}' WHERE sku = '{sku}'");
        for (var i = 0; i < 5; i++) Assert.Equal($"Last {sku}", await ListedTitleAsync(shopper, sku));
        await WaitForAsync(() => Task.FromResult(!replica.InUse && !replica.Last.Reachable), "the probe to see the replica down");
        var home = await shopper.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
    }

    private static async Task<string?> ListedTitleAsync(HttpClient shopper, string sku)
    {
        var response = await shopper.GetAsync(new Uri("/api/products?brand=Bazaar&pageSize=100", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .Where(p => p.GetProperty("sku").GetString() == sku).Select(p => p.GetProperty("title").GetString()).FirstOrDefault();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Waited 20 s for " + what);
            await Task.Delay(100);
        }
    }
}
