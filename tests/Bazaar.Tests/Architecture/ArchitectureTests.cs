using static Bazaar.Tests.Architecture.StoreArchitecture;

namespace Bazaar.Tests.Architecture;

// The executable form of docs/architecture.md: modules reach each other only through their facades, module
// namespaces have no cycles, each table is written by its owner alone, and pages call facades, never the database.
public sealed class ArchitectureTests
{
    // Cross-module dependencies, one per (type, type) pair, with where each end lives.
    private static readonly IReadOnlyList<(string From, string FromPlace, string To, string ToPlace)> Dependencies =
        Compiled.Types
            .SelectMany(t => t.Dependencies.Select(d => (From: OuterName(t.FullName), To: OuterName(d.Target.FullName))))
            .Distinct()
            .Select(d => (d.From, FromPlace: PlaceOf(d.From), d.To, ToPlace: PlaceOf(d.To)))
            .Where(d => d.FromPlace is not null && d.ToPlace is not null && d.FromPlace != d.ToPlace)
            .Select(d => (d.From, d.FromPlace!, d.To, d.ToPlace!))
            .ToList();

    private static bool IsModule(string place) => Modules.Contains(place);

    private static bool IsEdgeOrModule(string place) => Modules.Contains(ModuleOf(place));

    [Fact]
    public void Modules_reach_each_other_only_through_their_facades()
    {
        var offences = Dependencies
            .Where(d => (IsEdgeOrModule(d.FromPlace) || d.FromPlace is "Pages" or "Platform") && IsEdgeOrModule(d.ToPlace))
            .Where(d => ModuleOf(d.FromPlace) != ModuleOf(d.ToPlace) && !PublishedTypes.ContainsKey(d.To))
            .Select(d => $"{d.From} uses {d.To}, which {d.ToPlace} does not publish")
            // The composition (wiring, start-up, audit, purge) may use every module; no module uses it (pages may use
            // the web host's helpers, which live in the same project).
            .Concat(Dependencies.Where(d => (IsEdgeOrModule(d.FromPlace) || d.FromPlace is "Platform" or "Data")
                    && d.ToPlace == "Composition")
                .Select(d => $"{d.From} uses {d.To}, which is the composition, not a facade"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, $"{offences.Count} uses past a facade:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void Module_namespaces_have_no_cycles()
    {
        // Platform is in the graph: it is the shared kernel, so it must not depend on any module either. A module's
        // endpoints (Api:Cart) are the HTTP edge, like the pages: outside the graph, but held to the facades above.
        var edges = Dependencies.Where(d => IsNode(d.FromPlace) && IsNode(d.ToPlace))
            .GroupBy(d => (d.FromPlace, d.ToPlace)).ToDictionary(g => g.Key, g => g.First());
        var next = edges.Keys.GroupBy(e => e.FromPlace).ToDictionary(g => g.Key, g => g.Select(e => e.ToPlace).ToList());
        var cycles = new List<string>();
        foreach (var component in StronglyConnected(next).Where(c => c.Count > 1))
        {
            var inside = edges.Where(e => component.Contains(e.Key.FromPlace) && component.Contains(e.Key.ToPlace))
                .Select(e => $"  {e.Key.FromPlace} -> {e.Key.ToPlace} ({e.Value.From} uses {e.Value.To})").Order(StringComparer.Ordinal);
            cycles.Add($"cycle among {string.Join(", ", component.Order(StringComparer.Ordinal))}:\n{string.Join('\n', inside)}");
        }
        Assert.True(cycles.Count == 0, string.Join('\n', cycles));

        static bool IsNode(string place) => IsModule(place) || place == "Platform";
    }

    [Fact]
    public void Each_table_is_reached_through_EF_only_by_its_owner()
    {
        var owners = Tables.Values.ToDictionary(t => t.Entity.FullName!, t => t.Owner, StringComparer.Ordinal);
        var offences = Dependencies
            // Data maps every entity; the composition names Accounts' Customer to wire Identity. Nobody else may.
            .Where(d => d.FromPlace is not ("Data" or "Composition") && owners.TryGetValue(d.To, out var owner)
                && owner != ModuleOf(d.FromPlace))
            .Select(d => $"{d.From} ({d.FromPlace}) uses {d.To}, an entity of {owners[d.To]}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }

    [Fact]
    public void Each_table_is_written_in_SQL_only_by_its_owner()
    {
        var offences = SqlWrites()
            .Select(w => (w.Type, w.Table, Place: PlaceOf(w.Type), Tables[w.Table].Owner))
            .Where(w => w.Place is not null and not "Data" && ModuleOf(w.Place) != w.Owner)
            .Select(w => $"{OuterName(w.Type)} ({w.Place}) writes {w.Table}, which belongs to {w.Owner}")
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }

    [Fact]
    public void Pages_call_facades_and_never_the_database()
    {
        var offences = Dependencies.Where(d => d.FromPlace == "Pages" && d.ToPlace == "Data")
            .Select(d => $"{d.From} uses {d.To}").Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }

    [Fact]
    public void The_architecture_test_sees_the_whole_store()
    {
        // Guards the tests above against silently checking nothing.
        Assert.All(Modules, m => Assert.Contains(Compiled.Types, t => PlaceOf(t.FullName) == m));
        Assert.Contains(Compiled.Types, t => PlaceOf(t.FullName) == "Pages");
        Assert.Contains(Dependencies, d => d is { FromPlace: "Cart", To: "Bazaar.Inventory.Inventory" });
        Assert.Contains(SqlWrites(), w => w.Table == "reservations");
        Assert.Equal("Inventory", Tables["stock_items"].Owner);
        Assert.Contains("Bazaar.Inventory.StockLevel", PublishedTypes.Keys);
        Assert.DoesNotContain("Bazaar.Inventory.StockItem", PublishedTypes.Keys);
    }

    // Tarjan's algorithm over the module graph.
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> next)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        foreach (var node in next.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return components;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to))
                {
                    Visit(to);
                    low[node] = Math.Min(low[node], low[to]);
                }
                else if (stack.Contains(to)) low[node] = Math.Min(low[node], index[to]);
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string popped;
            do component.Add(popped = stack.Pop());
            while (popped != node);
            components.Add(component);
        }
    }
}
