using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Bazaar.Data;

// Used only by `dotnet ef migrations add`; each provider keeps its own migration set.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBazaarDb>
{
    public SqliteBazaarDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBazaarDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBazaarDb>
{
    public PostgresBazaarDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBazaarDb>().UseNpgsql("Host=localhost;Database=bazaar_design").Options);
}
