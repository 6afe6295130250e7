using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bazaar.Tests.Security;

// Finding 1 and 2 of issue 14: a secret shipped with the code, and an admin address anyone could register first.
public class AdminSeedTests
{
    private const string Shipped = "change-me-admin-1";

    [Fact]
    public async Task Production_start_is_refused_with_the_shipped_admin_password()
    {
        await using var store = new StoreIn("Production").With("Accounts:AdminEmail", "admin@bazaar.local").With("Accounts:AdminPassword", Shipped);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => store.InitializeAsync().AsTask());
        Assert.Contains("Accounts:AdminPassword", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_start_is_refused_with_an_admin_email_and_an_empty_password()
    {
        await using var store = new StoreIn("Production").With("Accounts:AdminEmail", "owner@tests.local").With("Accounts:AdminPassword", "");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => store.InitializeAsync().AsTask());
        Assert.Contains("Accounts:AdminPassword", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_start_is_refused_while_no_admin_exists_and_no_admin_password_is_set()
    {
        await using var store = new StoreIn("Production").With("Accounts:AdminEmail", null).With("Accounts:AdminPassword", null);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => store.InitializeAsync().AsTask());
        Assert.Contains("Accounts:AdminPassword", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("admin create --email", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_still_starts_with_the_shipped_admin_and_it_signs_in()
    {
        await using var store = new StoreIn("Development").With("Accounts:AdminEmail", "admin@bazaar.local").With("Accounts:AdminPassword", Shipped);
        await store.InitializeAsync();
        using var admin = await store.CreateSignedInClientAsync("admin@bazaar.local", Shipped);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Setting_AdminEmail_to_an_address_someone_registered_does_not_make_them_admin()
    {
        await using var first = new StoreFactory();
        await first.InitializeAsync();
        var taken = $"boss-{Guid.NewGuid():N}@tests.local";
        using (var attacker = first.CreateClient())
            (await attacker.PostAsJsonAsync("/api/account/register", new { email = taken, password = "attacker-password-1" })).EnsureSuccessStatusCode();

        // The operator then names that address as the admin and restarts (here: a second node on the same database).
        await using var restarted = new StoreFactory().SharingDatabaseWith(first)
            .With("Accounts:AdminEmail", taken).With("Accounts:AdminPassword", "operator-password-1");
        await restarted.InitializeAsync();

        using var again = await restarted.CreateSignedInClientAsync(taken, "attacker-password-1");
        var me = JsonDocument.Parse(await again.GetStringAsync(new Uri("/api/account/me", UriKind.Relative))).RootElement;
        Assert.DoesNotContain("admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Changing_AdminPassword_after_the_first_start_is_reported_instead_of_silently_ignored()
    {
        await using var first = new StoreFactory();
        await first.InitializeAsync();

        var log = new WarningLog();
        await using var restarted = new StoreFactory().SharingDatabaseWith(first).With("Accounts:AdminPassword", "a-new-password-9")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(log));
        await restarted.InitializeAsync();

        Assert.Contains(log.Messages, m => m.Contains("Accounts:AdminPassword", StringComparison.Ordinal)
            && m.Contains("admin set-password", StringComparison.Ordinal));
        // The setting only seeds: the admin's password is still the one it had.
        using var admin = await restarted.CreateSignedInClientAsync(StoreFactory.AdminEmail, StoreFactory.AdminPassword);
    }

    private sealed class WarningLog : ILoggerProvider, ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get { lock (_messages) return [.. _messages]; }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lock (_messages) _messages.Add(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}
