using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.Data;

public static class DataRegistration
{
    public static IServiceCollection AddBazaarData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>>(new ConnectionStringValidator(configuration));

        // Resolved lazily from options so that hosts and tests can change the provider through any configuration source.
        // Interceptors registered as services join every context (the tests count statements per request with one).
        services.AddDbContextPool<SqliteBazaarDb>((sp, o) =>
            SqliteBazaarDb.Configure(o, SqliteConnectionString(configuration, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value))
                .AddInterceptors(sp.GetServices<IInterceptor>()));
        services.AddDbContextPool<PostgresBazaarDb>((sp, o) =>
            PostgresBazaarDb.Configure(o, configuration.GetConnectionString("Postgres")).AddInterceptors(sp.GetServices<IInterceptor>()));
        // Reads that may lag (Freshness.MayLag) go to the streaming replica while it keeps up.
        services.AddSingleton<ReadReplica>();
        services.AddHostedService<ReplicaLagMonitor>();
        services.AddScoped<BazaarDb>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresBazaarDb>()
            : sp.GetRequiredService<SqliteBazaarDb>());

        // Keys in the database, so a cookie or form token issued by one node is read by every other (a per-machine key
        // folder would sign each node's out). One application name, whatever folder a node is installed in.
        services.AddDataProtection().SetApplicationName("Bazaar").PersistKeysToDbContext<BazaarDb>();
        return services;
    }

    // With `create`, the database file's directory is made if missing (the embedded shape's first start).
    public static string SqliteConnectionString(IConfiguration configuration, DatabaseOptions options, bool create = true)
    {
        var configured = configuration.GetConnectionString("Sqlite");
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(options.DataDirectory, "bazaar.db")}"
            : configured);
        if (create && builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource))
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    private sealed class ConnectionStringValidator(IConfiguration configuration) : IValidateOptions<DatabaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
        {
            if (options.Provider == DatabaseProvider.Postgres)
            {
                var pg = configuration.GetConnectionString("Postgres");
                if (string.IsNullOrWhiteSpace(pg))
                    return ValidateOptionsResult.Fail("Database:Provider is Postgres but ConnectionStrings:Postgres is not set.");
                try { _ = new Npgsql.NpgsqlConnectionStringBuilder(pg); }
                catch (ArgumentException e) { return ValidateOptionsResult.Fail($"ConnectionStrings:Postgres is not a valid connection string: {e.Message}"); }
                var replica = configuration.GetConnectionString(ReadReplica.ConnectionStringName);
                if (!string.IsNullOrWhiteSpace(replica))
                {
                    try { _ = new Npgsql.NpgsqlConnectionStringBuilder(replica); }
                    catch (ArgumentException e)
                    {
                        return ValidateOptionsResult.Fail($"ConnectionStrings:PostgresReplica is not a valid connection string: {e.Message}");
                    }
                }
            }
            else
            {
                var sqlite = configuration.GetConnectionString("Sqlite");
                if (!string.IsNullOrWhiteSpace(sqlite))
                {
                    try { _ = new SqliteConnectionStringBuilder(sqlite); }
                    catch (ArgumentException e) { return ValidateOptionsResult.Fail($"ConnectionStrings:Sqlite is not a valid connection string: {e.Message}"); }
                }
            }
            return ValidateOptionsResult.Success;
        }
    }
}
