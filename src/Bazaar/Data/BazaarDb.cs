using Bazaar.Accounts;
using Bazaar.Cart;
using Bazaar.Catalog;
using Bazaar.Checkout;
using Bazaar.Discounts;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Platform;
using Bazaar.Recommendations;
using Bazaar.Reviews;
using Bazaar.Search;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Data;

// One database for the whole store; each module maps its own tables (see *Mappings.cs).
// The provider-specific subclasses exist only so that each provider has its own migration set.
public abstract class BazaarDb(DbContextOptions options) : IdentityDbContext<Customer>(options), IDataProtectionKeyContext
{
    // The data-protection key ring (sign-in cookies, form tokens, the guest cookie), shared by every node.
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Platform.FirstStartStep> FirstStartSteps => Set<Platform.FirstStartStep>();

    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductAttribute> ProductAttributes => Set<ProductAttribute>();
    public DbSet<StockItem> StockItems => Set<StockItem>();
    public DbSet<Reservation> Reservations => Set<Reservation>();
    public DbSet<StockMovement> StockMovements => Set<StockMovement>();
    public DbSet<Backorder> Backorders => Set<Backorder>();
    public DbSet<CartLine> CartLines => Set<CartLine>();
    public DbSet<ProductChange> ProductChanges => Set<ProductChange>();
    public DbSet<SynonymRule> SynonymRules => Set<SynonymRule>();

    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<OrderEvent> OrderEvents => Set<OrderEvent>();
    public DbSet<OrderNotification> OrderNotifications => Set<OrderNotification>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentAttempt> PaymentAttempts => Set<PaymentAttempt>();
    public DbSet<PaymentWebhookEvent> PaymentWebhookEvents => Set<PaymentWebhookEvent>();
    public DbSet<SandboxPayment> SandboxPayments => Set<SandboxPayment>();
    public DbSet<SandboxOperation> SandboxOperations => Set<SandboxOperation>();
    public DbSet<SandboxWebhook> SandboxWebhooks => Set<SandboxWebhook>();
    public DbSet<CheckoutRequest> CheckoutRequests => Set<CheckoutRequest>();
    public DbSet<SavedAddress> SavedAddresses => Set<SavedAddress>();
    public DbSet<ShippingMethod> ShippingMethods => Set<ShippingMethod>();
    public DbSet<WeightBand> WeightBands => Set<WeightBand>();
    public DbSet<TaxRate> TaxRates => Set<TaxRate>();
    public DbSet<RateChange> RateChanges => Set<RateChange>();
    public DbSet<Coupon> Coupons => Set<Coupon>();
    public DbSet<CouponRedemption> CouponRedemptions => Set<CouponRedemption>();

    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<ReviewVote> ReviewVotes => Set<ReviewVote>();
    public DbSet<RecentView> RecentViews => Set<RecentView>();
    public DbSet<CoPurchaseItem> CoPurchaseItems => Set<CoPurchaseItem>();
    public DbSet<CoPurchasePair> CoPurchasePairs => Set<CoPurchasePair>();
    public DbSet<RecommendationProgress> RecommendationProgress => Set<RecommendationProgress>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Content.StorePage> StorePages => Set<Content.StorePage>();

    // A unique index turning away a racing insert is an expected outcome that the caller handles; EF would log
    // it as an error with a stack trace. Failures nobody handles still reach the exception handler's log.
    internal static DbContextOptionsBuilder QuietExpectedFailures(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(w => w.Log(
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, Microsoft.Extensions.Logging.LogLevel.Debug),
            (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, Microsoft.Extensions.Logging.LogLevel.Debug)));

    // An instant as a parameter of hand-written SQL: SQLite stores instants as UTC ticks (see SqliteBazaarDb),
    // PostgreSQL as timestamptz.
    public object Instant(DateTimeOffset at) => this is SqliteBazaarDb ? at.UtcTicks : at.ToUniversalTime();

    // Reads that must agree with each other while writers go on: see ReadSnapshot.
    public Task<ReadSnapshot> BeginSnapshotAsync(CancellationToken ct = default) => ReadSnapshot.BeginAsync(this, ct);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.MapPlatform();
        builder.MapCatalog();
        builder.MapInventory();
        builder.MapCart();
        builder.MapSearch();
        builder.MapOrders();
        builder.MapPayments();
        builder.MapCheckout();
        builder.MapDiscounts();
        builder.MapReviews();
        builder.MapRecommendations();
        builder.MapInvoices();
        Content.ContentMappings.MapContent(builder);
    }
}

public sealed class SqliteBazaarDb(DbContextOptions<SqliteBazaarDb> options) : BazaarDb(options)
{
    // snake_case names on both providers, so hand-written SQL reads the same everywhere.
    // SQLite rebuilds a table to change it, with foreign keys off around it, which cannot be in a transaction; EF
    // warns about that on every first start in words that read as an error. It is how SQLite migrations work.
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString) =>
        BazaarDb.QuietExpectedFailures(builder.UseSqlite(connectionString).UseSnakeCaseNamingConvention())
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.NonTransactionalMigrationOperationWarning));

    public static SqliteBazaarDb Create(string connectionString) =>
        new((DbContextOptions<SqliteBazaarDb>)Configure(new DbContextOptionsBuilder<SqliteBazaarDb>(), connectionString).Options);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset and decimal columns; store them as numbers so
        // "newest" and "price" sorts and expiry comparisons run in the database.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }
}

public sealed class PostgresBazaarDb(DbContextOptions<PostgresBazaarDb> options) : BazaarDb(options)
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string? connectionString) =>
        BazaarDb.QuietExpectedFailures(builder.UseNpgsql(connectionString).UseSnakeCaseNamingConvention());

    public static PostgresBazaarDb Create(string connectionString) =>
        new((DbContextOptions<PostgresBazaarDb>)Configure(new DbContextOptionsBuilder<PostgresBazaarDb>(), connectionString).Options);
}

// Instants as UTC ticks: order-preserving whatever the offset, so SQLite compares them correctly.
internal sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
