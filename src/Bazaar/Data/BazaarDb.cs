using Bazaar.Accounts;
using Bazaar.Catalog;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Data;

// One database for the whole store; each module maps its own tables (see *Mappings.cs).
// The provider-specific subclasses exist only so that each provider has its own migration set.
public abstract class BazaarDb(DbContextOptions options) : IdentityDbContext<Customer>(options)
{
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductAttribute> ProductAttributes => Set<ProductAttribute>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.MapCatalog();
    }
}

public sealed class SqliteBazaarDb(DbContextOptions<SqliteBazaarDb> options) : BazaarDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset and decimal columns; store them as numbers so
        // "newest" and "price" sorts and expiry comparisons run in the database.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }
}

public sealed class PostgresBazaarDb(DbContextOptions<PostgresBazaarDb> options) : BazaarDb(options);
