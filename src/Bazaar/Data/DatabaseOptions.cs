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
}
