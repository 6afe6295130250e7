using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// What the attack tests share: many products made with one admin session, and a count of the SQL statements one
// request runs.
public static class SecurityScenario
{
    public static async Task<IReadOnlyList<string>> CreateStockedProductsAsync(this StoreFactory store, int count, int units)
    {
        using var admin = await store.CreateAdminClientAsync();
        var tree = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement;
        var categoryId = tree[0].GetProperty("id").GetInt32();
        var skus = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var sku = "SEC-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            (await admin.PostAsJsonAsync("/api/admin/products", new { sku, title = $"Hoarded item {sku}", brand = "Bazaar", price = 5.00m, categoryId }))
                .EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/admin/stock/{sku}/receive", new { quantity = units, reason = "test stock" })).EnsureSuccessStatusCode();
            skus.Add(sku);
        }
        return skus;
    }

    // Runs `request` and counts the statements sent to the database while it runs, by the request's own execution
    // context (the host's background jobs and other tests run on theirs), so the count is exact. The store must carry
    // the client's execution context into its requests (TestServerOptions.PreserveExecutionContext).
    public static async Task<int> CountStatementsAsync(this StoreFactory store, Func<Task> request)
    {
        if (!store.Server.PreserveExecutionContext) throw new InvalidOperationException("Set PreserveExecutionContext first.");
        await StatementListener.StartAsync();
        var counted = new StrongBox<int>();
        StatementListener.Current.Value = counted;
        try
        {
            await request();
        }
        finally
        {
            StatementListener.Current.Value = null;
        }
        return Volatile.Read(ref counted.Value);
    }

    // One listener for the whole test run: EF looks for diagnostic listeners only about once a second and caches the
    // answer, so a listener that comes and goes with each count would miss statements.
    private sealed class StatementListener : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public static readonly AsyncLocal<StrongBox<int>?> Current = new();
        private static readonly Lazy<Task> Started = new(async () =>
        {
            DiagnosticListener.AllListeners.Subscribe(new StatementListener());
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        });

        public static Task StartAsync() => Started.Value;

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.EntityFrameworkCore") listener.Subscribe(this);
        }

        public void OnNext(KeyValuePair<string, object?> e)
        {
            if (Current.Value is { } counted && e.Key.EndsWith("CommandExecuting", StringComparison.Ordinal))
                Interlocked.Increment(ref counted.Value);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }
    }
}
