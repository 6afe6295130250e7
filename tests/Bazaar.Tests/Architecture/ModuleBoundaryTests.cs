using System.Text.RegularExpressions;

namespace Bazaar.Tests.Architecture;

// Modules reach each other's tables only through the owner's facade (STYLE.md, habit 7).
public partial class ModuleBoundaryTests
{
    private static readonly Dictionary<string, string> TableOwners = new()
    {
        ["Products"] = "Catalog",
        ["Categories"] = "Catalog",
        ["ProductAttributes"] = "Catalog",
        ["StockItems"] = "Inventory",
        ["Reservations"] = "Inventory",
        ["StockMovements"] = "Inventory",
        ["Backorders"] = "Inventory",
        ["CartLines"] = "Cart",
        ["SearchChanges"] = "Search",
        ["SynonymRules"] = "Search",
        ["Orders"] = "Orders",
        ["OrderLines"] = "Orders",
        ["OrderEvents"] = "Orders",
        ["OrderNotifications"] = "Orders",
        ["Payments"] = "Payments",
        ["PaymentAttempts"] = "Payments",
        ["CheckoutRequests"] = "Checkout",
        ["SavedAddresses"] = "Checkout",
        ["ShippingMethods"] = "Checkout",
        ["WeightBands"] = "Checkout",
        ["TaxRates"] = "Checkout",
        ["RateChanges"] = "Checkout",
        ["Reviews"] = "Reviews",
        ["ReviewVotes"] = "Reviews",
        ["RecentViews"] = "Recommendations",
        ["CoPurchaseItems"] = "Recommendations",
        ["CoPurchasePairs"] = "Recommendations",
        ["RecommendationProgress"] = "Recommendations",
        ["Invoices"] = "Orders",
        ["StorePages"] = "Content",
    };

    [GeneratedRegex(@"\bdb\.(\w+)\b")]
    private static partial Regex DbSetUse();

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bazaar.slnx"))) return Path.Combine(dir.FullName, "src", "Bazaar");
        throw new InvalidOperationException("The repository root was not found.");
    }

    [Fact]
    public void Modules_touch_only_their_own_tables()
    {
        var root = SourceRoot();
        var offences = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            var module = relative.Split(Path.DirectorySeparatorChar)[0];
            if (module is "Data" or "bin" or "obj") continue;
            foreach (Match use in DbSetUse().Matches(File.ReadAllText(file)))
                if (TableOwners.TryGetValue(use.Groups[1].Value, out var owner) && owner != module)
                    offences.Add($"{relative} uses db.{use.Groups[1].Value}, which belongs to {owner}");
        }
        Assert.True(offences.Count == 0, string.Join(Environment.NewLine, offences));
    }

    [Fact]
    public void The_boundary_check_sees_the_modules()
    {
        // Guards the test above against silently scanning nothing.
        var modules = Directory.EnumerateDirectories(SourceRoot()).Select(Path.GetFileName).ToList();
        Assert.Contains("Catalog", modules);
        Assert.Contains("Inventory", modules);
        Assert.Contains("Cart", modules);
    }
}
