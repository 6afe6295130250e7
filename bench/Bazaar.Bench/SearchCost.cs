using System.Diagnostics;
using System.Runtime.InteropServices;
using Bazaar.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bazaar.Bench;

// What one computed search costs in process, in figures the machine's load does not distort: the CPU time of the
// calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) and the bytes it allocated
// (GC.GetAllocatedBytesForCurrentThread) for each ProductSearch.SearchAsync over the search-bench mix, the
// result cache off. Runs the store's own services in this process on a data directory a store node built (its
// SQLite database and index), with the node stopped (the index is opened for writing) and no background job
// running. On SQLite the search completes on the calling thread (the stock query too); a search that did not is
// counted apart and left out of the figures. Wall-clock time is reported beside, for reference only.
//
//   search-cost [--data-dir DIR] [--rounds 3]
// Without --data-dir a store is started once on a new directory (first start: catalogue, index) and stopped;
// with one that has no database yet, likewise, and the directory is kept for the next run.
public static class SearchCost
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dataDir = args.Optional("data-dir");
        var rounds = args.Number("rounds", 3, 1, 100);
        var json = args.Optional("json");
        var costliest = args.Number("show-costliest", 0, 0, 1000);
        args.RejectUnknown();
        var keep = dataDir is not null;
        dataDir ??= Directory.CreateTempSubdirectory("bazaar-bench-cost.").FullName;
        try
        {
            if (!File.Exists(Path.Combine(dataDir, "bazaar.db")))
            {
                await StoreNode.BuildAsync();
                await PrepareAsync(dataDir);
            }
            var result = await MeasureAsync(dataDir, rounds);
            Console.WriteLine(Describe(result));
            foreach (var (url, ms, kb, total) in result.PerSearch.OrderByDescending(p => p.CpuMs).Take(costliest))
                Console.WriteLine($"  {ms,7:0.000} ms {kb,8:0.0} KB {total,6} hits  {url}");
            if (json is not null)
                await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(result, new System.Text.Json.JsonSerializerOptions
                {
                    WriteIndented = true,
                    PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
                }));
            return 0;
        }
        finally
        {
            if (!keep)
            {
                try { Directory.Delete(dataDir, recursive: true); }
                catch (IOException) { }
            }
        }
    }

    // A store's first start on dataDir, until its index is complete and merged into one segment; then stopped.
    public static async Task PrepareAsync(string dataDir)
    {
        await using var node = await StoreNode.StartAsync(StoreNode.EmbeddedEnvironment(dataDir), TimeSpan.FromMinutes(15));
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await SearchBench.WaitForIndexAsync(http);
        await SearchBench.SettleAsync(node);
    }

    public static string Describe(SearchCostResult r) =>
        $"search-cost [result cache off, in process]: {r.Searches} searches, CPU per search p50 {r.CpuMs.P50} ms, p95 {r.CpuMs.P95} ms, "
        + $"p99 {r.CpuMs.P99} ms, mean {r.CpuMsMean} ms; allocated per search p50 {r.AllocatedKb.P50} KB, p95 {r.AllocatedKb.P95} KB, "
        + $"mean {r.AllocatedKbMean} KB; wall p50 {r.WallMs.P50} ms, p95 {r.WallMs.P95} ms (load-dependent); {r.LeftThread} left the thread";

    public static async Task<SearchCostResult> MeasureAsync(string dataDir, int rounds)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:DataDirectory"] = dataDir,
            ["Search:ResultCacheEntries"] = "0",
        });
        builder.Services.AddBazaar(builder.Configuration);
        using var host = builder.Build();
        var services = host.Services;
        var index = services.GetRequiredService<SearchIndex>();
        if (!index.OpenPublished()) throw new InvalidOperationException($"No search index under {dataDir}.");
        await services.GetRequiredService<SearchIndexer>().RefreshStockAsync(CancellationToken.None);
        await using (var scope = services.CreateAsyncScope())
            await services.GetRequiredService<SearchSynonyms>().RefreshAsync(scope.ServiceProvider.GetRequiredService<Data.BazaarDb>(), CancellationToken.None);

        List<SearchRequest> requests;
        List<string> mix;
        var distinct = 0;
        await using (var scope = services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<Catalog.Catalog>();
            var categories = (await catalog.GetCategoryTreeAsync()).Select(c => c.Slug).ToList();
            requests = [];
            mix = SearchBench.Mix(categories);
            distinct = mix.Distinct().Count();
            foreach (var url in mix)
            {
                var query = new QueryCollection(QueryHelpers.ParseQuery(new Uri("http://store" + url).Query));
                var (request, errors) = await SearchApi.ParseAsync(query, catalog, CancellationToken.None);
                if (request is null) throw new InvalidOperationException($"{url}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
                requests.Add(request);
            }
        }

        var cpu = new List<double>();
        var allocated = new List<double>();
        var wall = new List<double>();
        var left = 0;
        var perUrl = new Dictionary<string, (double Cpu, double Kb, int Count, int Total)>();
        // The first round warms up (JIT tiers, the per-segment caches), the others are measured.
        for (var round = 0; round <= rounds; round++)
        {
            for (var k = 0; k < requests.Count; k++)
            {
                var request = requests[k];
                await using var scope = services.CreateAsyncScope();
                var search = scope.ServiceProvider.GetRequiredService<ProductSearch>();
                var thread = Environment.CurrentManagedThreadId;
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var cpuStarted = ThreadCpu.Milliseconds();
                var started = Stopwatch.GetTimestamp();
                var task = search.SearchAsync(request);
                var completed = task.IsCompleted;
                var cpuMs = ThreadCpu.Milliseconds() - cpuStarted;
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var kb = (GC.GetAllocatedBytesForCurrentThread() - bytes) / 1024.0;
                var found = await task;
                if (round == 0) continue;
                if (!completed || thread != Environment.CurrentManagedThreadId) { left++; continue; }
                cpu.Add(cpuMs);
                allocated.Add(kb);
                wall.Add(elapsed);
                var (c, b, n, _) = perUrl.GetValueOrDefault(mix[k]);
                perUrl[mix[k]] = (c + cpuMs, b + kb, n + 1, found.Total);
            }
        }
        index.Dispose();
        return new SearchCostResult
        {
            Searches = cpu.Count,
            Distinct = distinct,
            CpuMs = SearchBench.Stats(cpu),
            CpuMsMean = Math.Round(cpu.Average(), 3),
            AllocatedKb = SearchBench.Stats(allocated),
            AllocatedKbMean = Math.Round(allocated.Average(), 1),
            WallMs = SearchBench.Stats(wall),
            LeftThread = left,
            PerSearch = [.. perUrl.Select(p => (p.Key, Math.Round(p.Value.Cpu / p.Value.Count, 3), Math.Round(p.Value.Kb / p.Value.Count, 1), p.Value.Total))],
        };
    }

    private static class ThreadCpu
    {
        private const int ClockThreadCpuTime = 3;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static double Milliseconds()
        {
            if (ClockGetTime(ClockThreadCpuTime, out var t) != 0) throw new InvalidOperationException("clock_gettime failed.");
            return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        }
    }
}

public sealed record SearchCostResult
{
    public int Searches { get; init; }
    public int Distinct { get; init; }
    public required LatencyStats CpuMs { get; init; }
    public double CpuMsMean { get; init; }
    public required LatencyStats AllocatedKb { get; init; }
    public double AllocatedKbMean { get; init; }
    public required LatencyStats WallMs { get; init; }
    public int LeftThread { get; init; }
    // Each distinct search of the mix: its mean CPU time and allocation, and how many products it found.
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<(string Url, double CpuMs, double AllocatedKb, int Total)> PerSearch { get; init; } = [];
}
