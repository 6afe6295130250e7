using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bazaar.Bench;

// 1000 units, 10000 buyers: every buyer, a distinct shopper with its own cookie, tries to hold one unit at once.
public static class FlashSale
{
    private const string AdminEmail = StoreNode.AdminEmail;
    private const string AdminPassword = StoreNode.AdminPassword;
    private const string Sku = "FLASH-SALE-1";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var units = args.Number("units", 1000, 1, 1_000_000);
        var buyers = args.Number("buyers", 10000, 1, 1_000_000);
        var strategy = args.Text("strategy", "row-lock", "row-lock", "queue", "gate");
        var database = args.Text("database", "sqlite", "sqlite", "postgres");
        var redis = args.Flag("redis");
        var nodes = args.Number("nodes", 1, 1, 2);
        var concurrency = args.Number("concurrency", 1000, 1, 20_000);
        var json = args.Optional("json");
        var checkout = args.Flag("checkout");
        var cpuProbe = args.Number("cpu-probe", 200, 10, 10_000);
        args.RejectUnknown();

        Console.WriteLine($"flash-sale: {units} units, {buyers} buyers, strategy {strategy}, {database}{(redis ? " + redis" : "")}, {nodes} node(s), {concurrency} in flight{(checkout ? ", every holder checks out" : "")}");
        await StoreNode.BuildAsync();
        await using var services = database == "postgres" || redis ? await ThrowawayServices.StartAsync(database == "postgres", redis) : null;
        var dataDir = Directory.CreateTempSubdirectory("bazaar-bench-store.").FullName;
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = database == "postgres" ? "Postgres" : "Sqlite",
            ["Database__DataDirectory"] = dataDir,
            ["Database__ImportBundledCatalog"] = "false",
            ["Inventory__SeedDemoStock"] = "false",
            ["Accounts__AdminEmail"] = AdminEmail,
            ["Accounts__AdminPassword"] = AdminPassword,
            // Benchmarks talk plain http to loopback.
            ["Https__Required"] = "false",
            // Every buyer pays on the sandbox gateway's page, all from this one address.
            ["Payments__Gateway"] = "Sandbox",
            ["Payments__WebhookSecret"] = StoreNode.WebhookSecret,
            ["Payments__Sandbox__AttemptsPerClientPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Critical",
            // Ten thousand buyers check out from this one address; the per-address limit is for real clients.
            ["Checkout__RequestsPerClientPerMinute"] = "1000000",
            [StoreNode.LoadGeneratorSetting] = StoreNode.LoadGeneratorAddress,
        };
        // The throwaway server allows 300 connections; leave room for two nodes and the audit.
        if (database == "postgres") env["ConnectionStrings__Postgres"] = services!.Values["BAZAAR_PG_CONNECTION"].Replace("Maximum Pool Size=200", "Maximum Pool Size=120", StringComparison.Ordinal);
        if (redis) env["ConnectionStrings__Redis"] = services!.Values["BAZAAR_REDIS_CONNECTION"];

        var stores = new List<StoreNode>();
        try
        {
            // The first node applies migrations; the second starts on the ready schema.
            for (var i = 0; i < nodes; i++) stores.Add(await StoreNode.StartAsync(env, TimeSpan.FromMinutes(2)));
            await PrepareSkuAsync(stores[0], units, strategy);

            var cpuBefore = stores.Select(s => s.CpuTime()).ToArray();
            var outcome = await SellAsync(stores, buyers, concurrency, checkout);
            var saleCpu = stores.Select((s, i) => s.CpuTime() - cpuBefore[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
            var stock = await ReadStockAsync(stores[0]);
            var (auditOk, violations) = await AuditAsync(env);
            (int Orders, int Duplicates)? orders = checkout ? await CountOrdersAsync(stores[0]) : null;
            // After the sale's figures are read, so its orders are not counted with the sale's.
            CheckoutCpu? probe = checkout ? await ProbeCheckoutCpuAsync(stores[0], cpuProbe) : null;
            var result = new FlashSaleResult
            {
                Strategy = strategy,
                Database = database,
                Redis = redis,
                Nodes = nodes,
                Units = units,
                Buyers = buyers,
                Concurrency = concurrency,
                Held = outcome.Held,
                SoldOut = outcome.SoldOut,
                Reserved = stock.Reserved,
                Checkout = checkout,
                Orders = orders?.Orders,
                PaymentsAuthorised = checkout ? outcome.Paid : null,
                DuplicateOrders = orders?.Duplicates,
                CheckoutFailures = checkout ? outcome.CheckoutFailures : null,
                CheckoutLatencyMs = checkout && outcome.CheckoutLatencies.Length > 0 ? new Latency(Percentile(outcome.CheckoutLatencies, 50), Percentile(outcome.CheckoutLatencies, 95), Percentile(outcome.CheckoutLatencies, 99)) : null,
                // Units gone from the shelf or held, beyond what there was: with checkout, sold units leave on_hand.
                Oversold = Math.Max(0, Math.Max(outcome.Held, stock.Reserved + (units - stock.OnHand)) - units),
                Stranded = violations.Count(v => v.Contains("stranded", StringComparison.Ordinal)),
                Errors5xx = outcome.Errors5xx,
                OtherErrors = outcome.Other,
                WallSeconds = Math.Round(outcome.Wall.TotalSeconds, 3),
                ThroughputRps = Math.Round(buyers / outcome.Wall.TotalSeconds, 1),
                LatencyMs = new Latency(Percentile(outcome.Latencies, 50), Percentile(outcome.Latencies, 95), Percentile(outcome.Latencies, 99)),
                ServerCpuSeconds = Math.Round(saleCpu.TotalSeconds, 2),
                CheckoutCpuMs = probe,
                ServerPeakRssMb = Math.Round(stores.Max(s => s.SamplePeakRssKb()) / 1024.0, 1),
                AuditOk = auditOk,
                AuditViolations = violations,
                Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                RanAt = DateTimeOffset.UtcNow,
            };
            Print(result);
            if (json is not null && result.Errors5xx + result.OtherErrors > 0)
                for (var i = 0; i < stores.Count; i++)
                    await File.WriteAllTextAsync($"{json}.node{i + 1}.log", stores[i].Log);
            if (json is not null)
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            var correct = result.Held == Math.Min(units, buyers) && result.Oversold == 0 && result.Stranded == 0 && result.Errors5xx == 0 && result.AuditOk
                && (!checkout || (result.Orders == Math.Min(units, buyers) && result.DuplicateOrders == 0 && result.PaymentsAuthorised == result.Orders));
            return correct ? 0 : 1;
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task PrepareSkuAsync(StoreNode node, int units, string strategy)
    {
        using var admin = await node.SignInAdminAsync();
        var category = await (await admin.PostAsJsonAsync("/api/admin/categories", new { name = "Flash sale" })).Content.ReadFromJsonAsync<JsonElement>();
        var created = await admin.PostAsJsonAsync("/api/admin/products", new { sku = Sku, title = "Flash sale console", brand = "Bazaar", price = 199.00m, categoryId = category.GetProperty("id").GetInt32() });
        created.EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/admin/stock/{Sku}/receive", new { quantity = units, reason = "flash sale stock" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/admin/stock/{Sku}/settings", new { strategy, purchaseLimit = 1 })).EnsureSuccessStatusCode();
    }

    private static async Task<(int Reserved, int OnHand)> ReadStockAsync(StoreNode node)
    {
        using var admin = await node.SignInAdminAsync();
        var stock = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/stock/{Sku}");
        return (stock.GetProperty("reserved").GetInt32(), stock.GetProperty("onHand").GetInt32());
    }

    private sealed record SaleOutcome(int Held, int SoldOut, int Errors5xx, int Other, TimeSpan Wall, double[] Latencies, int Paid, int CheckoutFailures, double[] CheckoutLatencies);

    // The order count and the extra orders per shopper, from the back office API (the `audit` command checks the
    // invariants of stock, carts and orders).
    private static async Task<(int Orders, int Duplicates)> CountOrdersAsync(StoreNode node)
    {
        using var admin = await node.SignInAdminAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/orders/audit");
        return (audit.GetProperty("orders").GetInt32(), audit.GetProperty("extraOrdersPerShopper").GetInt32());
    }

    // What a buyer who got a hold sends at checkout: a guest with the sandbox's always-approved card.
    internal static readonly object CheckoutBody = new
    {
        email = "buyer@bench.local",
        shipTo = new { name = "Flash Buyer", line1 = "1 Main St", city = "Austin", region = "TX", postalCode = "73301", country = "US" },
        shippingMethod = "standard",
    };

    // What a buyer types on the gateway's page (never sent to the store).
    internal static FormUrlEncodedContent CardForm() => new(new Dictionary<string, string>
    {
        ["number"] = "4242424242424242",
        ["expiryMonth"] = "12",
        ["expiryYear"] = (DateTime.UtcNow.Year + 3).ToString(CultureInfo.InvariantCulture),
        ["cvc"] = "123",
    });

    // Pays an order the store answered 202 for: the card on the gateway's page (which redirects back to the store),
    // then the return to the store, which places the order. 201 when it is placed, otherwise the status that stopped it.
    internal static async Task<int> PayAsync(HttpClient client, string? cookie, HttpResponseMessage placed)
    {
        if (placed.StatusCode != HttpStatusCode.Accepted) return (int)placed.StatusCode;
        var payAt = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentUrl").GetString()!;
        using var card = new HttpRequestMessage(HttpMethod.Post, payAt) { Content = CardForm() };
        using var paid = await client.SendAsync(card);
        if (paid.StatusCode != HttpStatusCode.Redirect && paid.StatusCode != HttpStatusCode.SeeOther) return (int)paid.StatusCode;
        using var back = new HttpRequestMessage(HttpMethod.Get, paid.Headers.Location);
        if (cookie is not null) back.Headers.Add("Cookie", cookie);
        using var returned = await client.SendAsync(back);
        var location = returned.Headers.Location?.OriginalString ?? "";
        return location.Contains("placed=Paid", StringComparison.Ordinal) ? 201 : (int)returned.StatusCode;
    }

    private static async Task<SaleOutcome> SellAsync(IReadOnlyList<StoreNode> stores, int buyers, int concurrency, bool checkout)
    {
        var clients = stores.Select(s => new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Math.Max(1, concurrency / stores.Count),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        }) { BaseAddress = s.BaseAddress, Timeout = TimeSpan.FromMinutes(2) }).ToList();

        // Every buyer first gets its own shopper cookie from the store, as a visitor would on the product page.
        var cookies = new string[buyers];
        await Parallel.ForAsync(0, buyers, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            var response = await clients[i % clients.Count].GetAsync(new Uri("/health/live", UriKind.Relative), ct);
            cookies[i] = response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("bazaar_shopper=", StringComparison.Ordinal)).Split(';')[0];
        });

        var latencies = new double[buyers];
        var statuses = new int[buyers];
        var checkoutStatuses = new int[buyers];
        var checkoutLatencies = new double[buyers];
        using var gate = new SemaphoreSlim(concurrency);
        var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                foreach (var s in stores) s.SamplePeakRssKb();
                await Task.Delay(100);
            }
        });
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, buyers).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { sku = Sku, quantity = 1 }) };
                request.Headers.Add("Cookie", cookies[i]);
                try
                {
                    using var response = await clients[i % clients.Count].SendAsync(request);
                    statuses[i] = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    statuses[i] = -1;
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (checkout && statuses[i] == 200) (checkoutStatuses[i], checkoutLatencies[i]) = await CheckOutAsync(clients[i % clients.Count], cookies[i]);
            }
            finally
            {
                gate.Release();
            }
        }));
        wall.Stop();
        await sampling.CancelAsync();
        await sampler;
        clients.ForEach(c => c.Dispose());
        var held = statuses.Count(s => s == 200);
        return new SaleOutcome(held, statuses.Count(s => s == 409), statuses.Count(s => s >= 500) + checkoutStatuses.Count(s => s >= 500),
            statuses.Count(s => s is not (200 or 409) and < 500), wall.Elapsed, latencies,
            checkoutStatuses.Count(s => s == 201), checkout ? held - checkoutStatuses.Count(s => s == 201) : 0,
            [.. checkoutLatencies.Where((_, i) => statuses[i] == 200)]);
    }

    // One checkout attempt with its own Idempotency-Key, retried with the same key if the connection fails.
    private static async Task<(int Status, double Ms)> CheckOutAsync(HttpClient client, string cookie)
    {
        var started = Stopwatch.GetTimestamp();
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout") { Content = JsonContent.Create(CheckoutBody) };
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                using var response = await client.SendAsync(request);
                return (await PayAsync(client, cookie, response), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (HttpRequestException) when (attempt < 3)
            {
            }
            catch (HttpRequestException)
            {
                return (-1, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (TaskCanceledException)
            {
                // The client's timeout (two minutes): a failed checkout, counted, not the end of the run.
                return (-2, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    // After the sale, on a quiet store: `checkouts` shoppers each hold one unit of a plentiful SKU, then place their
    // orders one after another, then pay one after another. The store's CPU time over each phase, divided by the
    // count, is the CPU of one placement and one payment. The idle CPU (background jobs) over two quiet seconds before is
    // reported beside it, not subtracted: on a busy machine "quiet" is not, and a subtraction could hide real work.
    // /proc's CPU clock ticks in 10 ms, so the phases are long enough for it.
    private static async Task<CheckoutCpu> ProbeCheckoutCpuAsync(StoreNode node, int checkouts)
    {
        const string probeSku = "CPU-PROBE-1";
        using (var admin = await node.SignInAdminAsync())
        {
            var category = await (await admin.PostAsJsonAsync("/api/admin/categories", new { name = "CPU probe" })).Content.ReadFromJsonAsync<JsonElement>();
            (await admin.PostAsJsonAsync("/api/admin/products", new { sku = probeSku, title = "CPU probe", brand = "Bazaar", price = 19.00m, categoryId = category.GetProperty("id").GetInt32() })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/admin/stock/{probeSku}/receive", new { quantity = checkouts, reason = "cpu probe" })).EnsureSuccessStatusCode();
        }
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = node.BaseAddress };
        var cookies = new string[checkouts];
        for (var i = 0; i < checkouts; i++)
        {
            using var visit = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
            cookies[i] = visit.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("bazaar_shopper=", StringComparison.Ordinal)).Split(';')[0];
            using var hold = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { sku = probeSku, quantity = 1 }) };
            hold.Headers.Add("Cookie", cookies[i]);
            (await client.SendAsync(hold)).EnsureSuccessStatusCode();
        }
        await Task.Delay(1000);
        var idleStart = node.CpuTime();
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(2000);
        var idlePerMs = (node.CpuTime() - idleStart).TotalMilliseconds / idleClock.Elapsed.TotalMilliseconds;

        var placed = new HttpResponseMessage[checkouts];
        var cpu = node.CpuTime();
        for (var i = 0; i < checkouts; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout") { Content = JsonContent.Create(CheckoutBody) };
            request.Headers.Add("Cookie", cookies[i]);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            placed[i] = await client.SendAsync(request);
            await placed[i].Content.LoadIntoBufferAsync();
        }
        var placementCpu = node.CpuTime() - cpu;

        cpu = node.CpuTime();
        var paid = 0;
        for (var i = 0; i < checkouts; i++)
            if (await PayAsync(client, cookies[i], placed[i]) == 201) paid++;
        // The gateway's webhooks for these payments go out in the background: let them land before reading the clock.
        await Task.Delay(1000);
        var paymentCpu = node.CpuTime() - cpu;
        foreach (var p in placed) p.Dispose();
        if (paid != checkouts) Console.WriteLine($"cpu probe: only {paid} of {checkouts} checkouts were paid");

        double PerCheckout(TimeSpan t) => Math.Round(t.TotalMilliseconds / checkouts, 2);
        return new CheckoutCpu(checkouts, PerCheckout(placementCpu), PerCheckout(paymentCpu), PerCheckout(placementCpu + paymentCpu), Math.Round(idlePerMs * 1000, 1));
    }

    internal static async Task<(bool Ok, List<string> Violations)> AuditAsync(Dictionary<string, string> env)
    {
        var (code, output) = await Repo.RunAsync("dotnet", [Path.Combine(StoreNode.StoreDirectory, "Bazaar.Web.dll"), "audit"], env);
        var violations = output.Split('\n').Where(l => l.Contains("VIOLATION", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        if (code != 0 && violations.Count == 0) violations.Add("audit failed to run: " + output.Trim());
        return (code == 0, violations);
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        var index = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return Math.Round(sorted[Math.Clamp(index, 0, sorted.Length - 1)], 1);
    }

    private static void Print(FlashSaleResult r)
    {
        var rows = new (string, string)[]
        {
            ("strategy", r.Strategy), ("database", r.Database + (r.Redis ? " + redis" : "")), ("nodes", r.Nodes.ToString(CultureInfo.InvariantCulture)),
            ("units", r.Units.ToString(CultureInfo.InvariantCulture)), ("buyers", r.Buyers.ToString(CultureInfo.InvariantCulture)),
            ("held", r.Held.ToString(CultureInfo.InvariantCulture)), ("sold out answers", r.SoldOut.ToString(CultureInfo.InvariantCulture)),
            ("reserved in db", r.Reserved.ToString(CultureInfo.InvariantCulture)), ("oversold", r.Oversold.ToString(CultureInfo.InvariantCulture)),
            ("orders", r.Orders?.ToString(CultureInfo.InvariantCulture) ?? "-"), ("payments authorised", r.PaymentsAuthorised?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("duplicate orders", r.DuplicateOrders?.ToString(CultureInfo.InvariantCulture) ?? "-"), ("checkout failures", r.CheckoutFailures?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("checkout p50/p95/p99 ms", r.CheckoutLatencyMs is { } c ? $"{c.P50} / {c.P95} / {c.P99}" : "-"),
            ("stranded", r.Stranded.ToString(CultureInfo.InvariantCulture)), ("errors 5xx", r.Errors5xx.ToString(CultureInfo.InvariantCulture)),
            ("other errors", r.OtherErrors.ToString(CultureInfo.InvariantCulture)), ("wall s", r.WallSeconds.ToString(CultureInfo.InvariantCulture)),
            ("throughput rps", r.ThroughputRps.ToString(CultureInfo.InvariantCulture)),
            ("latency p50/p95/p99 ms", $"{r.LatencyMs.P50} / {r.LatencyMs.P95} / {r.LatencyMs.P99}"),
            ("server CPU s (sale)", r.ServerCpuSeconds.ToString(CultureInfo.InvariantCulture)),
            ("CPU ms per checkout", r.CheckoutCpuMs is { } u ? $"{u.Total} (place {u.Placement}, pay {u.Payment}; idle {u.IdleMsPerSecond}/s)" : "-"),
            ("server peak RSS MB", r.ServerPeakRssMb.ToString(CultureInfo.InvariantCulture)), ("audit ok", r.AuditOk ? "yes" : "NO"),
        };
        Console.WriteLine();
        foreach (var (name, value) in rows) Console.WriteLine($"| {name,-24} | {value,-28} |");
        foreach (var v in r.AuditViolations) Console.WriteLine("  " + v);
    }
}

public sealed record Latency(double P50, double P95, double P99);

// Server CPU (user + system, all threads) per checkout, in ms, from the probe after the sale: the placement request,
// and the payment on the sandbox gateway's page with the return to the store (the gateway runs in the store's process,
// so its page, its webhook sender and the store's webhook receiver are counted too).
public sealed record CheckoutCpu(int Checkouts, double Placement, double Payment, double Total, double IdleMsPerSecond);

public sealed class FlashSaleResult
{
    public required string Strategy { get; init; }
    public required string Database { get; init; }
    public bool Redis { get; init; }
    public int Nodes { get; init; }
    public int Units { get; init; }
    public int Buyers { get; init; }
    public int Concurrency { get; init; }
    public int Held { get; init; }
    public int SoldOut { get; init; }
    public int Reserved { get; init; }
    public bool Checkout { get; init; }
    public int? Orders { get; init; }
    public int? PaymentsAuthorised { get; init; }
    public int? DuplicateOrders { get; init; }
    public int? CheckoutFailures { get; init; }
    public Latency? CheckoutLatencyMs { get; init; }
    public int Oversold { get; init; }
    public int Stranded { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("errors_5xx")]
    public int Errors5xx { get; init; }
    public int OtherErrors { get; init; }
    public double WallSeconds { get; init; }
    public double ThroughputRps { get; init; }
    public required Latency LatencyMs { get; init; }
    public double ServerCpuSeconds { get; init; }
    public CheckoutCpu? CheckoutCpuMs { get; init; }
    public double ServerPeakRssMb { get; init; }
    public bool AuditOk { get; init; }
    public required List<string> AuditViolations { get; init; }
    public required string Machine { get; init; }
    public DateTimeOffset RanAt { get; init; }
}
