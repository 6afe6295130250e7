using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bazaar.Bench;

// The personal home page under a realistic history: the bundled catalogue, `--orders` simulated orders (the store's
// own seed-demo command), then shoppers who register, view products and buy through checkout. Measures GET / (the
// whole server-rendered page) and GET /api/recommendations/home one request at a time, timed at the client on
// loopback (so an upper bound of server time), for shoppers with history and for new ones.
public static class HomeBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var orders = args.Number("orders", 100_000, 0, 1_000_000);
        var shoppers = args.Number("shoppers", 40, 1, 1000);
        var requests = args.Number("requests", 1000, 10, 100_000);
        var json = args.Optional("json");
        args.RejectUnknown();

        Console.WriteLine($"home-bench: bundled catalogue, {orders:N0} simulated orders, {shoppers} shoppers with history, {requests} requests per page kind");
        await StoreNode.BuildAsync();
        var dataDir = Directory.CreateTempSubdirectory("bazaar-bench-home.").FullName;
        var env = StoreNode.EmbeddedEnvironment(dataDir);
        env["Recommendations__DemoOrdersOnFirstStart"] = "0";
        env["Recommendations__SettleTime"] = "00:00:00";
        env["Checkout__PlacementsPerShopperPerMinute"] = "1000";
        // Every simulated shopper checks out from this one address.
        env["Checkout__RequestsPerClientPerMinute"] = "1000000";
        try
        {
            // First start: catalogue and demo stock. Then the history, by the store's own command.
            await (await StoreNode.StartAsync(env, TimeSpan.FromMinutes(5))).DisposeAsync();
            var seeding = Stopwatch.StartNew();
            var (code, output) = await Repo.RunAsync("dotnet", [Path.Combine(StoreNode.StoreDirectory, "Bazaar.Web.dll"), "seed-demo", orders.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                env, TimeSpan.FromMinutes(30));
            if (code != 0) throw new InvalidOperationException("seed-demo failed:\n" + output);
            Console.WriteLine($"home-bench: seeded in {seeding.Elapsed.TotalSeconds:0} s: {output.Trim().Split('\n')[^1]}");

            await using var node = await StoreNode.StartAsync(env, TimeSpan.FromMinutes(5));
            var withHistory = await ShoppersWithHistoryAsync(node.BaseAddress, shoppers);
            var newcomers = Enumerable.Range(0, shoppers).Select(_ => Client(node.BaseAddress)).ToList();

            var rows = new List<(string Page, string Shopper, LatencyStats Ms)>();
            foreach (var (kind, clients) in new[] { ("with history", withHistory), ("new", newcomers) })
            {
                foreach (var page in new[] { "/", "/api/recommendations/home" })
                {
                    // Every shopper once first: the per-node caches (neighbours, trending) warm as they would in a running store.
                    foreach (var c in clients) await c.GetAsync(new Uri(page, UriKind.Relative));
                    var times = new List<double>(requests);
                    for (var i = 0; i < requests; i++)
                    {
                        var client = clients[i % clients.Count];
                        var started = Stopwatch.GetTimestamp();
                        using var response = await client.GetAsync(new Uri(page, UriKind.Relative));
                        await response.Content.ReadAsByteArrayAsync();
                        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {page} answered {(int)response.StatusCode}");
                    }
                    rows.Add((page, kind, SearchBench.Stats(times)));
                }
            }
            var shelves = (await withHistory[0].GetFromJsonAsync<JsonElement>("/api/recommendations/home")).EnumerateArray()
                .Select(s => $"{s.GetProperty("key").GetString()} ({s.GetProperty("products").GetArrayLength()})").ToList();

            Console.WriteLine();
            Console.WriteLine($"{"page",-28} {"shopper",-13} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
            foreach (var (page, shopper, ms) in rows) Console.WriteLine($"{page,-28} {shopper,-13} {ms.P50,8} {ms.P95,8} {ms.P99,8} {ms.Max,8}");
            Console.WriteLine($"home-bench: a shopper with history sees {string.Join(", ", shelves)}; peak RSS {node.SamplePeakRssKb() / 1024} MB");
            if (json is not null)
            {
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new
                {
                    orders,
                    shoppers,
                    requests,
                    results = rows.Select(r => new { r.Page, r.Shopper, r.Ms }),
                    shelves,
                    machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                    ranAt = DateTimeOffset.UtcNow,
                }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
                Console.WriteLine($"home-bench: wrote {json}");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static HttpClient Client(Uri baseAddress) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    // Each registers, views five products and buys twice (two products an order) through cart and checkout.
    private static async Task<List<HttpClient>> ShoppersWithHistoryAsync(Uri baseAddress, int count)
    {
        using var anonymous = Client(baseAddress);
        var products = new List<(int Id, string Sku)>();
        for (var page = 1; products.Count < 400 && page <= 20; page++)
        {
            var list = await anonymous.GetFromJsonAsync<JsonElement>($"/api/products?pageSize=100&page={page}&sort=title");
            products.AddRange(list.GetProperty("items").EnumerateArray().Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("sku").GetString()!)));
        }
        var random = new Random(7);
        var clients = new List<HttpClient>();
        for (var i = 0; i < count; i++)
        {
            var client = Client(baseAddress);
            (await client.PostAsJsonAsync("/api/account/register", new { email = $"home-bench-{i}-{Guid.NewGuid():N}@example.invalid", password = "bench-password-1", displayName = $"Bench {i}" })).EnsureSuccessStatusCode();
            for (var v = 0; v < 5; v++) (await client.PostAsJsonAsync("/api/recently-viewed", new { productId = products[random.Next(products.Count)].Id })).EnsureSuccessStatusCode();
            for (var o = 0; o < 2; o++)
            {
                // Two products that are held (some demo stock is sold out, or back-order only: those lines are removed).
                for (int added = 0, tries = 0; added < 2 && tries < 50; tries++)
                {
                    var sku = products[random.Next(products.Count)].Sku;
                    var response = await client.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 });
                    if (!response.IsSuccessStatusCode) continue;
                    if ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("held").GetBoolean()) added++;
                    else await client.DeleteAsync(new Uri($"/api/cart/items/{sku}", UriKind.Relative));
                }
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout") { Content = JsonContent.Create(FlashSale.CheckoutBody) };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                var placed = await client.SendAsync(request);
                if (!placed.IsSuccessStatusCode) throw new InvalidOperationException($"Checkout answered {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync()}");
                var payAt = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paymentUrl").GetString()!;
                // The card on the gateway's page; its redirect back to the store (followed, with the cookies) places the order.
                (await client.PostAsync(new Uri(payAt, UriKind.Relative), FlashSale.CardForm())).EnsureSuccessStatusCode();
            }
            clients.Add(client);
        }
        return clients;
    }
}
