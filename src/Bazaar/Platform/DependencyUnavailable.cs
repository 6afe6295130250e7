namespace Bazaar.Platform;

// Something the store depends on (the database, Redis) cannot be reached or cannot take writes right now: the request
// changed nothing and may be tried again shortly. The host answers 503 with Retry-After for this and for every driver
// exception that Classify recognises, instead of a 500.
//
// One exception to "changed nothing": a write that was under way when the wait for it ended (ChangedNothing false). Its
// message says what may have happened, and the 503 says so instead of "nothing was changed".
public sealed class DependencyUnavailable(string dependency, string message, Exception? inner = null, bool changedNothing = true)
    : Exception(message, inner)
{
    public bool ChangedNothing => changedNothing;

    public const string Database = "database";
    public const string Redis = "Redis";

    public string Dependency => dependency;

    // Which dependency an exception (or one it wraps: EF wraps driver errors) says is unavailable; null when it is
    // something else, such as a bug or a constraint violation, which must not be retried blindly.
    public static string? Classify(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            var dependency = e switch
            {
                DependencyUnavailable d => d.Dependency,
                Npgsql.PostgresException pg => IsUnavailable(pg.SqlState) ? Database : null,
                // Any other Npgsql error is about the connection: refused, reset, timed out, server shutting down.
                Npgsql.NpgsqlException => Database,
                Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode switch
                {
                    // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN: the file cannot take the write now.
                    5 or 6 or 8 or 10 or 13 or 14 => Database,
                    _ => null,
                },
                StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException => Redis,
                _ => null,
            };
            if (dependency is not null) return dependency;
        }
        return null;
    }

    // Connection exceptions (08), insufficient resources such as a full disk (53), operator intervention such as a
    // shutdown (57P), a read-only transaction on a standby (25006) and I/O errors (58030).
    private static bool IsUnavailable(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57P", StringComparison.Ordinal) || state is "25006" or "58030";
}
