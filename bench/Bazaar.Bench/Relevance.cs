using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bazaar.Search;

namespace Bazaar.Bench;

// Offline relevance: index the given products (product_id,title) with the store's own search code (RelevanceIndex), run
// every judged query, and score the top 10: NDCG@10 with gain = grade - 1 (unjudged results gain 0; queries
// whose judged products all have grade 1 have no ideal ranking and are left out of the mean), recall@10 of
// the products graded 2 or more, and per-query latency.
public static class Relevance
{
    private const int K = 10;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var productsPath = args.Optional("products") ?? throw new ArgumentException("--products <products.csv> is required.");
        var judgmentsPath = args.Optional("judgments") ?? throw new ArgumentException("--judgments <judgments.csv> is required.");
        var json = args.Optional("json");
        var ranking = args.Optional("ranking");
        var worst = args.Number("show-worst", 0, 0, 100_000);
        var explain = args.Optional("explain");
        var perQueryPath = args.Optional("per-query");
        var sweep = args.Optional("sweep");
        var dumpPath = args.Optional("dump");
        args.RejectUnknown();
        if (new[] { explain, sweep, dumpPath }.Count(o => o is not null) > 1)
            throw new ArgumentException("--explain, --sweep and --dump each run on their own: give one of them.");

        var products = ReadCsv(productsPath).Skip(1).Select(r => (Id: int.Parse(r[0], CultureInfo.InvariantCulture), Title: r[1])).ToList();
        var judgments = ReadCsv(judgmentsPath).Skip(1)
            .Select(r => (Query: r[0], Id: int.Parse(r[1], CultureInfo.InvariantCulture), Grade: double.Parse(r[2], CultureInfo.InvariantCulture)))
            .GroupBy(j => j.Query)
            .ToDictionary(g => g.Key, g => g.GroupBy(j => j.Id).ToDictionary(x => x.Key, x => x.Average(j => j.Grade)));
        Console.WriteLine($"relevance: {products.Count:N0} products, {judgments.Count:N0} queries, {judgments.Sum(j => j.Value.Count):N0} judgments");

        var directory = Directory.CreateTempSubdirectory("bazaar-relevance.").FullName;
        try
        {
            var indexing = Stopwatch.StartNew();
            using var index = RelevanceIndex.Build([.. products.Select(p => p.Id)], [.. products.Select(p => p.Title)], directory, ranking);
            indexing.Stop();
            Console.WriteLine($"relevance: indexed in {indexing.Elapsed.TotalSeconds:0.0} s");

            if (explain is not null)
            {
                Explain(index, explain.Split('|'), judgments, products.ToDictionary(p => p.Id, p => p.Title));
                return 0;
            }
            foreach (var warm in judgments.Keys.Take(200)) index.Search(warm, K);
            if (dumpPath is not null)
            {
                // Each query's top 100 with scores (query, rank, product id, score), to try re-rankings offline.
                var lines = new List<string>();
                foreach (var query in judgments.Keys)
                {
                    var hits = index.SearchScored(query, 100);
                    for (var r = 0; r < hits.Length; r++) lines.Add($"{query}\t{r}\t{hits[r].Id}\t{hits[r].Score.ToString("R", CultureInfo.InvariantCulture)}");
                }
                await File.WriteAllLinesAsync(dumpPath, lines);
                return 0;
            }
            if (sweep is not null)
            {
                Sweep(index, File.ReadAllLines(sweep), judgments);
                return 0;
            }

            var perQuery = new List<QueryScore>();
            var latencies = new List<double>();
            foreach (var (query, graded) in judgments)
            {
                var started = Stopwatch.GetTimestamp();
                var top = index.Search(query, K);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                perQuery.Add(Score(query, top, graded));
            }

            var scored = perQuery.Where(q => q.Ndcg is not null).ToList();
            var withRelevant = perQuery.Where(q => q.Recall is not null).ToList();
            latencies.Sort();
            var result = new RelevanceResult
            {
                Products = products.Count,
                Queries = judgments.Count,
                QueriesScored = scored.Count,
                NdcgAt10 = Math.Round(scored.Average(q => q.Ndcg!.Value), 4),
                RecallAt10 = Math.Round(withRelevant.Average(q => q.Recall!.Value), 4),
                ZeroResultQueries = perQuery.Count(q => q.Returned == 0),
                LatencyMs = new RelevanceLatency(Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99), Math.Round(latencies.Average(), 3)),
                IndexSeconds = Math.Round(indexing.Elapsed.TotalSeconds, 2),
                Ranking = ranking ?? "store defaults",
                Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                RanAt = DateTimeOffset.UtcNow,
            };
            Console.WriteLine($"relevance: NDCG@10 {result.NdcgAt10:0.0000} over {result.QueriesScored} queries, recall@10 {result.RecallAt10:0.0000}, "
                + $"{result.ZeroResultQueries} with no result; latency p50 {result.LatencyMs.P50} ms, p95 {result.LatencyMs.P95} ms, p99 {result.LatencyMs.P99} ms");
            foreach (var q in scored.OrderBy(q => q.Ndcg).Take(worst))
                Console.WriteLine($"  {q.Ndcg:0.000}  {q.Query}");
            if (perQueryPath is not null)
                await File.WriteAllLinesAsync(perQueryPath, scored.Select(q => $"{q.Ndcg!.Value.ToString("0.0000", CultureInfo.InvariantCulture)}\t{q.Query}"));
            if (json is not null)
                await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }

    // Weights to compare on one index: each line of the file is a --ranking value over the store's own (an empty
    // line is the store's). Prints NDCG@10 over all queries and over the two halves of them (split by a hash of
    // the text), so a change that helps only one half shows as such.
    private static void Sweep(RelevanceIndex index, string[] lines, Dictionary<string, Dictionary<int, double>> judgments)
    {
        static bool FirstHalf(string query) => query.Aggregate(2166136261u, (h, c) => (h ^ c) * 16777619u) % 2 == 0;
        foreach (var line in lines.Select(l => l.Trim()).Where(l => !l.StartsWith('#')))
        {
            var ranking = RelevanceIndex.Parse(line);
            var scores = judgments
                .Select(j => (j.Key, Score(j.Key, index.Search(j.Key, K, ranking), j.Value).Ndcg))
                .Where(s => s.Ndcg is not null)
                .ToList();
            double Mean(bool first) => scores.Where(s => FirstHalf(s.Key) == first).Select(s => s.Ndcg!.Value).DefaultIfEmpty(double.NaN).Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sweep\t{scores.Average(s => s.Ndcg!.Value):0.0000}\t{Mean(true):0.0000}\t{Mean(false):0.0000}\t{(line.Length == 0 ? "store defaults" : line)}"));
        }
    }

    // Prints, for each query, what came back and what the judges graded, to see why a query scores low.
    private static void Explain(RelevanceIndex index, string[] queries, Dictionary<string, Dictionary<int, double>> judgments, Dictionary<int, string> titles)
    {
        foreach (var query in queries)
        {
            var graded = judgments.GetValueOrDefault(query) ?? [];
            var top = index.Search(query, K);
            Console.WriteLine($"== {query}: NDCG@10 {Score(query, top, graded).Ndcg:0.000}");
            foreach (var id in top) Console.WriteLine($"  {(graded.TryGetValue(id, out var g) ? g.ToString("0.00", CultureInfo.InvariantCulture) : "  - ")}  {titles.GetValueOrDefault(id)}");
            Console.WriteLine("  judged:");
            foreach (var (id, grade) in graded.OrderByDescending(g => g.Value))
                Console.WriteLine($"  {grade.ToString("0.00", CultureInfo.InvariantCulture)}{(top.Contains(id) ? "*" : " ")} {titles.GetValueOrDefault(id)}");
        }
    }

    private sealed record QueryScore(string Query, double? Ndcg, double? Recall, int Returned);

    private static QueryScore Score(string query, int[] top, Dictionary<int, double> graded)
    {
        double Gain(int id) => graded.TryGetValue(id, out var grade) ? Math.Max(0, grade - 1) : 0;
        var dcg = top.Take(K).Select((id, rank) => Gain(id) / Math.Log2(rank + 2)).Sum();
        var ideal = graded.Values.Select(g => Math.Max(0, g - 1)).OrderByDescending(g => g).Take(K).Select((g, rank) => g / Math.Log2(rank + 2)).Sum();
        var relevant = graded.Where(g => g.Value >= 2).Select(g => g.Key).ToHashSet();
        return new QueryScore(query,
            ideal > 0 ? dcg / ideal : null,
            relevant.Count > 0 ? (double)top.Take(K).Count(relevant.Contains) / relevant.Count : null,
            top.Length);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)], 3);

    // RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.
    public static IEnumerable<string[]> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': row.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    row.Add(field.ToString()); field.Clear();
                    yield return row.ToArray();
                    row.Clear();
                    break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row.ToArray();
        }
    }
}

public sealed record RelevanceLatency(double P50, double P95, double P99, double Mean);

public sealed record RelevanceResult
{
    public int Products { get; init; }
    public int Queries { get; init; }
    public int QueriesScored { get; init; }
    public double NdcgAt10 { get; init; }
    public double RecallAt10 { get; init; }
    public int ZeroResultQueries { get; init; }
    public required RelevanceLatency LatencyMs { get; init; }
    public double IndexSeconds { get; init; }
    public required string Ranking { get; init; }
    public required string Machine { get; init; }
    public DateTimeOffset RanAt { get; init; }
}
