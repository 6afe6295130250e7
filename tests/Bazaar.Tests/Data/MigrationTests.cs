using Bazaar.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Tests.Data;

public class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_cover_the_whole_model()
    {
        using var db = SqliteBazaarDb.Create("Data Source=:memory:");
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes without a SQLite migration: run `dotnet ef migrations add <Name> --project src/Bazaar --context SqliteBazaarDb --output-dir Data/Migrations/Sqlite`.");
    }

    [Fact]
    public void The_postgres_migrations_cover_the_whole_model()
    {
        using var db = PostgresBazaarDb.Create("Host=127.0.0.1;Database=unused");
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes without a PostgreSQL migration: run `dotnet ef migrations add <Name> --project src/Bazaar --context PostgresBazaarDb --output-dir Data/Migrations/Postgres`.");
    }
}
