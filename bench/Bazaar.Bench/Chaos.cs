using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Bazaar.Bench;

// The store's promises under faults: several nodes on one PostgreSQL and one Redis, buyers who hold a unit of a sale
// SKU, check out with their own Idempotency-Key and pay on the gateway's page, an admin who ships every paid order
// with a key of its own, and one fault in the middle (a node killed with SIGKILL, PostgreSQL restarted or away for a
// while, Redis killed, holds expiring as buyers check out, the database's disk full). Every client retries with its
// key, on another node, until a deadline. Afterwards the database is counted exactly and the audit is run.
public static class Chaos
{
    private const string Sku = "CHAOS-SALE-1";
    private const string ProbeSku = "CHAOS-PROBE-1";
    private static readonly string[] Scenarios = ["kill-node", "db-restart", "db-outage", "redis-loss", "expiry-race", "disk-full"];

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var scenario = args.Text("scenario", "kill-node", Scenarios);
        var strategy = args.Text("strategy", "gate", "row-lock", "queue", "gate");
        var nodeCount = args.Number("nodes", 3, 1, 5);
        var units = args.Number("units", 200, 1, 100_000);
        var buyers = args.Number("buyers", 400, 1, 100_000);
        var concurrency = args.Number("concurrency", 64, 1, 2000);
        var faultAt = args.Number("fault-at", 3, 0, 600);
        var faultFor = args.Number("fault-for", 8, 0, 600);
        var deadlineSeconds = args.Number("deadline", 180, 10, 1800);
        var json = args.Optional("json");
        var reuse = args.Flag("no-publish");
        args.RejectUnknown();

        Console.WriteLine($"chaos {scenario}: {nodeCount} node(s) behind nginx (scripts/cluster.sh), strategy {strategy}, {units} units, "
            + $"{buyers} buyers, {concurrency} in flight, fault at {faultAt} s for {faultFor} s, deadline {deadlineSeconds} s");
        var publish = await ChaosCluster.PublishAsync(reuse);

        string? mount = null;
        try
        {
            if (scenario == "disk-full") mount = await MountSmallDiskAsync();
            await using var cluster = await ChaosCluster.StartAsync(mount, publish, nodeCount, Settings(scenario));
            await PrepareAsync(cluster, units, strategy);

            var run = new Run(cluster, TimeSpan.FromSeconds(deadlineSeconds));
            var fault = new FaultClock();
            var load = run.LoadAsync(buyers, concurrency, scenario == "expiry-race");
            var faults = InjectAsync(scenario, run, cluster, mount, fault, TimeSpan.FromSeconds(faultAt), TimeSpan.FromSeconds(faultFor));
            await Task.WhenAll(load, faults);
            await run.ShipRemainingAsync();
            await SettleAsync(cluster, TimeSpan.FromSeconds(60));

            var counts = await CountAsync(cluster);
            var (auditOk, violations) = await cluster.AuditAsync();
            var result = new ChaosResult
            {
                Scenario = scenario,
                Strategy = strategy,
                Nodes = nodeCount,
                Units = units,
                Buyers = buyers,
                Concurrency = concurrency,
                Requests = run.Answers.Values.Sum(),
                Answers = new SortedDictionary<string, int>(run.Answers.ToDictionary(a => a.Key, a => a.Value), StringComparer.Ordinal),
                Held = run.Held,
                PlacedSeenByClients = run.Placed,
                Orders = counts.Orders,
                PaidOrders = counts.PaidOrders,
                PaymentsAuthorised = counts.Authorised,
                PaymentsCaptured = counts.Captured,
                PaymentsCapturing = counts.Capturing,
                Shipped = counts.Shipped,
                ShipsAnsweredOk = run.ShipsOk,
                DuplicateOrdersPerKey = counts.DuplicatesPerKey,
                DuplicatePaidOrdersPerShopper = counts.DuplicatesPerShopper,
                Lost = run.PlacedOrders.Count(id => !counts.PaidOrderIds.Contains(id)),
                Oversold = Math.Max(0, counts.UnitsSold - units),
                UnitsSold = counts.UnitsSold,
                Stranded = counts.StaleActiveHolds + violations.Count(v => v.Contains("stranded", StringComparison.Ordinal)),
                AuditOk = auditOk,
                AuditViolations = violations,
                FaultStartS = fault.Started,
                FaultEndS = fault.Ended,
                RecoverySeconds = fault.Recovered,
                ClientErrorWindowS = run.ErrorWindow(),
                WallSeconds = Math.Round(run.Wall.TotalSeconds, 1),
                Machine = $"{System.Environment.ProcessorCount} cores, {System.Environment.OSVersion}, .NET {System.Environment.Version}",
                Commit = (await Repo.RunAsync("git", ["rev-parse", "--short", "HEAD"])).Output.Trim(),
                RanAt = DateTimeOffset.UtcNow,
            };
            Print(result);
            if (json is not null)
            {
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions
                {
                    WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                }));
                if (!result.Holds) await cluster.CopyLogsAsync(json);
            }
            return result.Holds ? 0 : 1;
        }
        finally
        {
            // The cluster is stopped (by `await using`) before its file system goes.
            if (mount is not null) await UnmountAsync(mount);
        }
    }

    // Every node's settings on top of cluster.sh's: no bundled catalogue (the run makes its own SKUs), limits that fit
    // thousands of buyers behind one loopback address, captures reconciled within the run.
    private static List<string> Settings(string scenario)
    {
        var settings = new List<string>
        {
            "Database:ImportBundledCatalog=false", "Inventory:SeedDemoStock=false", "Recommendations:DemoOrdersOnFirstStart=0",
            "Logging:LogLevel:Default=Warning", "Logging:LogLevel:Microsoft.EntityFrameworkCore=Critical",
            "Checkout:RequestsPerClientPerMinute=1000000", "Checkout:RequestsPerShopperPerMinute=1000",
            "Checkout:PlacementsPerShopperPerMinute=1000", "Cart:AddsPerShopperPerMinute=1000",
            $"{StoreNode.LoadGeneratorSetting.Replace("__", ":", StringComparison.Ordinal)}={StoreNode.LoadGeneratorAddress}",
            "Payments:Sandbox:AttemptsPerClientPerMinute=100000",
            "Payments:ReconcileAfter=00:00:05", "Payments:ReconcileInterval=00:00:02", "Payments:GatewayTimeout=00:00:05",
        };
        if (scenario == "expiry-race")
        {
            // Holds end while their buyers check out: the sweeper and checkout race for each.
            settings.Add("Inventory:ReservationTtl=00:00:02");
            settings.Add("Inventory:SweepInterval=00:00:00.250");
        }
        return settings;
    }

    private static async Task PrepareAsync(ChaosCluster cluster, int units, string strategy)
    {
        using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = cluster.Url };
        (await admin.PostAsJsonAsync("/api/account/sign-in", new { email = cluster.AdminEmail, password = cluster.AdminPassword })).EnsureSuccessStatusCode();
        var category = await (await admin.PostAsJsonAsync("/api/admin/categories", new { name = "Chaos sale" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = category.GetProperty("id").GetInt32();
        foreach (var (sku, quantity, how) in new[] { (Sku, units, strategy), (ProbeSku, 1_000_000, "row-lock") })
        {
            (await admin.PostAsJsonAsync("/api/admin/products", new { sku, title = sku, brand = "Bazaar", price = 19.00m, categoryId = id })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity, reason = "chaos stock" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/admin/stock/{sku}/settings", new { strategy = how, purchaseLimit = 1 })).EnsureSuccessStatusCode();
        }
    }

    // When the fault began and ended, and how long after its end every node served a real write again (seconds since
    // the load started).
    private sealed class FaultClock
    {
        public double? Started { get; set; }
        public double? Ended { get; set; }
        public double? Recovered { get; set; }
    }

    private static async Task InjectAsync(string scenario, Run run, ChaosCluster services, string? mount, FaultClock clock,
        TimeSpan at, TimeSpan length)
    {
        await Task.Delay(at);
        clock.Started = Math.Round(run.Elapsed, 2);
        Console.WriteLine($"[{run.Elapsed,6:0.0}s] fault: {scenario}");
        switch (scenario)
        {
            case "kill-node":
                var victim = services.NodeUrls.Count > 1 ? 2 : 1;
                await services.RunAsync("kill-node", victim.ToString(CultureInfo.InvariantCulture));
                await Task.Delay(length);
                clock.Ended = Math.Round(run.Elapsed, 2);
                await services.RunAsync("start-node", victim.ToString(CultureInfo.InvariantCulture));
                break;
            case "db-restart":
                await services.DownAsync("postgres");
                await services.UpAsync("postgres");
                clock.Ended = Math.Round(run.Elapsed, 2);
                break;
            case "db-outage":
                await services.DownAsync("postgres");
                await Task.Delay(length);
                clock.Ended = Math.Round(run.Elapsed, 2);
                await services.UpAsync("postgres");
                break;
            case "redis-loss":
                await services.DownAsync("redis");
                await Task.Delay(length);
                clock.Ended = Math.Round(run.Elapsed, 2);
                await services.UpAsync("redis");
                break;
            case "disk-full":
                var ballast = Path.Combine(mount!, "ballast");
                await FillAsync(ballast);
                await Task.Delay(length);
                clock.Ended = Math.Round(run.Elapsed, 2);
                File.Delete(ballast);
                break;
            default:
                // expiry-race: the fault is the short hold itself; nothing to heal.
                clock.Ended = clock.Started;
                break;
        }
        Console.WriteLine($"[{run.Elapsed,6:0.0}s] fault healed");
        var recovered = await run.WaitUntilEveryNodeWritesAsync(TimeSpan.FromSeconds(120));
        clock.Recovered = recovered is { } r ? Math.Round(r - clock.Ended!.Value, 2) : null;
        Console.WriteLine($"[{run.Elapsed,6:0.0}s] recovered: {(clock.Recovered is { } s ? s + " s after the fault ended" : "NOT within 120 s")}");
    }

    // The load: buyers (hold, check out with a key, pay) and an admin who ships each paid order with a key.
    private sealed class Run(ChaosCluster cluster, TimeSpan deadline)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<double> _errors = new();
        private readonly System.Threading.Channels.Channel<long> _paid = System.Threading.Channels.Channel.CreateUnbounded<long>();
        private readonly SocketsHttpHandler _handler = new()
        {
            UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        private readonly CookieContainer _adminCookies = new();
        private int _held;
        private int _placed;
        private int _shipsOk;
        private Task? _shipper;

        public ConcurrentDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);
        public ConcurrentBag<long> PlacedOrders { get; } = [];
        public int Held => _held;
        public int Placed => _placed;
        public int ShipsOk => _shipsOk;
        public double Elapsed => _clock.Elapsed.TotalSeconds;
        public TimeSpan Wall { get; private set; }

        // Every shopper and admin request goes through nginx, which picks the node (and, for a keyed POST, tries the
        // next one when a node fails).
        private Uri NodeFor(int n) => cluster.Url;

        private bool Expired => _clock.Elapsed > deadline;

        private void Count(string answer, bool failure)
        {
            Answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            if (failure) _errors.Enqueue(Elapsed);
        }

        private static string Class(int status) => status switch
        {
            -1 => "no answer",
            503 => "503",
            >= 500 => "5xx other",
            429 => "429",
            409 => "409",
            >= 400 => "4xx other",
            >= 300 => "3xx",
            _ => "2xx",
        };

        // One request, counted by its answer's class; -1 when no answer came (refused, reset, timed out).
        private async Task<(int Status, HttpResponseMessage? Response)> SendAsync(Func<HttpRequestMessage> make, string what)
        {
            using var http = new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(15) };
            try
            {
                var response = await http.SendAsync(make());
                var status = (int)response.StatusCode;
                Count($"{what} {Class(status)}", status >= 500);
                return (status, response);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Count($"{what} no answer", true);
                return (-1, null);
            }
        }

        private static bool Retryable(int status) => status is -1 or >= 500 or 429;

        public async Task LoadAsync(int buyers, int concurrency, bool slowBuyers)
        {
            _shipper = ShipLoopAsync();
            using var gate = new SemaphoreSlim(concurrency);
            await Task.WhenAll(Enumerable.Range(0, buyers).Select(async b =>
            {
                await gate.WaitAsync();
                try { await BuyAsync(b, slowBuyers); }
                finally { gate.Release(); }
            }));
            Wall = _clock.Elapsed;
        }

        public async Task ShipRemainingAsync()
        {
            _paid.Writer.TryComplete();
            if (_shipper is not null) await _shipper;
        }

        private async Task BuyAsync(int b, bool slow)
        {
            // The shopper's cookie, from whichever node answers.
            string? cookie = null;
            for (var attempt = 0; cookie is null && !Expired; attempt++)
            {
                var (status, response) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(NodeFor(b + attempt), "/health/live")), "visit");
                cookie = response?.Headers.TryGetValues("Set-Cookie", out var set) == true
                    ? set.FirstOrDefault(c => c.StartsWith("bazaar_shopper=", StringComparison.Ordinal))?.Split(';')[0] : null;
                response?.Dispose();
                if (cookie is null) await Task.Delay(Backoff(attempt));
            }
            if (cookie is null) return;

            var held = false;
            for (var attempt = 0; !Expired; attempt++)
            {
                var (status, response) = await SendAsync(() => WithCookie(new HttpRequestMessage(HttpMethod.Post, new Uri(NodeFor(b + attempt), "/api/cart/items"))
                    { Content = JsonContent.Create(new { sku = Sku, quantity = 1 }) }, cookie), "hold");
                response?.Dispose();
                if (status == 200) { held = true; break; }
                if (!Retryable(status)) break;
                await Task.Delay(Backoff(attempt));
            }
            if (!held) return;
            Interlocked.Increment(ref _held);
            if (slow) await Task.Delay(TimeSpan.FromMilliseconds(1500 + Random.Shared.Next(1000)));

            var key = Guid.NewGuid().ToString();
            for (var attempt = 0; !Expired; attempt++)
            {
                var node = NodeFor(b + attempt);
                var (status, response) = await SendAsync(() => WithKey(WithCookie(new HttpRequestMessage(HttpMethod.Post, new Uri(node, "/api/checkout"))
                    { Content = JsonContent.Create(FlashSale.CheckoutBody) }, cookie), key), "checkout");
                if (status == 202)
                {
                    var body = await response!.Content.ReadFromJsonAsync<JsonElement>();
                    response.Dispose();
                    status = await PayAsync(node, cookie, body.GetProperty("paymentUrl").GetString()!);
                    if (status == 201)
                    {
                        await PlacedAsync(body.GetProperty("orderId").GetInt64());
                        return;
                    }
                    // Paid but the way back was cut (the node died): asking again with the key tells the outcome
                    // once the gateway's webhook has placed the order.
                    if (status != 402 && attempt < 12)
                    {
                        await Task.Delay(Backoff(attempt));
                        continue;
                    }
                }
                else if (status == 201)
                {
                    var body = await response!.Content.ReadFromJsonAsync<JsonElement>();
                    response.Dispose();
                    await PlacedAsync(body.GetProperty("orderId").GetInt64());
                    return;
                }
                else response?.Dispose();
                if (!Retryable(status)) return;
                await Task.Delay(Backoff(attempt));
            }
        }

        private async Task PlacedAsync(long orderId)
        {
            Interlocked.Increment(ref _placed);
            PlacedOrders.Add(orderId);
            await _paid.Writer.WriteAsync(orderId);
        }

        // The card on the gateway's page, then the return to the store (which places the order): 201 when placed.
        private async Task<int> PayAsync(Uri node, string cookie, string payAt)
        {
            var (paid, response) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(node, payAt)) { Content = FlashSale.CardForm() }, "pay");
            var back = response?.Headers.Location;
            response?.Dispose();
            if (paid is not (302 or 303) || back is null) return paid;
            var (status, returned) = await SendAsync(() => WithCookie(new HttpRequestMessage(HttpMethod.Get, back.IsAbsoluteUri ? back : new Uri(node, back)), cookie), "return");
            var location = returned?.Headers.Location?.OriginalString ?? "";
            returned?.Dispose();
            return location.Contains("placed=Paid", StringComparison.Ordinal) ? 201 : status is -1 or >= 500 ? status : 409;
        }

        // Ships each paid order as it comes, eight at a time, each with its own key, repeated with it on failure.
        private async Task ShipLoopAsync()
        {
            var signedIn = false;
            for (var attempt = 0; !signedIn && !Expired; attempt++)
            {
                using var http = new HttpClient(new HttpClientHandler { CookieContainer = _adminCookies });
                try
                {
                    signedIn = (await http.PostAsJsonAsync(new Uri(NodeFor(attempt), "/api/account/sign-in"),
                        new { email = cluster.AdminEmail, password = cluster.AdminPassword })).IsSuccessStatusCode;
                }
                catch (HttpRequestException) { }
                if (!signedIn) await Task.Delay(Backoff(attempt));
            }
            await Parallel.ForEachAsync(_paid.Reader.ReadAllAsync(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (orderId, _) =>
            {
                var key = Guid.NewGuid().ToString();
                for (var attempt = 0; !Expired; attempt++)
                {
                    var node = NodeFor((int)orderId + attempt);
                    var (status, response) = await SendAsync(() =>
                    {
                        var request = WithKey(new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"/api/admin/orders/{orderId}/ship")) { Content = JsonContent.Create(new { }) }, key);
                        request.Headers.Add("Cookie", _adminCookies.GetCookieHeader(node));
                        return request;
                    }, "ship");
                    response?.Dispose();
                    if (status == 200) { Interlocked.Increment(ref _shipsOk); return; }
                    if (!Retryable(status)) return;
                    await Task.Delay(Backoff(attempt));
                }
            });
        }

        // The first moment every node has served a hold on the probe SKU (a real write) in a row; null past `within`.
        public async Task<double?> WaitUntilEveryNodeWritesAsync(TimeSpan within)
        {
            var until = _clock.Elapsed + within;
            using var http = new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(3) };
            while (_clock.Elapsed < until)
            {
                var all = true;
                foreach (var node in cluster.NodeUrls)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, "/api/cart/items"))
                            { Content = JsonContent.Create(new { sku = ProbeSku, quantity = 1 }) };
                        using var response = await http.SendAsync(request);
                        if (response.StatusCode != HttpStatusCode.OK) { all = false; break; }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { all = false; break; }
                }
                if (all) return Elapsed;
                await Task.Delay(100);
            }
            return null;
        }

        public double? ErrorWindow()
        {
            var errors = _errors.ToArray();
            return errors.Length == 0 ? null : Math.Round(errors.Max() - errors.Min(), 2);
        }

        private static HttpRequestMessage WithCookie(HttpRequestMessage request, string cookie)
        {
            request.Headers.Add("Cookie", cookie);
            return request;
        }

        private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
        {
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        private static TimeSpan Backoff(int attempt) =>
            TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(attempt, 5))) + Random.Shared.Next(100));
    }

    // Waits until no capture is left half-done (the reconciler's work) and no hold is past its expiry.
    private static async Task SettleAsync(ChaosCluster services, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            try
            {
                await using var db = new NpgsqlConnection(services.Env["BAZAAR_PG_CONNECTION"]);
                await db.OpenAsync();
                var open = await ScalarAsync(db, """
                    SELECT (SELECT count(*) FROM payments WHERE status = 'Capturing')
                         + (SELECT count(*) FROM reservations WHERE status = 'Active' AND expires_at < now())
                    """);
                if (open == 0) return;
            }
            catch (NpgsqlException) { }
            await Task.Delay(500);
        }
    }

    private sealed record Counts(int Orders, int PaidOrders, int Authorised, int Captured, int Capturing, int Shipped, int DuplicatesPerKey,
        int DuplicatesPerShopper, HashSet<long> PaidOrderIds, int UnitsSold, int StaleActiveHolds);

    private static async Task<Counts> CountAsync(ChaosCluster services)
    {
        await using var db = new NpgsqlConnection(services.Env["BAZAAR_PG_CONNECTION"]);
        await db.OpenAsync();
        const string paid = "o.status NOT IN ('PendingPayment', 'Cancelled') AND NOT o.demo";
        var paidIds = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand($"SELECT o.id FROM orders o WHERE {paid}", db))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) paidIds.Add(reader.GetInt64(0));
        return new Counts(
            Orders: await ScalarAsync(db, "SELECT count(*) FROM orders WHERE NOT demo"),
            PaidOrders: await ScalarAsync(db, $"SELECT count(*) FROM orders o WHERE {paid}"),
            Authorised: await ScalarAsync(db, "SELECT count(*) FROM payments WHERE status IN ('Authorised', 'Capturing', 'Captured')"),
            Captured: await ScalarAsync(db, "SELECT count(*) FROM payments WHERE status = 'Captured'"),
            Capturing: await ScalarAsync(db, "SELECT count(*) FROM payments WHERE status = 'Capturing'"),
            Shipped: await ScalarAsync(db, "SELECT count(*) FROM orders WHERE status = 'Shipped' AND NOT demo"),
            DuplicatesPerKey: await ScalarAsync(db, "SELECT count(*) FROM (SELECT order_id FROM checkout_requests WHERE order_id IS NOT NULL GROUP BY shopper_key, key HAVING count(DISTINCT order_id) > 1) d"),
            DuplicatesPerShopper: await ScalarAsync(db, $"SELECT count(*) - count(DISTINCT o.shopper_key) FROM orders o WHERE {paid}"),
            PaidOrderIds: paidIds,
            UnitsSold: await ScalarAsync(db, $"SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku = '{Sku}' AND {paid}"),
            StaleActiveHolds: await ScalarAsync(db, "SELECT count(*) FROM reservations WHERE status = 'Active' AND expires_at < now() - interval '30 seconds'"));
    }

    private static async Task<int> ScalarAsync(NpgsqlConnection db, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    // A 1 GB tmpfs for the whole cluster (its build, PostgreSQL's files, Redis, every node's data directory), so that
    // "disk full" fills a real file system without touching the machine's own disks. Needs root (or CAP_SYS_ADMIN);
    // the run says so and stops otherwise.
    private static async Task<string> MountSmallDiskAsync()
    {
        var dir = Directory.CreateTempSubdirectory("bazaar-chaos-disk.").FullName;
        var (code, output) = await Repo.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1g", "tmpfs", dir]);
        if (code != 0) throw new InvalidOperationException("disk-full mounts a 1 GB tmpfs for the cluster and needs root for it: " + output);
        return dir;
    }

    private static async Task UnmountAsync(string dir)
    {
        await Repo.RunAsync("umount", [dir]);
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
    }

    // Fills the file system until the OS refuses another byte.
    private static async Task FillAsync(string path)
    {
        var chunk = new byte[1 << 20];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        try
        {
            while (true) await file.WriteAsync(chunk);
        }
        catch (IOException)
        {
            // Full.
        }
    }

    private static void Print(ChaosResult r)
    {
        Console.WriteLine();
        var rows = new (string, string)[]
        {
            ("scenario / strategy", $"{r.Scenario} / {r.Strategy}"), ("nodes", r.Nodes.ToString(CultureInfo.InvariantCulture)),
            ("units / buyers", $"{r.Units} / {r.Buyers}"), ("requests", r.Requests.ToString(CultureInfo.InvariantCulture)),
            ("held / placed (clients)", $"{r.Held} / {r.PlacedSeenByClients}"), ("orders / paid", $"{r.Orders} / {r.PaidOrders}"),
            ("payments authorised / captured", $"{r.PaymentsAuthorised} / {r.PaymentsCaptured}"), ("still capturing", r.PaymentsCapturing.ToString(CultureInfo.InvariantCulture)),
            ("shipped / ship answered ok", $"{r.Shipped} / {r.ShipsAnsweredOk}"), ("units sold", r.UnitsSold.ToString(CultureInfo.InvariantCulture)),
            ("oversold", r.Oversold.ToString(CultureInfo.InvariantCulture)), ("duplicate orders per key", r.DuplicateOrdersPerKey.ToString(CultureInfo.InvariantCulture)),
            ("duplicate paid per shopper", r.DuplicatePaidOrdersPerShopper.ToString(CultureInfo.InvariantCulture)),
            ("lost (placed, not in db)", r.Lost.ToString(CultureInfo.InvariantCulture)), ("stranded holds", r.Stranded.ToString(CultureInfo.InvariantCulture)),
            ("audit", r.AuditOk ? "clean" : "VIOLATIONS"), ("fault start / end s", $"{r.FaultStartS} / {r.FaultEndS}"),
            ("recovery s", r.RecoverySeconds?.ToString(CultureInfo.InvariantCulture) ?? "NOT RECOVERED"),
            ("client error window s", r.ClientErrorWindowS?.ToString(CultureInfo.InvariantCulture) ?? "-"), ("wall s", r.WallSeconds.ToString(CultureInfo.InvariantCulture)),
        };
        foreach (var (name, value) in rows) Console.WriteLine($"| {name,-30} | {value,-30} |");
        foreach (var (answer, count) in r.Answers) Console.WriteLine($"|   {answer,-28} | {count,-30} |");
        foreach (var v in r.AuditViolations) Console.WriteLine("  " + v);
        Console.WriteLine(r.Holds ? "promises held" : "PROMISES BROKEN");
    }
}

public sealed class ChaosResult
{
    public required string Scenario { get; init; }
    public required string Strategy { get; init; }
    public int Nodes { get; init; }
    public int Units { get; init; }
    public int Buyers { get; init; }
    public int Concurrency { get; init; }
    public int Requests { get; init; }
    public required SortedDictionary<string, int> Answers { get; init; }
    public int Held { get; init; }
    public int PlacedSeenByClients { get; init; }
    public int Orders { get; init; }
    public int PaidOrders { get; init; }
    public int PaymentsAuthorised { get; init; }
    public int PaymentsCaptured { get; init; }
    public int PaymentsCapturing { get; init; }
    public int Shipped { get; init; }
    public int ShipsAnsweredOk { get; init; }
    public int DuplicateOrdersPerKey { get; init; }
    public int DuplicatePaidOrdersPerShopper { get; init; }
    public int Lost { get; init; }
    public int UnitsSold { get; init; }
    public int Oversold { get; init; }
    public int Stranded { get; init; }
    public bool AuditOk { get; init; }
    public required List<string> AuditViolations { get; init; }
    public double? FaultStartS { get; init; }
    public double? FaultEndS { get; init; }
    public double? RecoverySeconds { get; init; }
    public double? ClientErrorWindowS { get; init; }
    public double WallSeconds { get; init; }
    public required string Machine { get; init; }
    public required string Commit { get; init; }
    public DateTimeOffset RanAt { get; init; }

    public bool Holds => Oversold == 0 && Lost == 0 && DuplicateOrdersPerKey == 0 && DuplicatePaidOrdersPerShopper == 0 && Stranded == 0 && AuditOk
        && RecoverySeconds is not null && PaymentsCapturing == 0;
}
