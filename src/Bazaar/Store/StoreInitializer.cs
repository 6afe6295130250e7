using Bazaar.Accounts;
using Bazaar.Catalog;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Store;

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
        throw new StartRefused("There is no admin and Accounts:AdminPassword is empty: create the first admin with " +
            "`admin create --email <address>` (e.g. `dotnet Bazaar.Web.dll admin create --email you@example.com`), or set " +
            "Accounts:AdminEmail and Accounts:AdminPassword to an address nobody has registered.");
    }
}
