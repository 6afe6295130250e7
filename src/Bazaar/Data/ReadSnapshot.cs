using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bazaar.Data;

// A read-only transaction that sees the database as it was at its first read, for reads that must agree with each
// other while writers go on (the audit compares counters with the rows they count). PostgreSQL: REPEATABLE READ, read
// only. SQLite (WAL, see StoreInitializer): a deferred transaction, which reads one snapshot and blocks no writer (the
// store's other transactions are IMMEDIATE: they take the writer lock at BEGIN). Ending it rolls back: it wrote nothing.
public sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly BazaarDb _db;
    private readonly IDbContextTransaction? _efTransaction;
    private readonly SqliteTransaction? _sqliteTransaction;

    private ReadSnapshot(BazaarDb db, IDbContextTransaction? efTransaction, SqliteTransaction? sqliteTransaction)
    {
        _db = db;
        _efTransaction = efTransaction;
        _sqliteTransaction = sqliteTransaction;
    }

    internal static async Task<ReadSnapshot> BeginAsync(BazaarDb db, CancellationToken ct)
    {
        if (db is not SqliteBazaarDb)
        {
            var tx = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", ct);
            return new ReadSnapshot(db, tx, null);
        }
        await db.Database.OpenConnectionAsync(ct);
        var sqlite = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(sqlite, ct);
        return new ReadSnapshot(db, null, sqlite);
    }

    public async ValueTask DisposeAsync()
    {
        if (_efTransaction is not null)
        {
            await _efTransaction.DisposeAsync();
            return;
        }
        await _db.Database.UseTransactionAsync(null);
        await _sqliteTransaction!.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
    }
}
