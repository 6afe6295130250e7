using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Bazaar.Data;

// Used only by `dotnet ef migrations add`; each provider keeps its own migration set.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBazaarDb>
{
    public SqliteBazaarDb CreateDbContext(string[] args) => SqliteBazaarDb.Create("Data Source=design.db");
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBazaarDb>
{
    public PostgresBazaarDb CreateDbContext(string[] args) => PostgresBazaarDb.Create("Host=localhost;Database=bazaar_design");
}
