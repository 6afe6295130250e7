using System.Collections.Concurrent;
using System.Net.Http.Json;
using Bazaar.Orders;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bazaar.Tests.Security;

// Issue 14, finding 12 (logs): the notification log wrote every shopper's e-mail address (and the message, with
// their name and address) into the store's logs, which are kept longer and read by more people than the database.
// The test shops with marked values and reads every log line the store writes at Debug and above.
public class LogPrivacyTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
    private readonly CheckoutStore _store = new();

    public LogPrivacyTests()
    {
        _store.With("Logging:LogLevel:Default", "Debug")
            .With("Logging:LogLevel:Microsoft", "Information")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task A_shoppers_email_name_and_address_never_reach_the_logs()
    {
        var mark = Guid.NewGuid().ToString("N")[..10];
        string[] secrets =
            [$"guest-{mark}@tests.local", $"member-{mark}@tests.local", $"Ada {mark}", $"{mark} Canary Wharf"];
        var sku = await _store.CreateStockedProductAsync(5);
        using var member = _store.CreateClient();
        var account = new { email = secrets[1], password = "shopper-password-1", displayName = secrets[2] };
        (await member.PostAsJsonAsync("/api/account/register", account)).EnsureSuccessStatusCode();
        var wrong = new { email = secrets[1], password = "wrong-password-1" };
        (await member.PostAsJsonAsync("/api/account/sign-in", wrong)).Dispose();
        using var guest = await _store.ShopperWithCartAsync(sku, 1);
        var shipTo = new
        {
            name = secrets[2], line1 = secrets[3], city = "Cupertino", region = "CA", postalCode = "95014", country = "US",
        };

        var placed = await guest.CheckOutAsync(CheckoutScenario.Body(email: secrets[0], shipTo: shipTo));
        var number = (await placed.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("number").GetString()!;
        await _store.Services.GetRequiredService<OrderNotificationSender>().SendBatchAsync(CancellationToken.None);

        // The notification went out (so the line that leaked is exercised), naming the order, not the shopper.
        Assert.Contains(_logs.Lines, l => l.Contains(number, StringComparison.Ordinal));
        var leaks = _logs.Lines
            .Where(l => secrets.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, "Personal data in the logs:\n" + string.Join("\n", leaks));
    }
}

// Every line every logger of the host writes, formatted, with its exception.
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
