using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Inventory;

// Two store processes' worth of hosts against one PostgreSQL (and one Redis for the gate), buyers split
// between them. Runs in the PostgreSQL pass of ./test.sh.
public class TwoNodeTests : IAsyncLifetime
{
    private const int Units = 30;
    private const int Buyers = 300;
    private StoreFactory? _first;
    private StoreFactory? _second;

    private static string? Redis => Environment.GetEnvironmentVariable("BAZAAR_TEST_REDIS");

    public async ValueTask InitializeAsync()
    {
        if (!TestDatabase.UsesPostgres) return;
        _first = new StoreFactory().With("ConnectionStrings:Redis", Redis);
        await _first.InitializeAsync();
        _second = new StoreFactory().With("ConnectionStrings:Redis", Redis).SharingDatabaseWith(_first);
        await _second.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null) await _second.DisposeAsync();
        if (_first is not null) await _first.DisposeAsync();
    }

    [Theory]
    [InlineData("row-lock")]
    [InlineData("gate")]
    public async Task Two_nodes_on_one_database_hold_exactly_the_units_there_are(string strategy)
    {
        Assert.SkipUnless(TestDatabase.UsesPostgres, "Two nodes share a PostgreSQL database; this runs in the PostgreSQL pass.");
        Assert.SkipWhen(string.IsNullOrEmpty(Redis), "The gate across nodes needs Redis (BAZAAR_TEST_REDIS).");
        var sku = await _first!.CreateStockedProductAsync(Units, strategy);
        var (first, second) = (_first!, _second!);
        var buyers = Enumerable.Range(0, Buyers).Select(i => i % 2 == 0 ? first.CreateClient() : second.CreateClient()).ToList();

        var (held, soldOut, other) = await ReservationConcurrencyTests.RaceAsync(buyers, sku);

        Assert.Equal(Units, held);
        Assert.Equal(Buyers - Units, soldOut);
        Assert.Equal(0, other);
        Assert.Equal(Units, (await second.StockOfAsync(sku)).Reserved);
        Assert.Empty(await first.AuditAsync());
        buyers.ForEach(b => b.Dispose());
    }
}
