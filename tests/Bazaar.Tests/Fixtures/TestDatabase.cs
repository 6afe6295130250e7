using Npgsql;

namespace Bazaar.Tests.Fixtures;

// The database a test host runs against: a fresh SQLite file, or a fresh database on the throwaway
// PostgreSQL that test.sh starts. BAZAAR_TEST_DATABASE picks which.
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqliteDirectory;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    public string Provider { get; }
    public string ConnectionString { get; }

    private TestDatabase(string provider, string connectionString, string? sqliteDirectory, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteDirectory = sqliteDirectory;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public static bool UsesPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("BAZAAR_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("BAZAAR_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("BAZAAR_TEST_DATABASE=postgres needs BAZAAR_TEST_POSTGRES (./test.sh sets it).");

    // On `postgresServer` (a connection string to its maintenance database) instead of BAZAAR_TEST_POSTGRES: the fault
    // tests use their own server, which they stop and start.
    public static async Task<TestDatabase> CreateAsync(string? forceProvider = null, string? postgresServer = null)
    {
        var provider = forceProvider ?? (postgresServer is not null || UsesPostgres ? "Postgres" : "Sqlite");
        if (provider == "Postgres")
        {
            var admin = postgresServer ?? PostgresServer;
            var name = "bazaar_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new NpgsqlConnection(admin))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 50 }.ToString();
            return new TestDatabase(provider, cs, null, admin, name);
        }

        var dir = Path.Combine(Path.GetTempPath(), "bazaar-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new TestDatabase(provider, $"Data Source={Path.Combine(dir, "bazaar.db")}", dir, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresAdmin is not null && _postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_postgresAdmin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        if (_sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_sqliteDirectory, recursive: true); }
            catch (IOException) { }
        }
    }
}
