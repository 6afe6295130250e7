using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bazaar.Bench;

// Search latency and freshness against the bundled catalogue on one store process (SQLite), once for each
// setting of the store's result cache (`--result-cache off|on|both`, default both; `--cache-entries N`, default the
// store's own):
// - off: every search is ranked and counted in the index (the engine's own cost);
// - on: as the store ships, repeated searches answered from the node's result cache (stock still read from
//   the database for every request); the mix has a bounded number of distinct searches, so after warm-up most
//   are hits, and the measured hit ratio is reported with the figures.
// Before the passes (when the cache is off in one), the store's first start, then the cost of each search of the
// mix in process: CPU time of the calling thread and bytes allocated (see SearchCost), figures that the machine's
// load does not distort. Each pass measures, in this order:
// - over HTTP, `--clients` concurrent clients for `--seconds`: throughput and latency percentiles;
// - server-side time of each search with facets, one at a time (the API's tookMs: ranking, every facet,
//   the page's stock query);
// - HTTP again for a long tail: tens of thousands of distinct searches drawn with Zipf's law, most of them
//   rare, the shape of a real search log (with the cache on, the hit ratio this gives);
// - the long tail again while an admin changes `--writes-per-second` products (default 2: a price each time,
//   through the API, so every write goes through the change feed and each node's index);
// - freshness: update a product's title with a new word, poll search until it is found.
public static class SearchBench
{
    private static readonly string[] Words =
    [
        "cable", "toner", "hdmi cable 6ft", "laptop bag", "ssd 1tb", "usb hub", "laser printer", "keyboard", "wireless mouse",
        "monitor 24", "tonr", "ink cartridge black", "network switch", "notebook case", "power supply", "memory 8gb", "cat6 patch cable 3 ft",
        "hp", "lexmark", "ups", "processor", "webcam", "headset", "projector", "",
    ];

    private const string MetricsToken = "search-bench-metrics-token";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var clients = args.Number("clients", 32, 1, 512);
        var seconds = args.Number("seconds", 20, 1, 600);
        var probes = args.Number("probes", 30, 1, 1000);
        var writesPerSecond = args.Number("writes-per-second", 2, 0, 100);
        var cacheModes = (args.Optional("result-cache") ?? "both") switch
        {
            "off" => new[] { false },
            "on" => [true],
            "both" => [false, true],
            var other => throw new ArgumentException($"--result-cache must be off, on or both (got '{other}')."),
        };
        // The store's default unless asked otherwise: more entries, more hits in the long tail, more memory.
        var cacheEntries = args.Number("cache-entries", new Bazaar.Search.SearchOptions().ResultCacheEntries, 1, 1_000_000);
        var json = args.Optional("json");
        args.RejectUnknown();

        Console.WriteLine($"search-bench: bundled catalogue, {clients} HTTP clients for {seconds} s, {probes} freshness probes");
        await StoreNode.BuildAsync();
        var dataDir = Directory.CreateTempSubdirectory("bazaar-bench-search.").FullName;
        // In process first, on the store's first start (stopped again): per-search CPU time and allocation, which the
        // machine's load does not distort as it does the wall-clock figures below.
        SearchCostResult? inProcess = null;
        if (cacheModes.Contains(false))
        {
            await SearchCost.PrepareAsync(dataDir);
            inProcess = await SearchCost.MeasureAsync(dataDir, rounds: 3);
            Console.WriteLine(SearchCost.Describe(inProcess));
        }
        var passes = new List<SearchBenchPass>();
        foreach (var cached in cacheModes)
        {
            var env = StoreNode.EmbeddedEnvironment(dataDir);
            // /metrics (the result cache's counters) is closed outside Development unless a token is set.
            env["Metrics__BearerToken"] = MetricsToken;
            // The load comes from one address: the per-client search limit would answer it 429.
            env["Search__RequestsPerClientPerMinute"] = "1000000";
            env["Search__ResultCacheEntries"] = cached ? cacheEntries.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
            var pass = await PassAsync(env, cached, clients, seconds, probes, writesPerSecond);
            passes.Add(cached ? pass : pass with { InProcess = inProcess });
        }
        var result = new SearchBenchResult
        {
            Passes = passes,
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            RanAt = DateTimeOffset.UtcNow,
        };
        if (json is not null)
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        try { Directory.Delete(dataDir, recursive: true); }
        catch (IOException) { }
        return 0;
    }

    private static async Task<SearchBenchPass> PassAsync(Dictionary<string, string> env, bool cached, int clients, int seconds, int probes, int writesPerSecond)
    {
        var name = cached ? "result cache on" : "result cache off";
        await using var node = await StoreNode.StartAsync(env, TimeSpan.FromMinutes(15));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await WaitForIndexAsync(http);
        await SettleAsync(node);

        var categories = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement
            .EnumerateArray().Select(c => c.GetProperty("slug").GetString()!).ToList();
        var mix = Mix(categories);
        // Warm-up, not measured: the mix once over, then 5 s of the concurrent load, so that the JIT has compiled the
        // search path at its final tier (on a fresh store the first 500 searches measured p95 20 ms, the next 500 8 ms).
        foreach (var warm in mix.Take(200)) await http.GetAsync(new Uri(warm, UriKind.Relative));
        await LoadAsync(node.BaseAddress, mix, clients, TimeSpan.FromSeconds(5));

        var load = await MeasureAsync(node.BaseAddress, http, mix, clients, TimeSpan.FromSeconds(seconds));

        // Server-side time, one request at a time.
        var took = new List<double>();
        foreach (var url in mix.Take(500))
        {
            var body = await http.GetFromJsonAsync<JsonElement>(url);
            took.Add(body.GetProperty("tookMs").GetDouble());
        }
        // Type-ahead as a shopper types: every prefix of the mix's words, one request at a time, timed at the client
        // on loopback (an upper bound of the server's time); a first round warms up.
        var prefixes = Words.Where(w => w.Length > 1).SelectMany(w => Enumerable.Range(2, w.Length - 1).Select(n => w[..n])).ToList();
        var suggestMs = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var prefix in prefixes)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(new Uri("/api/search/suggest?q=" + Uri.EscapeDataString(prefix), UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                if (round > 0) suggestMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        // Then a long tail of searches made from the catalogue's titles, as a store sees them: a few searches very
        // common, most rare, far more than the result cache holds. Warm-up and measurement draw apart, so the
        // measured load does not replay the warm-up's searches.
        var searches = await LongTailSearchesAsync(http, categories);
        await LoadAsync(node.BaseAddress, Zipf(searches, 150_000, seed: 11), clients, TimeSpan.FromSeconds(5));
        var longTail = new LongTailResult
        {
            DistinctSearches = searches.Count,
            Http = await MeasureAsync(node.BaseAddress, http, Zipf(searches, 150_000, seed: 12), clients, TimeSpan.FromSeconds(seconds)),
        };
        if (writesPerSecond > 0)
        {
            using var stop = new CancellationTokenSource();
            var writer = WriteProductsAsync(node, writesPerSecond, stop.Token);
            longTail = longTail with
            {
                WritesPerSecond = writesPerSecond,
                HttpUnderWrites = await MeasureAsync(node.BaseAddress, http, Zipf(searches, 150_000, seed: 13), clients, TimeSpan.FromSeconds(seconds)),
            };
            await stop.CancelAsync();
            longTail = longTail with { Writes = await writer };
        }
        var freshness = await FreshnessAsync(node, http, probes);

        var pass = new SearchBenchPass
        {
            Name = name,
            Products = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/search?pageSize=1", UriKind.Relative))).RootElement.GetProperty("total").GetInt32(),
            DistinctSearches = mix.Distinct().Count(),
            ServerMs = Stats(took),
            HttpClients = clients,
            Http = load,
            FreshnessMs = Stats(freshness),
            ServerPeakRssMb = Math.Round(node.SamplePeakRssKb() / 1024.0, 1),
            LongTail = longTail,
            SuggestMs = Stats(suggestMs),
        };
        Console.WriteLine($"search-bench [{name}]: server p50 {pass.ServerMs.P50} ms, p95 {pass.ServerMs.P95} ms, p99 {pass.ServerMs.P99} ms (facets + stock query)");
        Console.WriteLine($"search-bench [{name}]: {Describe(load, clients)} ({pass.DistinctSearches} distinct searches in the mix)");
        Console.WriteLine($"search-bench [{name}]: suggest p50 {pass.SuggestMs.P50} ms, p95 {pass.SuggestMs.P95} ms, p99 {pass.SuggestMs.P99} ms "
            + $"(one at a time, {suggestMs.Count} keystrokes, client time on loopback)");
        Console.WriteLine($"search-bench [{name}, long tail]: {Describe(longTail.Http, clients)} ({longTail.DistinctSearches} distinct searches, Zipf s = 1)");
        if (longTail.HttpUnderWrites is { } underWrites)
            Console.WriteLine($"search-bench [{name}, long tail, {longTail.Writes} product writes at {writesPerSecond}/s]: {Describe(underWrites, clients)}");
        Console.WriteLine($"search-bench [{name}]: freshness p50 {pass.FreshnessMs.P50} ms, p99 {pass.FreshnessMs.P99} ms, max {pass.FreshnessMs.Max} ms");
        return pass;
    }

    // A first start imports the catalogue, writes the demo history and builds recommendations, and the index is
    // merged into one segment once it has been quiet for a while: measure after all that, not during it.
    internal static async Task SettleAsync(StoreNode node)
    {
        var started = Stopwatch.StartNew();
        using var admin = await node.SignInAdminAsync();
        while (started.Elapsed < TimeSpan.FromMinutes(3))
        {
            var status = await admin.GetFromJsonAsync<JsonElement>("/api/admin/search/status");
            if (status.GetProperty("segments").GetInt32() <= 1 && status.GetProperty("pending").GetInt64() == 0) break;
            await Task.Delay(1000);
        }
        // Then until the store uses under a tenth of a core for three seconds running.
        var quiet = 0;
        var last = node.CpuTime();
        while (quiet < 3 && started.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(1000);
            var now = node.CpuTime();
            quiet = (now - last).TotalSeconds < 0.1 ? quiet + 1 : 0;
            last = now;
        }
        Console.WriteLine($"search-bench: store settled after {started.Elapsed.TotalSeconds:0} s");
    }

    // The node's result-cache counters from /metrics (Prometheus text).
    private static async Task<(double Hits, double Misses)> CacheCountsAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", MetricsToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        double Read(string metric) => text.Split('\n')
            .Where(l => l.StartsWith(metric, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Sum();
        return (Read("bazaar_search_result_cache_hits"), Read("bazaar_search_result_cache_misses"));
    }

    // Half the queries with facets: a brand, a price range, in stock, a department; deterministic.
    internal static List<string> Mix(List<string> categories)
    {
        var random = new Random(5);
        var urls = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var url = "/api/search?q=" + Uri.EscapeDataString(Words[random.Next(Words.Length)]);
            if (random.Next(2) == 0)
            {
                url += random.Next(4) switch
                {
                    0 => "&brand=HP&brand=Lexmark",
                    1 => "&price=25-50&price=50-100",
                    2 => "&inStock=true",
                    _ => "&category=" + Uri.EscapeDataString(categories[random.Next(categories.Count)]),
                };
            }
            urls.Add(url);
        }
        return urls;
    }

    // A store's searches: every product's title gives two, each one to three neighbouring words of it (after the
    // brand and model), sometimes with the brand in front, half of them with a filter as in Mix; deterministic.
    // Tens of thousands of distinct searches, more than ten times what the result cache holds by default.
    private static async Task<List<string>> LongTailSearchesAsync(HttpClient http, List<string> categories)
    {
        var products = new List<(int Id, string Title, string Brand)>();
        for (int page = 1, pages = 1; page <= pages; page++)
        {
            var body = await http.GetFromJsonAsync<JsonElement>($"/api/products?pageSize=100&page={page}");
            pages = body.GetProperty("pageCount").GetInt32();
            foreach (var item in body.GetProperty("items").EnumerateArray())
                products.Add((item.GetProperty("id").GetInt32(), item.GetProperty("title").GetString()!, item.GetProperty("brand").GetString() ?? ""));
        }
        var random = new Random(7);
        var searches = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, title, brand) in products.OrderBy(p => p.Id))
        {
            var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(2)
                .Where(w => w.All(c => char.IsLetter(c) || c == '-'))
                .Select(w => w.ToLowerInvariant())
                .ToList();
            for (var n = 0; n < 2 && words.Count > 0; n++)
            {
                var length = Math.Min(words.Count, 1 + random.Next(3));
                var text = string.Join(' ', words.Skip(random.Next(words.Count - length + 1)).Take(length));
                if (random.Next(3) == 0 && brand.Length > 0) text = brand.ToLowerInvariant() + " " + text;
                var url = "/api/search?q=" + Uri.EscapeDataString(text);
                if (random.Next(2) == 0)
                {
                    url += random.Next(3) switch
                    {
                        0 => "&price=25-50&price=50-100",
                        1 => "&inStock=true",
                        _ => "&category=" + Uri.EscapeDataString(categories[random.Next(categories.Count)]),
                    };
                }
                if (seen.Add(url)) searches.Add(url);
            }
        }
        // In no particular order, so that the common searches are not all from the first products imported.
        new Random(13).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(searches));
        return searches;
    }

    // `count` draws with Zipf's law, s = 1 (the k-th search is asked 1/k as often as the first), the shape of a
    // store's search log.
    private static List<string> Zipf(List<string> searches, int count, int seed)
    {
        var random = new Random(seed);
        var cumulative = new double[searches.Count];
        var sum = 0.0;
        for (var k = 0; k < searches.Count; k++) cumulative[k] = sum += 1.0 / (k + 1);
        var urls = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            urls.Add(searches[at < 0 ? ~at : at]);
        }
        return urls;
    }

    internal static async Task WaitForIndexAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync(new Uri("/api/search?pageSize=1", UriKind.Relative));
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32() > 19000) return;
            await Task.Delay(500);
        }
        throw new TimeoutException("The search index did not fill within 5 minutes.");
    }

    // The mix under load for `duration`, with the result cache's hit ratio over that time.
    private static async Task<HttpLoad> MeasureAsync(Uri baseAddress, HttpClient http, List<string> mix, int clients, TimeSpan duration)
    {
        var (hitsBefore, missesBefore) = await CacheCountsAsync(http);
        var (requests, errors, latencies, wall) = await LoadAsync(baseAddress, mix, clients, duration);
        var (hitsAfter, missesAfter) = await CacheCountsAsync(http);
        var lookups = hitsAfter - hitsBefore + missesAfter - missesBefore;
        return new HttpLoad
        {
            Requests = requests,
            Errors = errors,
            QueriesPerSecond = Math.Round(requests / wall.TotalSeconds, 1),
            Ms = Stats(latencies),
            CacheHitRatio = lookups == 0 ? 0 : Math.Round((hitsAfter - hitsBefore) / lookups, 3),
        };
    }

    private static string Describe(HttpLoad load, int clients) =>
        $"HTTP {load.QueriesPerSecond} queries/s with {clients} clients, p50 {load.Ms.P50} ms, p95 {load.Ms.P95} ms, p99 {load.Ms.P99} ms, "
        + $"{load.Errors} errors, result-cache hit ratio {load.CacheHitRatio:0.000}";

    private static async Task<(int Requests, int Errors, List<double> Latencies, TimeSpan Wall)> LoadAsync(Uri baseAddress, List<string> mix, int clients, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async worker =>
        {
            // Each client walks its own stretch of the mix: with a long mix, no two replay the same searches.
            var i = worker * (mix.Count / clients);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(new Uri(mix[i++ % mix.Count], UriKind.Relative));
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
                catch (TaskCanceledException) { Interlocked.Increment(ref errors); }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }).ToList();
        await Task.WhenAll(workers);
        return (latencies.Count, errors, latencies.ToList(), stopwatch.Elapsed);
    }

    // Each probe renames a product with a fresh word and polls every 20 ms until search finds it.
    // An admin changing products' prices at a steady rate until stopped, as a shop does; returns how many it wrote.
    private static async Task<int> WriteProductsAsync(StoreNode node, int perSecond, CancellationToken stop)
    {
        using var admin = await node.SignInAdminAsync();
        var random = new Random(17);
        var total = (await admin.GetFromJsonAsync<JsonElement>("/api/products?pageSize=1")).GetProperty("total").GetInt32();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var started = Stopwatch.GetTimestamp();
        var written = 0;
        while (!stop.IsCancellationRequested)
        {
            var page = random.Next(1, total + 1);
            var listed = (await admin.GetFromJsonAsync<JsonElement>($"/api/products?pageSize=1&page={page}")).GetProperty("items")[0];
            var id = listed.GetProperty("id").GetInt32();
            var details = await admin.GetFromJsonAsync<JsonElement>($"/api/products/{id}");
            var price = details.GetProperty("price").GetDecimal();
            var update = await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
            {
                sku = details.GetProperty("sku").GetString(),
                title = details.GetProperty("title").GetString(),
                brand = details.GetProperty("brand").GetString(),
                price = price >= 1m ? price - 0.01m : price + 0.01m,
                categoryId = details.GetProperty("categoryPath").EnumerateArray().Last().GetProperty("id").GetInt32(),
            });
            update.EnsureSuccessStatusCode();
            written++;
            var due = interval * written - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                try { await Task.Delay(due, stop); }
                catch (OperationCanceledException) { }
            }
        }
        return written;
    }

    private static async Task<List<double>> FreshnessAsync(StoreNode node, HttpClient anonymous, int probes)
    {
        using var admin = await node.SignInAdminAsync();
        var product = (await admin.GetFromJsonAsync<JsonElement>("/api/products?pageSize=1")).GetProperty("items")[0];
        var id = product.GetProperty("id").GetInt32();
        var details = await admin.GetFromJsonAsync<JsonElement>($"/api/products/{id}");
        var times = new List<double>();
        for (var probe = 0; probe < probes; probe++)
        {
            var word = "fresh" + string.Concat(Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));
            var started = Stopwatch.GetTimestamp();
            var update = await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
            {
                sku = details.GetProperty("sku").GetString(),
                title = $"{details.GetProperty("title").GetString()} {word}",
                brand = details.GetProperty("brand").GetString(),
                price = details.GetProperty("price").GetDecimal(),
                categoryId = details.GetProperty("categoryPath").EnumerateArray().Last().GetProperty("id").GetInt32(),
            });
            update.EnsureSuccessStatusCode();
            while (true)
            {
                var found = await anonymous.GetFromJsonAsync<JsonElement>("/api/search?pageSize=1&q=" + word);
                if (found.GetProperty("total").GetInt32() > 0) break;
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30)) throw new TimeoutException($"Probe {probe} not searchable after 30 s.");
                await Task.Delay(20);
            }
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times;
    }

    internal static LatencyStats Stats(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
        return new LatencyStats(At(50), At(95), At(99), sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 2));
    }
}

public sealed record LatencyStats(double P50, double P95, double P99, double Max);

public sealed record SearchBenchResult
{
    public required IReadOnlyList<SearchBenchPass> Passes { get; init; }
    public required string Machine { get; init; }
    public DateTimeOffset RanAt { get; init; }
}

public sealed record SearchBenchPass
{
    public required string Name { get; init; }
    public int Products { get; init; }
    public int DistinctSearches { get; init; }
    public required LatencyStats ServerMs { get; init; }
    public int HttpClients { get; init; }
    public required HttpLoad Http { get; init; }
    public required LatencyStats FreshnessMs { get; init; }
    public double ServerPeakRssMb { get; init; }
    public required LongTailResult LongTail { get; init; }
    public LatencyStats? SuggestMs { get; init; }
    // Result cache off only: CPU time and bytes allocated per search in process (SearchCost).
    public SearchCostResult? InProcess { get; init; }
}

public sealed record LongTailResult
{
    public int DistinctSearches { get; init; }
    public required HttpLoad Http { get; init; }
    public int WritesPerSecond { get; init; }
    public int Writes { get; init; }
    public HttpLoad? HttpUnderWrites { get; init; }
}

public sealed record HttpLoad
{
    public int Requests { get; init; }
    public int Errors { get; init; }
    public double QueriesPerSecond { get; init; }
    public required LatencyStats Ms { get; init; }
    public double CacheHitRatio { get; init; }
}
