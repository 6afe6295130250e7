using Bazaar.Accounts;
using Bazaar.Catalog;
using Bazaar.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Platform;

public static class StoreInitializer
{
    // Runs before the node takes traffic: schema, roles and the first admin. Fast, so it is not in the background.
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreInitializer));
        if (db.Database.IsSqlite())
            // WAL lets the storefront read while the import or a checkout writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            log.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in new[] { Roles.Customer, Roles.Admin })
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));

        // Shipping methods and tax rates live in the database; configuration only seeds them, once.
        await scope.ServiceProvider.GetRequiredService<Checkout.ShippingAndTax>()
            .SeedAsync(scope.ServiceProvider.GetRequiredService<IOptions<Checkout.CheckoutOptions>>().Value, ct);

        var options = scope.ServiceProvider.GetRequiredService<IOptions<AccountsOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.AdminEmail) && !string.IsNullOrEmpty(options.AdminPassword))
            await scope.ServiceProvider.GetRequiredService<AdminAccounts>().SeedAsync(options.AdminEmail.Trim(), options.AdminPassword);
    }

    // A store nobody can administer is not ready to open; outside Development it refuses to start until an admin
    // exists, naming the two ways to make one.
    public static async Task RequireAdminAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        if (scope.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment()) return;
        if (await scope.ServiceProvider.GetRequiredService<AdminAccounts>().AnyAsync()) return;
        throw new InvalidOperationException("There is no admin and Accounts:AdminPassword is empty: create the first admin with " +
            "`admin create --email <address>` (e.g. `dotnet Bazaar.Web.dll admin create --email you@example.com`), or set " +
            "Accounts:AdminEmail and Accounts:AdminPassword to an address nobody has registered.");
    }
}

// Imports the catalogue in the background on first start, so the node answers health checks while it loads.
public sealed class CatalogSeeder(
    IServiceProvider services,
    StoreReadiness readiness,
    IOptions<DatabaseOptions> options,
    IOptions<Inventory.InventoryOptions> inventoryOptions,
    IOptions<Recommendations.RecommendationsOptions> recommendationOptions,
    ILogger<CatalogSeeder> log)
    : BackgroundService
{
    // Set once this process has begun importing: a retry after a failure imports again (the import is idempotent)
    // even though the catalogue is no longer empty, so a database outage mid-import never leaves half a catalogue.
    private bool _importStarted;
    private bool _historyTried;

    // A failure (the database down at first start) is retried with a back-off, so the node becomes ready by itself
    // once the database is back instead of staying not-ready until someone restarts it.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            if (await TrySeedAsync(failures, stoppingToken)) return;
            failures++;
            try { await Task.Delay(PeriodicJob.BackoffAfter(failures, TimeSpan.FromSeconds(1)), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<bool> TrySeedAsync(int failures, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var catalog = scope.ServiceProvider.GetRequiredService<Catalog.Catalog>();
            if (options.Value.ImportBundledCatalog && (_importStarted || await catalog.IsEmptyAsync(stoppingToken)))
            {
                _importStarted = true;
                var path = string.IsNullOrWhiteSpace(options.Value.SeedCatalogPath) ? CatalogImport.BundledCatalogPath : options.Value.SeedCatalogPath;
                log.LogInformation("The catalogue is empty: importing {Path}", path);
                var import = scope.ServiceProvider.GetRequiredService<CatalogImport>();
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
                var result = await import.ImportAsync(path, progress, stoppingToken);
                catalog.ForgetCategoryTree();
                log.LogInformation("Catalogue imported: {Result}", result);
                if (inventoryOptions.Value.SeedDemoStock)
                {
                    readiness.Report("stocking the demo catalogue");
                    var seeded = await scope.ServiceProvider.GetRequiredService<Inventory.Inventory>()
                        .SeedDemoStockAsync(await catalog.ListSkusAsync(stoppingToken), stoppingToken);
                    log.LogInformation("Demo stock given to {Count} products", seeded);
                }
                if (inventoryOptions.Value.SeedDemoStock && recommendationOptions.Value.DemoOrdersOnFirstStart > 0 && !_historyTried)
                {
                    // Written once per process even if it fails part-way: writing it again would repeat the orders
                    // already written (and their reviews' shoppers), and the store works without it.
                    _historyTried = true;
                    readiness.Report("writing demo shopping history");
                    try
                    {
                        var demo = await scope.ServiceProvider.GetRequiredService<Recommendations.DemoHistory>()
                            .WriteAsync(recommendationOptions.Value.DemoOrdersOnFirstStart, ct: stoppingToken);
                        log.LogInformation("Demo history (marked demo): {Orders} orders by {Shoppers} simulated shoppers, {Reviews} reviews", demo.Orders, demo.Shoppers, demo.Reviews);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        log.LogWarning(e, "The demo history was not written in full; `seed-demo` adds more");
                    }
                }
            }
            readiness.MarkReady();
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception e)
        {
            readiness.Report("catalogue import failed, retrying: " + e.Message);
            log.LogError(e, "Preparing the catalogue failed ({Failures} before); the node stays not-ready and tries again", failures);
            return false;
        }
    }
}
