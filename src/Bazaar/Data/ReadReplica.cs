using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Data;

// Whether a read may be served by the replica: only reads whose answer may be a few seconds old (catalogue listings,
// brand counts, recommendations). Stock, carts, checkout, orders, accounts and the product page read the primary.
public enum Freshness
{
    Current,
    MayLag,
}

// The PostgreSQL streaming replica (ConnectionStrings:PostgresReplica), for reads that may lag. ReplicaLagMonitor
// measures how far behind it is; past Database:ReplicaMaxLag, or while it cannot be reached, every read goes to the
// primary, and a read the replica fails is answered from the primary instead.
public sealed class ReadReplica : IDisposable
{
    public const string ConnectionStringName = "PostgresReplica";
    public const string MeterName = "Bazaar.Data";

    private readonly DbContextOptions<PostgresBazaarDb>? _options;
    private readonly TimeSpan _maxLag;
    private readonly ILogger<ReadReplica> _log;
    private readonly Meter _meter = new(MeterName);
    private volatile Measurement _last = Measurement.Unknown;

    public ReadReplica(IConfiguration configuration, IOptions<DatabaseOptions> options, ILogger<ReadReplica> log)
    {
        _log = log;
        _maxLag = options.Value.ReplicaMaxLag;
        var connection = configuration.GetConnectionString(ConnectionStringName);
        if (options.Value.Provider == DatabaseProvider.Postgres && !string.IsNullOrWhiteSpace(connection))
        {
            ConnectionString = connection;
            _options = (DbContextOptions<PostgresBazaarDb>)PostgresBazaarDb
                .Configure(new DbContextOptionsBuilder<PostgresBazaarDb>(), connection).Options;
        }
        _meter.CreateObservableGauge("bazaar.db.replica.lag", () => _last.LagSeconds, "s",
            "How long ago the primary had committed something the replica has not replayed yet (0: caught up).");
        _meter.CreateObservableGauge("bazaar.db.replica.lag_bytes", () => _last.LagBytes, "By",
            "WAL the replica has yet to replay: the primary's current LSN minus the replica's replay LSN.");
        _meter.CreateObservableGauge("bazaar.db.replica.in_use", () => InUse ? 1 : 0, "{boolean}",
            "1 while reads that may lag go to the replica; 0 while they go to the primary.");
    }

    public bool IsConfigured => _options is not null;

    public string? ConnectionString { get; }

    public Measurement Last => _last;

    // Reads go to the replica only while the last probe reached it and found it within the bound.
    public bool InUse => IsConfigured && _last.Reachable && _last.LagSeconds <= _maxLag.TotalSeconds;

    public void Record(Measurement measurement)
    {
        var wasInUse = InUse;
        _last = measurement;
        if (wasInUse == InUse) return;
        if (InUse)
            _log.LogInformation("Reads that may lag go to the replica again (lag {Lag:0.0} s)", measurement.LagSeconds);
        else if (!measurement.Reachable)
            _log.LogWarning("Reads that may lag go to the primary: the replica is unreachable");
        else _log.LogWarning("Reads that may lag go to the primary: the replica is {Lag:0.0} s behind (bound {Bound})",
            measurement.LagSeconds, _maxLag);
    }

    // Runs `read` on the replica when it may, else (or when the replica fails it) on the primary context given.
    public async Task<T> ReadAsync<T>(
        BazaarDb primary, Freshness freshness, Func<BazaarDb, Task<T>> read, CancellationToken ct)
    {
        if (freshness == Freshness.Current || !InUse) return await read(primary);
        await using var replica = new PostgresBazaarDb(_options!);
        try
        {
            return await read(replica);
        }
        catch (Exception e) when (!ct.IsCancellationRequested
            && e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The replica went away between two probes (or refuses the query while it replays a conflicting change):
            // leave it out until the next probe finds it well, and answer this read from the primary.
            Record(_last with { Reachable = false });
            _log.LogWarning("A replica read failed ({Error}); answered from the primary", e.Message);
            return await read(primary);
        }
    }

    public void Dispose() => _meter.Dispose();

    public sealed record Measurement(bool Reachable, double LagSeconds, long LagBytes)
    {
        public static readonly Measurement Unknown = new(false, 0, 0);
    }
}
