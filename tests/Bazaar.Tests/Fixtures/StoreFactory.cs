using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Fixtures;

// The real store host (Program) on a real database, seeded with the small sample catalogue.
public class StoreFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@tests.local";
    public const string AdminPassword = "admin-password-1";
    public const string WebhookSecret = "tests-webhook-secret-0123456789abcdef";
    public static readonly string SampleCatalog = Path.Combine(AppContext.BaseDirectory, "Catalog", "sample-catalog.json");

    private TestDatabase? _database;
    private bool _ownsDatabase = true;
    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The store has not been initialised.");
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "bazaar-tests", "data-" + Guid.NewGuid().ToString("N"));

    // Settings a test class wants on top of the defaults (set before InitializeAsync).
    public StoreFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    // Replaces services of the host, e.g. the clock (set before InitializeAsync).
    public StoreFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    // Runs this host against another host's database, as a second node would.
    public StoreFactory SharingDatabaseWith(StoreFactory other)
    {
        _database = other.Database;
        _ownsDatabase = false;
        return this;
    }

    // Runs this host on a database the test made and disposes itself (several hosts, one after another).
    public StoreFactory OnDatabase(TestDatabase database)
    {
        _database = database;
        _ownsDatabase = false;
        return this;
    }

    // Runs this host on a database the test made (and disposes it with the host).
    public StoreFactory WithDatabase(TestDatabase database)
    {
        _database = database;
        return this;
    }

    public virtual async ValueTask InitializeAsync()
    {
        _database ??= await TestDatabase.CreateAsync();
        using var client = CreateClient();
        // Readiness turns healthy once the sample catalogue is imported in the background.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            if (ready.IsSuccessStatusCode) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The store did not become ready: " + await ready.Content.ReadAsStringAsync());
            await Task.Delay(100);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            [$"ConnectionStrings:{Database.Provider}"] = Database.ConnectionString,
            ["Database:DataDirectory"] = DataDirectory,
            ["Database:SeedCatalogPath"] = SampleCatalog,
            ["Accounts:AdminEmail"] = AdminEmail,
            ["Accounts:AdminPassword"] = AdminPassword,
            ["Accounts:SignInAttemptsPerMinute"] = "1000",
            // Test clients talk plain http to localhost; tests/Security runs the HTTPS shape on its own.
            ["Https:Required"] = "false",
            // Every test client comes from the same (unknown) address; the abuse limits have their own tests (Security/).
            ["Accounts:RegistrationsPerHour"] = "100000",
            ["Accounts:PasswordResetsPerHour"] = "100000",
            ["Accounts:SignInFreeFailuresPerClient"] = "100000",
            ["Mail:PickupDirectory"] = Path.Combine(DataDirectory, "mail"),
            // No simulated history unless a test asks for it; orders count into also-bought as soon as they exist.
            ["Recommendations:DemoOrdersOnFirstStart"] = "0",
            ["Recommendations:SettleTime"] = "00:00:00",
            // Tests place many orders from one shopper; the checkout rate limit has its own test that lowers this.
            ["Checkout:PlacementsPerShopperPerMinute"] = "100000",
            ["Checkout:RequestsPerShopperPerMinute"] = "100000",
            ["Checkout:RequestsPerClientPerMinute"] = "100000",
            // Every test request comes from the same (no) address; the per-address limits have their own tests.
            ["Search:RequestsPerClientPerMinute"] = "1000000",
            ["Reviews:WritesPerClientPerHour"] = "1000000",
            // In-process requests come from the one client "unknown" (unless a test names an address), and tests add
            // fast; the cart's per-client caps and add limits have their own tests (Security/HoardingTests) on real
            // client addresses.
            ["Cart:UnlimitedClients:0"] = "unknown",
            ["Cart:AddsPerShopperPerMinute"] = "100000",
            // The sandbox gateway, named as it must be outside Development; the card-testing limit per address has its
            // own test that lowers it (every test shopper comes from one address).
            ["Payments:Gateway"] = "Sandbox",
            ["Payments:WebhookSecret"] = WebhookSecret,
            ["Payments:Sandbox:AttemptsPerClientPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            // Expected refusals (a unique index turning away a racing insert) are logged by EF as errors; tests assert outcomes instead.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Critical",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
        };
        foreach (var (key, value) in _settings) settings[key] = value;
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, ClientAddresses>();
            _services.ForEach(configure => configure(services));
        });
    }

    public async Task<HttpClient> CreateSignedInClientAsync(string email, string password)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/account/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        return client;
    }

    public Task<HttpClient> CreateAdminClientAsync() => CreateSignedInClientAsync(AdminEmail, AdminPassword);

    public async Task<HttpClient> CreateCustomerClientAsync()
    {
        var client = CreateClient();
        var email = $"shopper-{Guid.NewGuid():N}@tests.local";
        var response = await client.PostAsJsonAsync("/api/account/register", new { email, password = "shopper-password-1", displayName = "Shopper" });
        response.EnsureSuccessStatusCode();
        // Registering does not sign in (its answer must not tell a new address from a taken one).
        (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "shopper-password-1" })).EnsureSuccessStatusCode();
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null && _ownsDatabase) await _database.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        GC.SuppressFinalize(this);
    }
}
