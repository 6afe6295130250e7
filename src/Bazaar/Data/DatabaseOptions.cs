using System.ComponentModel.DataAnnotations;

namespace Bazaar.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    // Where the embedded shape keeps its files (SQLite database, Lucene index).
    [Required]
    public string DataDirectory { get; set; } = ".data";

    // Import the bundled catalogue when the catalogue is empty on start-up.
    public bool ImportBundledCatalog { get; set; } = true;

    // Path of the catalogue to import on first start; empty means the bundled Open Icecat catalogue.
    public string? SeedCatalogPath { get; set; }

    // With ConnectionStrings:PostgresReplica: reads that may lag go to the replica only while it is at most this far
    // behind the primary (ReplicaLagMonitor), else to the primary.
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ReplicaMaxLag { get; set; } = TimeSpan.FromSeconds(5);

    // How often each node measures the replica's lag.
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReplicaProbeInterval { get; set; } = TimeSpan.FromSeconds(1);
}
