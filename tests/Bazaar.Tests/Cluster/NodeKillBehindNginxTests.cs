using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Npgsql;

namespace Bazaar.Tests.Cluster;

// Two store processes behind a real nginx (the config scripts/cluster.sh writes), one PostgreSQL. Shoppers check out
// through nginx with an Idempotency-Key and, like any client told to, repeat the same key on a 502/503 or a cut
// connection. One node is killed (SIGKILL) while the checkouts are in flight. Every shopper ends with exactly one
// order: none lost, none twice; and none even sees the kill, because nginx passes a keyed request cut off on the
// killed node to the other one (proxy_next_upstream ... non_idempotent, only for requests with a key).
public class NodeKillBehindNginxTests
{
    private const int Shoppers = 40;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Keyed_checkouts_through_nginx_survive_a_node_killed_mid_burst_with_none_lost_and_none_twice()
    {
        Assert.SkipUnless(TestDatabase.UsesPostgres, "Two processes share one database in the PostgreSQL pass.");
        Assert.SkipUnless(File.Exists(NginxProxy.Binary), "nginx is not installed (./test.sh installs it).");
        await using var database = await TestDatabase.CreateAsync();
        var ports = StoreNode.FreePorts(3);
        await using var survivor = StoreNode.Start(database, ports[0]);
        await survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await using var victim = StoreNode.Start(database, ports[1]);
        await victim.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await using var nginx = await NginxProxy.StartAsync(ports[2], ports[0], ports[1]);

        var sku = await StockedProductAsync(survivor.Address, units: 500);
        var shoppers = new List<HttpClient>();
        try
        {
            for (var i = 0; i < Shoppers; i++)
            {
                var shopper = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false })
                    { BaseAddress = nginx.Address, Timeout = TimeSpan.FromSeconds(20) };
                shoppers.Add(shopper);
                (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
            }

            var answers = new ConcurrentBag<(int Shopper, HttpStatusCode Status, long OrderId, int Tries)>();
            var firstAnswers = new TaskCompletionSource();
            var burst = shoppers.Select((shopper, i) => Task.Run(async () =>
            {
                var key = Guid.NewGuid().ToString();
                var (status, orderId, tries) = await CheckOutRetryingAsync(shopper, key);
                answers.Add((i, status, orderId, tries));
                if (answers.Count >= 4) firstAnswers.TrySetResult();
            })).ToList();
            await firstAnswers.Task.WaitAsync(Bound);
            victim.Kill();
            await Task.WhenAll(burst).WaitAsync(Bound);

            var notPlaced = answers.Where(a => a.Status != HttpStatusCode.Accepted).ToList();
            Assert.True(notPlaced.Count == 0, "Shoppers without an order: " + string.Join(", ", notPlaced));
            Assert.Equal(Shoppers, answers.Select(a => a.OrderId).Distinct().Count());
            // nginx passed the checkouts cut off by the kill on to the other node: no shopper had to repeat one.
            var repeated = answers.Where(a => a.Tries > 1).ToList();
            Assert.True(repeated.Count == 0, "Shoppers who were answered 502/503 or cut off and had to repeat: " + string.Join(", ", repeated));
            await using var db = new NpgsqlConnection(database.ConnectionString);
            await db.OpenAsync();
            Assert.Equal(Shoppers, await CountAsync(db, "SELECT count(*) FROM orders"));
            Assert.Equal(Shoppers, await CountAsync(db, "SELECT count(*) FROM checkout_requests"));
            Assert.Equal(Shoppers, await CountAsync(db, "SELECT count(DISTINCT order_id) FROM checkout_requests"));
            var stock = JsonDocument.Parse(await new HttpClient { BaseAddress = survivor.Address }
                .GetStringAsync(new Uri($"/api/stock/{sku}", UriKind.Relative))).RootElement;
            Assert.Equal(500 - Shoppers, stock.GetProperty("available").GetInt32());
            Assert.Equal(0, await AuditAsync(database));

            // What nginx did for the keyed checkouts the kill cut off (informative: which requests were in flight on
            // the killed node depends on timing).
            var retried = File.ReadLines(nginx.AccessLog).Count(l => l.Contains("POST /api/checkout", StringComparison.Ordinal)
                && l.Contains("statuses=", StringComparison.Ordinal) && l.Contains(", ", StringComparison.Ordinal));
            TestContext.Current.SendDiagnosticMessage(
                $"{Shoppers} keyed checkouts, node {victim.Port} killed after {4}+ answers: {retried} passed on by nginx to the other node, "
                + $"{answers.Sum(a => a.Tries - 1)} repeated by clients");
        }
        finally
        {
            shoppers.ForEach(s => s.Dispose());
        }
    }

    // A client that keeps its Idempotency-Key: it repeats the request on 502/503 and on a cut connection or timeout,
    // until the store answers for good (bounded).
    private static async Task<(HttpStatusCode Status, long OrderId, int Tries)> CheckOutRetryingAsync(HttpClient shopper, string key)
    {
        var deadline = DateTime.UtcNow + Bound;
        for (var tries = 1; ; tries++)
        {
            try
            {
                using var response = await shopper.PlaceAsync(CheckoutScenario.Body(), key);
                if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                    or HttpStatusCode.GatewayTimeout))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    var id = response.StatusCode == HttpStatusCode.Accepted
                        ? JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetInt64() : -1;
                    return (response.StatusCode, id, tries);
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) return (HttpStatusCode.RequestTimeout, -1, tries);
            await Task.Delay(100);
        }
    }

    private static async Task<string> StockedProductAsync(Uri node, int units)
    {
        using var admin = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = node };
        (await admin.PostAsJsonAsync("/api/account/sign-in", new { email = StoreFactory.AdminEmail, password = StoreFactory.AdminPassword }))
            .EnsureSuccessStatusCode();
        var tree = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement;
        var sku = "NK-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        (await admin.PostAsJsonAsync("/api/admin/products",
            new { sku, title = $"Node kill item {sku}", brand = "Bazaar", price = CheckoutScenario.UnitPrice, categoryId = tree[0].GetProperty("id").GetInt32() }))
            .EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = units, reason = "test stock" })).EnsureSuccessStatusCode();
        return sku;
    }

    private static async Task<long> CountAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The store's own audit command (every invariant) on the database both nodes used.
    private static async Task<int> AuditAsync(TestDatabase database)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Bazaar.Web.dll"), "audit"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Postgres"] = database.ConnectionString,
                ["Database__DataDirectory"] = Path.Combine(Path.GetTempPath(), "bazaar-tests", "audit-" + Guid.NewGuid().ToString("N")),
                ["Accounts__AdminEmail"] = StoreFactory.AdminEmail,
                ["Accounts__AdminPassword"] = StoreFactory.AdminPassword,
                ["Payments__Gateway"] = "Sandbox",
                ["Payments__WebhookSecret"] = StoreFactory.WebhookSecret,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.True(process.ExitCode == 0, $"audit: {await output} {await error}");
        return process.ExitCode;
    }
}
