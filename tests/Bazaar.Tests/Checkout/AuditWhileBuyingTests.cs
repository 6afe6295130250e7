using System.Data.Common;
using System.Net;
using System.Text.Json;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// The audit runs on a live store (the `audit` command, the back office's page, the benchmarks right after a sale), so
// it must not report a moment between two reads as a broken invariant: here an order is paid (holds sold, counters
// moved, lines out of the cart, the order moved to Paid) between every two statements of the audit.
public class AuditWhileBuyingTests
{
    private const int Orders = 12;

    [Fact]
    public async Task The_audit_finds_nothing_wrong_while_orders_are_paid_between_its_reads()
    {
        var between = new BetweenAuditReads();
        await using var store = new StoreFactory().WithServices(s => s.AddSingleton<IInterceptor>(between));
        await store.InitializeAsync();
        var sku = await store.CreateStockedProductAsync(Orders + 5);
        var waiting = new Queue<(HttpClient Shopper, string PayUrl)>();
        for (var i = 0; i < Orders; i++)
        {
            var shopper = await store.ShopperWithCartAsync(sku, 1);
            var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
            Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
            waiting.Enqueue((shopper, JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("paymentUrl").GetString()!));
        }
        Assert.Empty(await store.FullAuditAsync());

        var paid = 0;
        between.Do = async () =>
        {
            if (!waiting.TryDequeue(out var next)) return;
            var pay = next.Shopper.PayOnGatewayAsync(next.PayUrl, SandboxCard.Succeeds);
            // The payment is never blocked by the audit's reads; the bound only keeps a broken store from hanging the test.
            if (await Task.WhenAny(pay, Task.Delay(TimeSpan.FromSeconds(15))) == pay && (await pay).IsSuccessStatusCode) paid++;
        };
        var violations = await between.AuditAsync(store);

        Assert.True(paid >= 5, $"Only {paid} orders were paid during the audit: it did not run beside any buying.");
        Assert.True(violations.Count == 0, "The audit reported a moment between its reads:\n" + string.Join("\n", violations));
        Assert.Empty(await store.FullAuditAsync());
    }

    // After each statement the audit sends (and only the audit: the flag flows with its calls), runs Do to the end.
    private sealed class BetweenAuditReads : DbCommandInterceptor
    {
        private static readonly AsyncLocal<bool> InAudit = new();

        public Func<Task> Do { get; set; } = () => Task.CompletedTask;

        public async Task<IReadOnlyList<string>> AuditAsync(StoreFactory store)
        {
            InAudit.Value = true;
            try
            {
                return await store.FullAuditAsync();
            }
            finally
            {
                InAudit.Value = false;
            }
        }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (InAudit.Value)
            {
                InAudit.Value = false; // for Do's own statements, in this flow only
                await Do();
            }
            return result;
        }
    }
}
