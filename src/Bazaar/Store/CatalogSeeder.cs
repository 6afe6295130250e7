using Bazaar.Catalog;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Store;

// A store's first start, in the background so the node answers health checks meanwhile: import the catalogue, give
// it demo stock, write demo history, build the search index. Each step is written to first_start_steps once done
// (FirstStartStep), so a start stopped part-way (Ctrl+C during the import) does the remaining steps at the next
// start instead of opening with half a catalogue, and no step's work is done twice.
public sealed class CatalogSeeder(
    IServiceProvider services,
    StoreReadiness readiness,
    TimeProvider clock,
    IOptions<DatabaseOptions> options,
    IOptions<Inventory.InventoryOptions> inventoryOptions,
    IOptions<Recommendations.RecommendationsOptions> recommendationOptions,
    ILogger<CatalogSeeder> log)
    : BackgroundService
{
    // Any constant: the PostgreSQL advisory lock that lets one node at a time run the first start.
    private const long FirstStartLock = 0x42617a6161723031;
    private static readonly TimeSpan IndexWait = TimeSpan.FromMinutes(5);

    // A failure (the database down at first start) is retried with a back-off, so the node becomes ready by itself
    // once the database is back instead of staying not-ready until someone restarts it.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            if (await TrySeedAsync(failures, stoppingToken)) return;
            failures++;
            try { await Task.Delay(PeriodicJob.BackoffAfter(failures, TimeSpan.FromSeconds(1)), clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<bool> TrySeedAsync(int failures, CancellationToken ct)
    {
        try
        {
            if (options.Value.ImportBundledCatalog) await RunStepsAsync(ct);
            readiness.MarkReady();
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception e)
        {
            readiness.Report("first start failed, retrying: " + e.Message);
            log.LogError(e, "Preparing the store failed ({Failures} before); the node stays not-ready and tries again", failures);
            return false;
        }
    }

    private async Task RunStepsAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var done = await DoneAsync(db, ct);
        if (done.Contains(FirstStartStep.Index)) return;
        var catalog = scope.ServiceProvider.GetRequiredService<Catalog.Catalog>();
        if (done.Count == 0 && !await catalog.IsEmptyAsync(ct))
        {
            // A store from before the steps were written down (its first start ran the old way): nothing to redo.
            foreach (var step in new[] { FirstStartStep.Begun, FirstStartStep.Import, FirstStartStep.DemoStock, FirstStartStep.DemoHistory, FirstStartStep.Index })
                await RecordAsync(db, step, "recorded for a store first started before its steps were written down", ct);
            return;
        }

        // Nodes of a cluster started at once on a new database: one runs the steps, the others wait and find them done.
        await using var held = await LockAsync(db, ct);
        done = await DoneAsync(db, ct);
        if (!done.Contains(FirstStartStep.Begun))
            await RecordAsync(db, FirstStartStep.Begun, null, ct);
        else if (!done.Contains(FirstStartStep.Index))
            log.LogInformation("The first start was stopped part-way; finishing it (done before: {Steps})", string.Join(", ", done.Order()));

        if (!done.Contains(FirstStartStep.Import)) await ImportAsync(scope.ServiceProvider, db, catalog, ct);
        var demo = inventoryOptions.Value.SeedDemoStock;
        if (!done.Contains(FirstStartStep.DemoStock))
        {
            if (demo)
            {
                readiness.Report("stocking the demo catalogue");
                // Skips products that already have stock: a second run after a stop stocks only the rest.
                var seeded = await scope.ServiceProvider.GetRequiredService<Inventory.Inventory>()
                    .SeedDemoStockAsync(await catalog.ListSkusAsync(ct), ct);
                log.LogInformation("Demo stock given to {Count} products", seeded);
            }
            await RecordAsync(db, FirstStartStep.DemoStock, demo ? null : "no demo stock (Inventory:SeedDemoStock is off)", ct);
        }
        if (!done.Contains(FirstStartStep.DemoHistory)) await WriteDemoHistoryAsync(scope.ServiceProvider, db, demo, ct);
        await BuildIndexAsync(scope.ServiceProvider, db, ct);
    }

    private async Task ImportAsync(IServiceProvider scope, BazaarDb db, Catalog.Catalog catalog, CancellationToken ct)
    {
        var path = string.IsNullOrWhiteSpace(options.Value.SeedCatalogPath) ? CatalogImport.BundledCatalogPath : options.Value.SeedCatalogPath;
        log.LogInformation("Importing the catalogue {Path}", path);
        var lastLogged = 0;
        var progress = new Progress<ImportProgress>(p =>
        {
            readiness.Report("importing catalogue", p.Processed, p.Total);
            if (p.Processed - lastLogged >= 2000 || p.Processed == p.Total)
            {
                lastLogged = p.Processed;
                log.LogInformation("Importing catalogue: {Processed} of {Total} products", p.Processed, p.Total);
            }
        });
        // The import matches products by their source id: run again after a stop, it adds the ones missing.
        var result = await scope.GetRequiredService<CatalogImport>().ImportAsync(path, progress, ct);
        catalog.ForgetCategoryTree();
        log.LogInformation("Catalogue imported: {Result}", result);
        await RecordAsync(db, FirstStartStep.Import, $"{result.Created} created, {result.Updated} updated, {result.Skipped.Count} skipped", ct);
    }

    private async Task WriteDemoHistoryAsync(IServiceProvider scope, BazaarDb db, bool demo, CancellationToken ct)
    {
        var orders = recommendationOptions.Value.DemoOrdersOnFirstStart;
        if (!demo || orders <= 0)
        {
            await RecordAsync(db, FirstStartStep.DemoHistory, "no demo history (Recommendations:DemoOrdersOnFirstStart is 0)", ct);
            return;
        }
        readiness.Report("writing demo shopping history");
        var history = scope.GetRequiredService<Recommendations.DemoHistory>();
        try
        {
            // What a stopped start wrote is removed first, so the history is there once.
            await history.ClearAsync(ct);
            var written = await history.WriteAsync(orders, ct: ct);
            log.LogInformation("Demo history (marked demo): {Orders} orders by {Shoppers} simulated shoppers, {Reviews} reviews",
                written.Orders, written.Shoppers, written.Reviews);
            await RecordAsync(db, FirstStartStep.DemoHistory, $"{written.Orders} orders, {written.Reviews} reviews", ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The store works without it; not written down, so the next start writes it again from the start.
            log.LogWarning(e, "The demo history was not written; the next start writes it again");
        }
    }

    // Waits until this node's index has taken in every product change made so far, so the first shopper's search
    // finds the whole catalogue. Other nodes build their own index from the database whenever they start.
    private async Task BuildIndexAsync(IServiceProvider scope, BazaarDb db, CancellationToken ct)
    {
        var indexer = scope.GetService<Search.SearchIndexer>();
        var head = await ChangeFeed.LatestIdAsync(db, ct) ?? 0;
        // Real time, not the store's clock: this is the node waiting for its own work, and a test's fake clock stands
        // still (the indexer is woken rather than left to its poll interval for the same reason).
        var deadline = TimeProvider.System.GetUtcNow() + IndexWait;
        while (indexer is not null && indexer.AppliedThrough < head)
        {
            indexer.Wake();
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                log.LogWarning("The search index has taken in changes through {Applied} of {Head}; it goes on in the background", indexer.AppliedThrough, head);
                return;
            }
            readiness.Report("building the search index", (int)Math.Min(indexer.AppliedThrough, int.MaxValue), (int)Math.Min(head, int.MaxValue));
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, ct);
        }
        await RecordAsync(db, FirstStartStep.Index, $"through change {head}", ct);
    }

    private static async Task<HashSet<string>> DoneAsync(BazaarDb db, CancellationToken ct) =>
        (await db.FirstStartSteps.AsNoTracking().Select(s => s.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

    private async Task RecordAsync(BazaarDb db, string step, string? detail, CancellationToken ct)
    {
        if (await db.FirstStartSteps.AnyAsync(s => s.Name == step, ct)) return;
        db.FirstStartSteps.Add(new FirstStartStep { Name = step, CompletedAt = clock.GetUtcNow(), Detail = detail });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another node wrote it first.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    // On PostgreSQL, a session advisory lock on a connection of its own: released when the node stops or dies. SQLite
    // is the one-node shape: nothing to wait for.
    private async Task<NpgsqlConnection?> LockAsync(BazaarDb db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return null;
        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            cmd.Parameters.AddWithValue("key", FirstStartLock);
            if (await cmd.ExecuteScalarAsync(ct) is true) return connection;
            readiness.Report("waiting for another node's first start");
            log.LogInformation("Another node is running the first start; waiting for it");
            await using var wait = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            wait.Parameters.AddWithValue("key", FirstStartLock);
            await wait.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
