using Bazaar.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Data;

// Measures the replica's lag every Database:ReplicaProbeInterval: the primary's current WAL position, then how far
// the replica has replayed. The lag in seconds is how long ago the primary first stood at a position the replica has
// not reached yet (samples of the primary's position are kept until the replica passes them), so an idle primary
// reads as 0, not as the age of its last commit, and a replica whose replay stopped grows older by the second.
public sealed class ReplicaLagMonitor(
    ReadReplica replica,
    IConfiguration configuration,
    IOptions<DatabaseOptions> options,
    StoreReadiness readiness,
    BackgroundMetrics jobs,
    TimeProvider clock,
    ILogger<ReplicaLagMonitor> log) : PeriodicJob(readiness, jobs, clock, log)
{
    private const int ProbeTimeoutSeconds = 3;
    private const string Position = "SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() "
        + "THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0')::bigint";

    private readonly Queue<(DateTimeOffset At, long Lsn)> _primaryPositions = new();

    protected override string Name => "replica-lag-monitor";

    protected override TimeSpan Interval =>
        replica.IsConfigured ? options.Value.ReplicaProbeInterval : TimeSpan.FromMinutes(10);

    protected override async Task TickAsync(CancellationToken ct)
    {
        if (!replica.IsConfigured) return;
        var now = Clock.GetUtcNow();
        var primary = await PositionAsync(configuration.GetConnectionString("Postgres")!, ct);
        long replayed;
        try
        {
            replayed = await PositionAsync(replica.ConnectionString!, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            replica.Record(replica.Last with { Reachable = false });
            return;
        }
        if (_primaryPositions.Count == 0 || _primaryPositions.Last().Lsn != primary)
            _primaryPositions.Enqueue((now, primary));
        while (_primaryPositions.Count > 0 && _primaryPositions.Peek().Lsn <= replayed) _primaryPositions.Dequeue();
        var lag = _primaryPositions.Count == 0 ? TimeSpan.Zero : now - _primaryPositions.Peek().At;
        replica.Record(new ReadReplica.Measurement(true, lag.TotalSeconds, Math.Max(0, primary - replayed)));
    }

    private static async Task<long> PositionAsync(string connectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        builder.Timeout = Math.Min(builder.Timeout, ProbeTimeoutSeconds);
        builder.CommandTimeout = ProbeTimeoutSeconds;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(Position, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
