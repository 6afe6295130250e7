using Bazaar.Catalog;
using Bazaar.Orders;

namespace Bazaar.Recommendations;

public sealed record DemoHistoryResult(int Shoppers, int Orders, int Reviews);

// Simulated shopping history over the catalogue, so a fresh store shows meaningful shelves. Marked as demo data
// everywhere it lands (orders.demo, reviews.demo, shopper keys "demo:N"); it never touches stock or payments.
// The model: product popularity follows a Zipf curve; each shopper favours one to three categories; a basket
// starts with a favourite-category product and adds "companions" (a fixed few per product from its department,
// the co-purchase pattern also-bought should find) or more favourites; a third of later orders re-buy something.
public sealed class DemoHistory(Catalog.Catalog catalog, OrderHistory orders, Reviews.Reviews reviews, AlsoBoughtBuilder builder, TimeProvider clock)
{
    private static readonly string[] Praise = ["Does the job", "Exactly as described", "Great value", "Solid and well made", "Would buy again"];
    private static readonly string[] Complaints = ["Not what I hoped", "Stopped working", "Flimsy", "Overpriced for what it is", "Disappointing"];

    // Removes what a write stopped part-way left, so that writing it again gives the history once.
    public async Task ClearAsync(CancellationToken ct = default)
    {
        await reviews.DeleteDemoAsync(ct);
        await orders.DeleteDemoAsync(ct);
    }

    public async Task<DemoHistoryResult> WriteAsync(int orderCount, int seed = 2026, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var tree = await catalog.GetCategoryTreeAsync(ct);
        var departmentOf = new Dictionary<int, int>();
        foreach (var department in tree) Walk(department, department.Id, departmentOf);
        var ids = (await catalog.ListSkusAsync(ct)).Select(s => s.ProductId).ToList();
        var products = (await catalog.GetProductSummariesAsync(ids, ct)).OrderBy(p => p.Id).ToList();
        if (products.Count < 10 || orderCount <= 0) return new DemoHistoryResult(0, 0, 0);

        // Popularity: a shuffled Zipf weight per product; per category and per department, the products by weight.
        var weight = products.ToDictionary(p => p.Id, _ => 0.0);
        var shuffled = products.OrderBy(_ => random.Next()).ToList();
        for (var rank = 0; rank < shuffled.Count; rank++) weight[shuffled[rank].Id] = 1.0 / Math.Pow(rank + 10, 0.9);
        var byCategory = products.GroupBy(p => p.CategoryId).ToDictionary(g => g.Key, g => new WeightedPick(g.Select(p => (p, weight[p.Id]))));
        var byDepartment = products.GroupBy(p => departmentOf.GetValueOrDefault(p.CategoryId, p.CategoryId))
            .ToDictionary(g => g.Key, g => g.ToList());
        var categories = new WeightedPick(byCategory.Select(c => (c.Value.First, c.Value.Total)));
        var everything = new WeightedPick(products.Select(p => (p, weight[p.Id])));

        // Each product's companions: three products of its department, fixed for the run.
        var companions = new Dictionary<int, ProductSummary[]>();
        ProductSummary[] CompanionsOf(ProductSummary p)
        {
            if (companions.TryGetValue(p.Id, out var found)) return found;
            var pool = byDepartment[departmentOf.GetValueOrDefault(p.CategoryId, p.CategoryId)];
            var rng = new Random(seed ^ p.Id);
            return companions[p.Id] = Enumerable.Range(0, 3).Select(_ => pool[rng.Next(pool.Count)]).Where(c => c.Id != p.Id).ToArray();
        }

        var now = clock.GetUtcNow();
        var demoOrders = new List<DemoOrder>(orderCount);
        var bought = new List<(string Shopper, ProductSummary Product, DateTimeOffset At)>();
        var shopper = 0;
        while (demoOrders.Count < orderCount)
        {
            shopper++;
            var key = $"demo:{shopper}";
            var favourites = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => byCategory[categories.Next(random).CategoryId]).ToList();
            var orderTotal = Math.Min(1 + (int)(-Math.Log(1 - random.NextDouble()) * 4), 30);
            var history = new List<ProductSummary>();
            var at = now - TimeSpan.FromDays(90 * random.NextDouble());
            for (var n = 0; n < orderTotal && demoOrders.Count < orderCount; n++)
            {
                var basket = new Dictionary<int, ProductSummary>();
                var first = history.Count > 0 && random.NextDouble() < 0.33 ? history[random.Next(history.Count)]
                    : random.NextDouble() < 0.8 ? favourites[random.Next(favourites.Count)].Next(random) : everything.Next(random);
                basket[first.Id] = first;
                var size = 1 + (int)(-Math.Log(1 - random.NextDouble()) * 1.5);
                // Bounded draws: in a small catalogue the companions and favourites may be few, or the same product.
                for (var draw = 0; draw < 20 && basket.Count < Math.Min(size, 8); draw++)
                {
                    var companionsOfFirst = CompanionsOf(first);
                    var next = random.NextDouble() < 0.6 && companionsOfFirst.Length > 0
                        ? companionsOfFirst[random.Next(companionsOfFirst.Length)]
                        : favourites[random.Next(favourites.Count)].Next(random);
                    basket[next.Id] = next;
                }
                history.AddRange(basket.Values);
                foreach (var p in basket.Values) bought.Add((key, p, at));
                demoOrders.Add(new DemoOrder(key, $"demo{shopper}@example.invalid", at,
                    basket.Values.Select(p => new DemoOrderLine(p.Sku, p.Id, p.Title, p.Price, random.NextDouble() < 0.9 ? 1 : 2)).ToList()));
                at += TimeSpan.FromDays(random.NextDouble() * 10);
                if (at > now) at = now - TimeSpan.FromMinutes(random.Next(1, 600));
            }
        }
        await orders.ImportDemoAsync(demoOrders, ct);

        // About one purchase in six gets a review; each product has a hidden quality its ratings scatter around.
        var demoReviews = bought.DistinctBy(b => (b.Shopper, b.Product.Id)).Where(_ => random.NextDouble() < 0.17)
            .Select(b =>
            {
                var quality = 2.5 + new Random(seed ^ (b.Product.Id * 31)).NextDouble() * 2.4;
                var rating = Math.Clamp((int)Math.Round(quality + (random.NextDouble() - 0.5) * 2.2), 1, 5);
                var title = rating >= 3 ? Praise[random.Next(Praise.Length)] : Complaints[random.Next(Complaints.Length)];
                return new Reviews.DemoReview(b.Product.Id, b.Shopper, "Demo shopper " + b.Shopper[5..], rating, title,
                    $"{title}. (Demo review written by the demo-history seeder.)", b.At.AddDays(4));
            }).ToList();
        await reviews.ImportDemoAsync(demoReviews, ct);
        await builder.RequestRebuildAsync(ct);
        return new DemoHistoryResult(shopper, demoOrders.Count, demoReviews.Count);
    }

    private static void Walk(CategoryNode node, int department, Dictionary<int, int> departmentOf)
    {
        departmentOf[node.Id] = department;
        foreach (var child in node.Children) Walk(child, department, departmentOf);
    }

    // Draws items with probability proportional to their weight.
    private sealed class WeightedPick
    {
        private readonly ProductSummary[] _items;
        private readonly double[] _cumulative;

        public WeightedPick(IEnumerable<(ProductSummary Item, double Weight)> items)
        {
            var list = items.ToList();
            _items = list.Select(i => i.Item).ToArray();
            _cumulative = new double[list.Count];
            var sum = 0.0;
            for (var i = 0; i < list.Count; i++) _cumulative[i] = sum += list[i].Weight;
            Total = sum;
        }

        public double Total { get; }

        public ProductSummary First => _items[0];

        public ProductSummary Next(Random random)
        {
            var at = Array.BinarySearch(_cumulative, random.NextDouble() * Total);
            return _items[Math.Min(at < 0 ? ~at : at, _items.Length - 1)];
        }
    }
}
