using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Bazaar.Search;

namespace Bazaar.Bench;

// Offline relevance: index products with the store's own search code (RelevanceIndex), run every judged query, and
// score the top 10. Two sources of products:
//   --products products.csv (product_id,title): bare titles, as the Home Depot set has them; grades 1-3, gain =
//     grade - 1 (queries whose judged products all have grade 1 have no ideal ranking and are left out);
//   --catalog bundled|<file or folder>: whole products as the store imports them (title, brand, derived category,
//     attributes, description; ids are the catalogue's own), grades 0-3, gain = 2^grade - 1 (bench/catalog-relevance).
// Reported: plain NDCG@10 (an unjudged result gains 0), condensed NDCG@10 (unjudged results dropped from the
// ranking before taking the top 10, so a pool that misses a good product does not count against it), recall@10
// of the products graded 2 or more, per-query latency, and with --queries (query<TAB>type) each figure per type.
public static class Relevance
{
    private const int K = 10;
    // How deep a condensed ranking looks for judged products.
    private const int CondensedDepth = 100;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var productsPath = args.Optional("products");
        var catalogPath = args.Optional("catalog");
        var judgmentsPath = args.Optional("judgments") ?? throw new ArgumentException("--judgments <judgments.csv> is required.");
        var queriesPath = args.Optional("queries");
        var json = args.Optional("json");
        var ranking = args.Optional("ranking");
        var worst = args.Number("show-worst", 0, 0, 100_000);
        var explain = args.Optional("explain");
        var perQueryPath = args.Optional("per-query");
        var sweep = args.Optional("sweep");
        var dumpPath = args.Optional("dump");
        var exportPath = args.Optional("export");
        args.RejectUnknown();
        if (new[] { explain, sweep, dumpPath }.Count(o => o is not null) > 1)
            throw new ArgumentException("--explain, --sweep and --dump each run on their own: give one of them.");
        if ((productsPath is null) == (catalogPath is null))
            throw new ArgumentException("Give one of --products <products.csv> (bare titles) or --catalog bundled|<path> (whole products).");

        IReadOnlyList<Bazaar.Catalog.ProductDetails> details = catalogPath is null ? [] : await Bazaar.Catalog.CatalogImport.ReadDetailsAsync(
            catalogPath == "bundled" ? Path.Combine(Repo.Root, "src", "Bazaar.Web", "Catalog", "icecat") : catalogPath, CancellationToken.None);
        var products = productsPath is not null
            ? ReadCsv(productsPath).Skip(1).Select(r => (Id: int.Parse(r[0], CultureInfo.InvariantCulture), Title: r[1])).ToList()
            : details.Select(p => (p.Id, p.Title)).ToList();
        var judgments = ReadCsv(judgmentsPath).Skip(1)
            .Select(r => (Query: r[0], Id: int.Parse(r[1], CultureInfo.InvariantCulture), Grade: double.Parse(r[2], CultureInfo.InvariantCulture)))
            .GroupBy(j => j.Query)
            .ToDictionary(g => g.Key, g => g.GroupBy(j => j.Id).ToDictionary(x => x.Key, x => Gain(x.Average(j => j.Grade), catalogPath is not null)));
        var types = queriesPath is null ? [] : File.ReadAllLines(queriesPath)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "other", StringComparer.Ordinal);
        Console.WriteLine($"relevance: {products.Count:N0} products, {judgments.Count:N0} queries, {judgments.Sum(j => j.Value.Count):N0} judgments");
        if (exportPath is not null)
        {
            // One product a line, for pooling and judging by reading (id, brand, category path, product type, title).
            await File.WriteAllLinesAsync(exportPath, details.Select(p => string.Join('\t', p.Id.ToString(CultureInfo.InvariantCulture), p.Brand,
                string.Join(" > ", p.CategoryPath.Select(c => c.Name)), p.Attributes.FirstOrDefault(a => a.Key == "product_type")?.Value ?? "",
                p.Title.Replace('\t', ' '))));
        }

        var directory = Directory.CreateTempSubdirectory("bazaar-relevance.").FullName;
        try
        {
            var indexing = Stopwatch.StartNew();
            using var index = details.Count > 0
                ? RelevanceIndex.Build(details, directory, ranking)
                : RelevanceIndex.Build([.. products.Select(p => p.Id)], [.. products.Select(p => p.Title)], directory, ranking);
            indexing.Stop();
            Console.WriteLine($"relevance: indexed in {indexing.Elapsed.TotalSeconds:0.0} s");

            if (explain is not null)
            {
                var shown = details.Count > 0
                    ? details.ToDictionary(p => p.Id, p => $"[{p.CategoryPath.LastOrDefault()?.Name}] {p.Title}")
                    : products.ToDictionary(p => p.Id, p => p.Title);
                Explain(index, explain.Split('|'), judgments, shown);
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
                var top = index.Search(query, CondensedDepth);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                perQuery.Add(Score(query, top, graded, relevantGain: catalogPath is null ? 1 : 3) with { Type = types.GetValueOrDefault(query, "all") });
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
                CondensedNdcgAt10 = Math.Round(scored.Average(q => q.Condensed!.Value), 4),
                JudgedShareOfTop10 = Math.Round(scored.Average(q => q.JudgedShare), 4),
                RecallAt10 = Math.Round(withRelevant.Average(q => q.Recall!.Value), 4),
                ZeroResultQueries = perQuery.Count(q => q.Returned == 0),
                ByType = scored.GroupBy(q => q.Type).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new RelevanceByType(
                    g.Count(), Math.Round(g.Average(q => q.Ndcg!.Value), 4), Math.Round(g.Average(q => q.Condensed!.Value), 4))),
                LatencyMs = new RelevanceLatency(Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99), Math.Round(latencies.Average(), 3)),
                IndexSeconds = Math.Round(indexing.Elapsed.TotalSeconds, 2),
                Ranking = ranking ?? "store defaults",
                Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
                RanAt = DateTimeOffset.UtcNow,
            };
            Console.WriteLine($"relevance: NDCG@10 {result.NdcgAt10:0.0000} (condensed {result.CondensedNdcgAt10:0.0000}, "
                + $"{result.JudgedShareOfTop10:P0} of the top 10 judged) over {result.QueriesScored} queries, recall@10 {result.RecallAt10:0.0000}, "
                + $"{result.ZeroResultQueries} with no result; latency p50 {result.LatencyMs.P50} ms, p95 {result.LatencyMs.P95} ms, p99 {result.LatencyMs.P99} ms");
            if (types.Count > 0)
                foreach (var (type, figures) in result.ByType)
                    Console.WriteLine($"  {type,-14} {figures.Queries,4} queries  NDCG@10 {figures.NdcgAt10:0.0000}  condensed {figures.CondensedNdcgAt10:0.0000}");
            foreach (var q in scored.OrderBy(q => q.Ndcg).Take(worst))
                Console.WriteLine($"  {q.Ndcg:0.000}  {q.Condensed:0.000}  {q.Query}");
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

    private sealed record QueryScore(string Query, double? Ndcg, double? Condensed, double JudgedShare, double? Recall, int Returned)
    {
        public string Type { get; init; } = "all";
    }

    // Home Depot grades (1-3) gain grade - 1, as that set's own evaluation does; the catalogue's (0-3) gain 2^grade - 1,
    // so a product *for* the thing asked (grade 1) earns a seventh of the thing itself.
    private static double Gain(double grade, bool catalogue) => catalogue ? Math.Pow(2, grade) - 1 : Math.Max(0, grade - 1);

    // `top` may run deeper than K: plain NDCG reads its first K, condensed NDCG the first K judged ones.
    private static QueryScore Score(string query, int[] top, Dictionary<int, double> graded, double relevantGain = 1)
    {
        double Gain(int id) => graded.TryGetValue(id, out var gain) ? gain : 0;
        static double Dcg(IEnumerable<double> gains) => gains.Take(K).Select((g, rank) => g / Math.Log2(rank + 2)).Sum();
        var ideal = Dcg(graded.Values.OrderByDescending(g => g));
        var relevant = graded.Where(g => g.Value >= relevantGain).Select(g => g.Key).ToHashSet();
        var first = top.Take(K).ToList();
        return new QueryScore(query,
            ideal > 0 ? Dcg(first.Select(Gain)) / ideal : null,
            ideal > 0 ? Dcg(top.Where(graded.ContainsKey).Select(Gain)) / ideal : null,
            first.Count == 0 ? 1 : (double)first.Count(graded.ContainsKey) / first.Count,
            relevant.Count > 0 ? (double)first.Count(relevant.Contains) / relevant.Count : null,
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

public sealed record RelevanceByType(int Queries, double NdcgAt10, double CondensedNdcgAt10);

public sealed record RelevanceLatency(double P50, double P95, double P99, double Mean);

public sealed record RelevanceResult
{
    public int Products { get; init; }
    public int Queries { get; init; }
    public int QueriesScored { get; init; }
    public double NdcgAt10 { get; init; }
    public double CondensedNdcgAt10 { get; init; }
    public double JudgedShareOfTop10 { get; init; }
    public Dictionary<string, RelevanceByType> ByType { get; init; } = [];
    public double RecallAt10 { get; init; }
    public int ZeroResultQueries { get; init; }
    public required RelevanceLatency LatencyMs { get; init; }
    public double IndexSeconds { get; init; }
    public required string Ranking { get; init; }
    public required string Machine { get; init; }
    public DateTimeOffset RanAt { get; init; }
}
