using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bazaar.Recommendations;

namespace Bazaar.Bench;

// Offline evaluation of the store's recommenders on real baskets (user_id,basket_seq,item_id): each shopper's
// last basket is held out; every other basket is the history. The co-purchase counts are built with the store's
// CoPurchaseCounts and the personal ranking is the store's PersonalRecommender with the store's weights; the
// baselines are global popularity and the shopper's own purchase frequency (ties by first purchase, padded with
// popularity). Metrics per shopper, averaged: HR@10 (any held-out item in the top 10), Recall@10 (share of the
// held-out basket's items found), NDCG@10 (binary gain, ideal over min(10, basket size)).
public static class RecommendEval
{
    private const int K = 10;
    private const int PopularPool = 300;

    public sealed record Row(string Recommender, double HitRate, double Recall, double Ndcg, double MeanMs, string Notes);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var path = args.Optional("baskets") ?? throw new ArgumentException("--baskets <baskets.csv> is required.");
        var json = args.Optional("json");
        args.RejectUnknown();

        var shoppers = Read(path);
        var training = new CoPurchaseCounts();
        foreach (var s in shoppers) foreach (var basket in s.History) training.Add(basket);
        var popular = training.Baskets.OrderByDescending(b => b.Value).ThenBy(b => b.Key).Take(PopularPool).Select(b => new Popular(b.Key, b.Value)).ToList();
        Console.WriteLine($"recommend-eval: {shoppers.Count:N0} shoppers, {shoppers.Sum(s => s.History.Count):N0} history baskets, " +
            $"{training.Baskets.Count:N0} items, {training.PairCount:N0} directed pairs");

        var rows = new List<Row>
        {
            Evaluate("popularity", shoppers, _ => popular.Take(K).Select(p => p.ProductId).ToList(), "global basket counts"),
            Evaluate("own-frequency", shoppers, s => OwnFrequency(s, popular), "baseline: times bought, ties by first purchase, padded with popularity"),
        };
        foreach (var normalisation in Enum.GetValues<CoPurchaseNormalisation>())
        {
            var cache = new Dictionary<int, IReadOnlyList<Neighbour>>();
            IReadOnlyList<Neighbour> Neighbours(int id) => cache.TryGetValue(id, out var n) ? n : cache[id] = training.Neighbours(id, 50, normalisation, minTogether: 1);
            rows.Add(Evaluate($"also-bought ({normalisation.ToString().ToLowerInvariant()})", shoppers,
                s => PersonalRecommender.Recommend(s.AsHistory(), Neighbours, [], K, new RecommenderWeights(Decay: 1, Popularity: 0, AlsoBought: 1)).Select(r => r.ProductId)
                    .Concat(popular.Select(p => p.ProductId)).Distinct().Take(K).ToList(),
                $"neighbours of everything bought, padded with popularity; echo {Echo(training, popular, normalisation):P0}"));
        }
        var store = new RecommenderWeights();
        var storeCache = new Dictionary<int, IReadOnlyList<Neighbour>>();
        IReadOnlyList<Neighbour> StoreNeighbours(int id) => storeCache.TryGetValue(id, out var n) ? n : storeCache[id] = training.Neighbours(id, 50);
        rows.Add(Evaluate("personal (store)", shoppers,
            s => PersonalRecommender.Recommend(s.AsHistory(), StoreNeighbours, popular, K, store).Select(r => r.ProductId).ToList(),
            $"decay {store.Decay}, popularity {store.Popularity}, also-bought {store.AlsoBought} ({CoPurchaseCounts.StoreNormalisation.ToString().ToLowerInvariant()})"));
        rows.Add(Evaluate("personal without also-bought", shoppers,
            s => PersonalRecommender.Recommend(s.AsHistory(), StoreNeighbours, popular, K, store with { AlsoBought = 0 }).Select(r => r.ProductId).ToList(),
            "ablation"));
        rows.Add(Evaluate("personal without popularity", shoppers,
            s => PersonalRecommender.Recommend(s.AsHistory(), StoreNeighbours, popular, K, store with { Popularity = 0 }).Select(r => r.ProductId)
                .Concat(popular.Select(p => p.ProductId)).Distinct().Take(K).ToList(),
            "ablation (padded with popularity)"));

        Console.WriteLine();
        Console.WriteLine($"{"recommender",-32} {"HR@10",7} {"Recall@10",10} {"NDCG@10",8} {"ms/shopper",11}  notes");
        foreach (var r in rows)
            Console.WriteLine($"{r.Recommender,-32} {r.HitRate,7:0.000} {r.Recall,10:0.000} {r.Ndcg,8:0.000} {r.MeanMs,11:0.000}  {r.Notes}");
        var personal = rows.Single(r => r.Recommender == "personal (store)");
        var beats = rows.Where(r => r.Recommender is "popularity" or "own-frequency").All(b => personal.HitRate > b.HitRate && personal.Recall > b.Recall);
        Console.WriteLine($"recommend-eval: the personal recommender {(beats ? "beats" : "does NOT beat")} both baselines on HR@10 and Recall@10");

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new
            {
                baskets = Path.GetFullPath(path),
                shoppers = shoppers.Count,
                machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
                at = DateTimeOffset.UtcNow,
                results = rows,
                personalBeatsBaselines = beats,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            Console.WriteLine($"recommend-eval: wrote {json}");
        }
        return beats ? 0 : 1;
    }

    private sealed record Shopper(string Id, IReadOnlyList<IReadOnlyList<int>> History, IReadOnlySet<int> HeldOut)
    {
        public ShopperHistory AsHistory() => new(History.Reverse().ToList(), []);
    }

    private static Row Evaluate(string name, IReadOnlyList<Shopper> shoppers, Func<Shopper, IReadOnlyList<int>> recommend, string notes)
    {
        double hits = 0, recall = 0, ndcg = 0;
        var clock = Stopwatch.StartNew();
        foreach (var s in shoppers)
        {
            var top = recommend(s).Take(K).ToList();
            var found = top.Count(s.HeldOut.Contains);
            hits += found > 0 ? 1 : 0;
            recall += (double)found / s.HeldOut.Count;
            var dcg = top.Select((id, rank) => s.HeldOut.Contains(id) ? 1 / Math.Log2(rank + 2) : 0).Sum();
            var ideal = Enumerable.Range(0, Math.Min(K, s.HeldOut.Count)).Sum(rank => 1 / Math.Log2(rank + 2));
            ndcg += dcg / ideal;
        }
        var n = shoppers.Count;
        return new Row(name, hits / n, recall / n, ndcg / n, clock.Elapsed.TotalMilliseconds / n, notes);
    }

    private static List<int> OwnFrequency(Shopper s, IReadOnlyList<Popular> popular)
    {
        var counts = new Dictionary<int, (int Count, int First)>();
        var position = 0;
        foreach (var basket in s.History)
            foreach (var item in basket)
                counts[item] = counts.TryGetValue(item, out var c) ? (c.Count + 1, c.First) : (1, position++);
        return counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Value.First).Select(c => c.Key)
            .Concat(popular.Select(p => p.ProductId)).Distinct().Take(K).ToList();
    }

    // How much a normalisation echoes the best-sellers: the share of items' top-5 neighbours that are among the 1%
    // most bought items.
    private static double Echo(CoPurchaseCounts counts, IReadOnlyList<Popular> popular, CoPurchaseNormalisation normalisation)
    {
        var top = counts.Baskets.OrderByDescending(b => b.Value).Take(Math.Max(1, counts.Baskets.Count / 100)).Select(b => b.Key).ToHashSet();
        var neighbours = counts.Baskets.Keys.SelectMany(id => counts.Neighbours(id, 5, normalisation)).ToList();
        return neighbours.Count == 0 ? 0 : (double)neighbours.Count(n => top.Contains(n.ProductId)) / neighbours.Count;
    }

    // Baskets per shopper in basket_seq order; items within a basket in file order, each once.
    private static List<Shopper> Read(string path)
    {
        var rows = File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(f => (User: f[0], Seq: int.Parse(f[1], CultureInfo.InvariantCulture), Item: int.Parse(f[2], CultureInfo.InvariantCulture)));
        var shoppers = new List<Shopper>();
        foreach (var user in rows.GroupBy(r => r.User))
        {
            var baskets = user.GroupBy(r => r.Seq).OrderBy(b => b.Key).Select(b => (IReadOnlyList<int>)b.Select(r => r.Item).Distinct().ToList()).ToList();
            if (baskets.Count < 2) continue;
            shoppers.Add(new Shopper(user.Key, baskets[..^1], baskets[^1].ToHashSet()));
        }
        return shoppers;
    }
}
