using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Inventory;

// A flash sale on a busy machine: the database answers slowly and buyers' clients give up (time out, close the tab) at
// random points. Whatever the store answered must be true: a 503 that says nothing was held means no hold and no cart
// line, and the counters agree with the holds afterwards.
public class ClientsGivingUpTests
{
    private const int Units = 30;
    private const int Buyers = 40;

    private static string? Redis => Environment.GetEnvironmentVariable("BAZAAR_TEST_REDIS");

    private sealed record Answer(int Shopper, HttpStatusCode Status, bool? ChangedNothing, string Body);

    [Theory]
    [InlineData("queue")]
    [InlineData("gate")]
    public async Task A_503_saying_nothing_was_held_means_nothing_was_held_when_the_database_is_slow_and_clients_give_up(string strategy)
    {
        // Every batch's insert of holds takes 400 ms, four times the queue's deadline: waiters reach their deadline
        // while a batch is writing them, and while they still wait in the queue.
        var slow = new SlowStatements(TimeSpan.FromMilliseconds(400), "INSERT INTO", "reservations");
        await using var store = new StoreFactory()
            .With("Inventory:QueueWaitTimeout", "00:00:00.100")
            .With("ConnectionStrings:Redis", strategy == "gate" && TestDatabase.UsesPostgres ? Redis : null)
            .WithServices(s => s.AddSingleton<IInterceptor>(slow));
        await store.InitializeAsync();
        var sku = await store.CreateStockedProductAsync(Units, strategy);
        var shoppers = Enumerable.Range(0, Buyers).Select(_ => store.CreateClient()).ToList();
        await Task.WhenAll(shoppers.Select(s => s.GetAsync(new Uri("/api/cart", UriKind.Relative))));

        slow.On = true;
        var random = new Random(15);
        // A third of the clients give up at a random moment within the first 600 ms.
        var giveUp = shoppers.Select((_, i) => i % 3 == 0 ? TimeSpan.FromMilliseconds(random.Next(0, 600)) : (TimeSpan?)null).ToList();
        var answers = await Task.WhenAll(shoppers.Select((s, i) => AddAsync(i, s, sku, giveUp[i])));
        slow.On = false;
        await SettledAsync(store, sku);

        var held = await Task.WhenAll(shoppers.Select(s => HeldAsync(s, sku)));
        var untrue = answers.Where(a => a.Status switch
        {
            HttpStatusCode.OK => held[a.Shopper] != 1,
            HttpStatusCode.Conflict => held[a.Shopper] != 0,
            HttpStatusCode.ServiceUnavailable => a.ChangedNothing != false && held[a.Shopper] != 0,
            0 => false, // the client gave up: nothing was promised
            _ => true,
        }).Select(a => $"shopper {a.Shopper}: {(int)a.Status} {a.Body[..Math.Min(200, a.Body.Length)]}, holds {held[a.Shopper]}").ToList();
        Assert.True(untrue.Count == 0, $"{untrue.Count} answer(s) were not true:\n" + string.Join("\n", untrue));
        Assert.True(answers.Any(a => a.Status == HttpStatusCode.ServiceUnavailable),
            "No buyer reached the queue's deadline, so this run tested nothing: " + string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key} x{g.Count()}")));
        Assert.Equal(held.Sum(), (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
        shoppers.ForEach(s => s.Dispose());
    }

    private static async Task<Answer> AddAsync(int shopper, HttpClient client, string sku, TimeSpan? giveUpAfter)
    {
        using var giveUp = new CancellationTokenSource();
        if (giveUpAfter is { } after) giveUp.CancelAfter(after);
        try
        {
            using var response = await client.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 }, giveUp.Token);
            var body = await response.Content.ReadAsStringAsync(giveUp.Token);
            bool? changedNothing = response.StatusCode == HttpStatusCode.ServiceUnavailable
                && JsonDocument.Parse(body).RootElement.TryGetProperty("changedNothing", out var c) ? c.GetBoolean() : null;
            return new Answer(shopper, response.StatusCode, changedNothing, body);
        }
        catch (OperationCanceledException)
        {
            return new Answer(shopper, 0, null, "the client gave up");
        }
    }

    // Units of the SKU the shopper's cart holds now.
    private static async Task<int> HeldAsync(HttpClient shopper, string sku)
    {
        var cart = JsonDocument.Parse(await shopper.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;
        return cart.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("sku").GetString() == sku)
            .Sum(l => l.GetProperty("heldQuantity").GetInt32());
    }

    // Requests whose clients left may still be written: wait until the SKU's counter has stopped moving (bounded).
    private static async Task SettledAsync(StoreFactory store, string sku)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (last, still) = (-1, 0);
        while (still < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            var reserved = (await store.StockOfAsync(sku)).Reserved;
            still = reserved == last ? still + 1 : 0;
            last = reserved;
        }
    }
}
