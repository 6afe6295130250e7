using Bazaar.Catalog;
using Bazaar.Platform;
using Bazaar.Store;
using Bazaar.Search;

namespace Bazaar.Web.Hosting;

// One-shot maintenance commands: `dotnet run --project src/Bazaar.Web -- <command> [args]`.
public static class StoreCommands
{
    private static readonly string[] Commands = ["import", "audit", "reindex", "seed-demo", "admin"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!StoreHost.CanWriteDataDirectory(app)) return 1;
        await app.Services.PrepareDatabaseAsync();
        return args[0] switch
        {
            "import" => await ImportAsync(app.Services, args.Skip(1).ToArray()),
            "audit" => await AuditAsync(app.Services),
            "reindex" => await ReindexAsync(app.Services),
            "seed-demo" => await SeedDemoAsync(app.Services, args.Skip(1).ToArray()),
            "admin" => await AdminCommand.RunAsync(app.Services, args[1..], Console.In, Console.Out),
            _ => 2,
        };
    }

    private static async Task<int> ImportAsync(IServiceProvider services, string[] args)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync("usage: import <catalogue.json | catalogue.zip | folder>   (use 'bundled' for the bundled Open Icecat catalogue)");
            return 2;
        }
        var path = args[0] == "bundled" ? CatalogImport.BundledCatalogPath : Path.GetFullPath(args[0]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"import: no file or folder at {path}");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var import = scope.ServiceProvider.GetRequiredService<CatalogImport>();
        var progress = new Progress<ImportProgress>(p => Console.Write($"\rimport: {p.Processed} of {p.Total} products"));
        var result = await import.ImportAsync(path, progress, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"import: {result}");
        return 0;
    }

    // Rebuilds this node's search index from the database into a new generation; a running store on the same
    // data directory switches to it within a poll interval.
    private static async Task<int> ReindexAsync(IServiceProvider services)
    {
        var index = services.GetRequiredService<SearchIndex>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var progress = new InlineProgress<RebuildProgress>(p =>
        {
            var share = p.Total == 0 ? 1 : (double)p.Indexed / p.Total;
            var bar = new string('#', (int)(share * 30)).PadRight(30, '.');
            Console.Write($"\rreindex: [{bar}] {share,4:P0} {p.Indexed:N0} of {p.Total:N0} products");
        });
        var through = await SearchRebuild.RunAsync(services, index, progress, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"reindex: done in {started.Elapsed.TotalSeconds:0.0} s; change feed applied through {through}; index at {index.Root}");
        return 0;
    }

    // Simulated shoppers, orders and reviews (marked demo) so the shelves and ratings have something to show;
    // the also-bought counts are rebuilt from them before the command ends.
    private static async Task<int> SeedDemoAsync(IServiceProvider services, string[] args)
    {
        var orders = 100_000;
        if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], out orders) || orders is < 1 or > 1_000_000)))
        {
            await Console.Error.WriteLineAsync("usage: seed-demo [orders]   (1 to 1000000 simulated orders; default 100000)");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>().IsEmptyAsync())
        {
            await Console.Error.WriteLineAsync("seed-demo: the catalogue is empty; run the store once or `import bundled` first");
            return 2;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"seed-demo: writing {orders:N0} simulated orders...");
        var result = await scope.ServiceProvider.GetRequiredService<Bazaar.Recommendations.DemoHistory>().WriteAsync(orders, seed: Environment.TickCount);
        Console.WriteLine($"seed-demo: {result.Orders:N0} orders from {result.Shoppers:N0} demo shoppers, {result.Reviews:N0} reviews ({started.Elapsed.TotalSeconds:0.0} s); counting also-bought...");
        var counted = await services.GetRequiredService<Bazaar.Recommendations.RecommendationJobs>().CatchUpAsync(CancellationToken.None);
        Console.WriteLine($"seed-demo: also-bought rebuilt from {counted:N0} orders; done in {started.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    // Checks every invariant (stock, reservations, carts, orders, payments) on the live database; exits 1 naming each
    // violation.
    public static async Task<int> AuditAsync(IServiceProvider services, TextWriter? output = null)
    {
        output ??= Console.Out;
        await using var scope = services.CreateAsyncScope();
        var violations = await scope.ServiceProvider.GetRequiredService<StoreAudit>().RunAsync();
        foreach (var v in violations) await output.WriteLineAsync($"audit: VIOLATION {v}");
        await output.WriteLineAsync(violations.Count == 0 ? "audit: ok, every invariant holds" : $"audit: {violations.Count} violation(s)");
        return violations.Count == 0 ? 0 : 1;
    }
}
