using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

// The store on a real port (Kestrel), so that every request has a real client address: loopback is all of 127/8 on
// Linux, and each client below connects from an address of its own.
public sealed class HoardingStore : StoreFactory
{
    public HoardingStore()
    {
        UseKestrel(0);
        With("Cart:MaxUnitsPerShopper", "12");
        With("Cart:MaxUnitsPerClient", "14");
        With("Cart:MaxUnitsPerClientPerSku", "10");
        With("Cart:NewGuestsPerClientPerMinute", "5");
        With("Cart:AddsPerClientPerMinute", "1000");
        With("Cart:AddsPerShopperPerMinute", "6");
        With("Cart:UnlimitedClients:0", "127.0.0.200/32");
    }

    public Uri BaseAddress { get; private set; } = default!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
    }

    // A client whose connections come from `source`. Without cookies every request is a new guest (the hoarder's
    // fresh cookie per add); with them, one guest.
    public HttpClient ClientFrom(string source, bool keepCookies = false) => new(new SocketsHttpHandler
    {
        UseCookies = keepCookies,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = BaseAddress };
}

// Hoarding: a bot holds a product's whole stock by adding to the cart again and again, with a fresh guest cookie for
// each add so that no per-shopper cap applies, from one address or several. The caps below are the hoarding store's
// settings (small, so that counts are exact and quick).
public class HoardingTests(HoardingStore store) : IClassFixture<HoardingStore>
{
    private static Task<HttpResponseMessage> AddAsync(HttpClient client, string sku, int quantity) =>
        client.PostAsJsonAsync("/api/cart/items", new { sku, quantity });

    [Fact]
    public async Task Bots_with_fresh_cookies_from_three_addresses_hold_only_their_caps_and_a_real_buyer_still_gets_stock()
    {
        var sku = await store.CreateStockedProductAsync(50);
        string[] bots = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
        var clients = bots.ToDictionary(b => b, b => store.ClientFrom(b));

        // 40 adds of 5 units at once from each address, each add a new guest: 600 units asked of 50.
        var answers = await Task.WhenAll(bots.SelectMany(bot => Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await AddAsync(clients[bot], sku, 5);
            return (Bot: bot, Status: response.StatusCode, Body: await response.Content.ReadAsStringAsync(),
                RetryAfter: response.Headers.RetryAfter?.Delta);
        })));

        foreach (var bot in bots)
        {
            var mine = answers.Where(a => a.Bot == bot).ToList();
            // Five new guests a minute per address get as far as holding; two holds of 5 reach the address's 10 per
            // product; the other three are refused by that cap, and the rest by the new-guest limit.
            Assert.Equal(2, mine.Count(a => a.Status == HttpStatusCode.OK));
            var capped = mine.Where(a => a.Status == HttpStatusCode.Conflict).ToList();
            Assert.Equal(3, capped.Count);
            Assert.All(capped, a => Assert.Equal("Cart:MaxUnitsPerClientPerSku", JsonDocument.Parse(a.Body).RootElement.GetProperty("cap").GetString()));
            var limited = mine.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
            Assert.Equal(35, limited.Count);
            Assert.All(limited, a => Assert.InRange(a.RetryAfter!.Value.TotalSeconds, 1, 60));
            Assert.All(limited, a => Assert.Equal("Cart:NewGuestsPerClientPerMinute", JsonDocument.Parse(a.Body).RootElement.GetProperty("limit").GetString()));
        }
        Assert.Equal(30, (await store.StockOfAsync(sku)).Reserved);

        using var buyer = store.ClientFrom("127.0.0.9", keepCookies: true);
        (await AddAsync(buyer, sku, 2)).EnsureSuccessStatusCode();
        Assert.Equal(32, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
        foreach (var client in clients.Values) client.Dispose();
    }

    [Fact]
    public async Task Guests_from_one_address_cannot_hold_more_than_Cart_MaxUnitsPerClient_over_several_products()
    {
        var skus = await store.CreateStockedProductsAsync(3, units: 50);
        using var bot = store.ClientFrom("127.0.0.20");
        (await AddAsync(bot, skus[0], 5)).EnsureSuccessStatusCode();
        (await AddAsync(bot, skus[1], 5)).EnsureSuccessStatusCode();

        var third = await AddAsync(bot, skus[2], 5);

        var problem = await third.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Cart:MaxUnitsPerClient", problem.GetProperty("cap").GetString());
        Assert.Equal(14, problem.GetProperty("limit").GetInt32());
        Assert.Equal(0, (await store.StockOfAsync(skus[2])).Reserved);
        // What still fits under the cap is held.
        (await AddAsync(bot, skus[2], 4)).EnsureSuccessStatusCode();
        Assert.Equal(4, (await store.StockOfAsync(skus[2])).Reserved);
    }

    [Fact]
    public async Task One_guest_cannot_hold_more_than_Cart_MaxUnitsPerShopper_over_several_products()
    {
        var skus = await store.CreateStockedProductsAsync(2, units: 50);
        using var guest = store.ClientFrom("127.0.0.30", keepCookies: true);
        (await AddAsync(guest, skus[0], 9)).EnsureSuccessStatusCode();

        var over = await AddAsync(guest, skus[1], 4);

        var problem = await over.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Cart:MaxUnitsPerShopper", problem.GetProperty("cap").GetString());
        // Raising a line from the cart is held to the same cap.
        (await AddAsync(guest, skus[1], 3)).EnsureSuccessStatusCode();
        var raise = await guest.PutAsJsonAsync($"/api/cart/items/{skus[1]}", new { quantity = 4 });
        Assert.Equal("Cart:MaxUnitsPerShopper", (await raise.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("cap").GetString());
        Assert.Equal((9, 3), ((await store.StockOfAsync(skus[0])).Reserved, (await store.StockOfAsync(skus[1])).Reserved));
    }

    [Fact]
    public async Task Adding_faster_than_Cart_AddsPerShopperPerMinute_gets_429_with_Retry_After_and_holds_nothing()
    {
        var sku = await store.CreateStockedProductAsync(50);
        using var guest = store.ClientFrom("127.0.0.40", keepCookies: true);
        for (var i = 0; i < 6; i++) (await AddAsync(guest, sku, 1)).EnsureSuccessStatusCode();

        var seventh = await AddAsync(guest, sku, 1);

        var problem = await seventh.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Cart:AddsPerShopperPerMinute", problem.GetProperty("limit").GetString());
        Assert.InRange(seventh.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(6, (await store.StockOfAsync(sku)).Reserved);
    }

    [Fact]
    public async Task Signing_in_with_one_full_guest_cart_after_another_never_takes_the_account_past_Cart_MaxUnitsPerShopper()
    {
        // Each guest cart fits every cap (8 of one product, from an address of its own); the account it joins may
        // hold 12 in all, so the second cart brings 4 and the third nothing: the rest goes back on sale.
        var skus = await store.CreateStockedProductsAsync(3, units: 50);
        var (email, password) = await RegisterFromAsync("127.0.0.59");
        string[] guests = ["127.0.0.50", "127.0.0.51", "127.0.0.52"];
        var carts = new List<HttpClient>();
        for (var i = 0; i < guests.Length; i++)
        {
            var guest = store.ClientFrom(guests[i], keepCookies: true);
            carts.Add(guest);
            (await AddAsync(guest, skus[i], 8)).EnsureSuccessStatusCode();
        }

        foreach (var guest in carts)
            Assert.Equal(HttpStatusCode.NoContent, (await SignInAsync(guest, email, password)).StatusCode);

        Assert.Equal(new[] { 8, 4, 0 }, await ReservedAsync(skus));
        var lines = await LinesAsync(carts[^1]);
        Assert.Equal(new Dictionary<string, int> { [skus[0]] = 8, [skus[1]] = 4 }, lines);
        Assert.Empty(await store.AuditAsync());
        foreach (var guest in carts) guest.Dispose();
    }

    [Fact]
    public async Task Signing_in_with_four_full_guest_carts_at_once_holds_exactly_Cart_MaxUnitsPerShopper()
    {
        var skus = await store.CreateStockedProductsAsync(4, units: 50);
        var (email, password) = await RegisterFromAsync("127.0.0.69");
        var carts = new List<HttpClient>();
        for (var i = 0; i < skus.Count; i++)
        {
            var guest = store.ClientFrom($"127.0.0.{60 + i}", keepCookies: true);
            carts.Add(guest);
            (await AddAsync(guest, skus[i], 8)).EnsureSuccessStatusCode();
        }

        var answers = await Task.WhenAll(carts.Select(guest => SignInAsync(guest, email, password)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.StatusCode));
        Assert.Equal(12, (await ReservedAsync(skus)).Sum());
        var lines = await LinesAsync(carts[0]);
        Assert.Equal(12, lines.Values.Sum());
        foreach (var sku in skus) Assert.Equal((await store.StockOfAsync(sku)).Reserved, lines.GetValueOrDefault(sku));
        Assert.Empty(await store.AuditAsync());
        foreach (var guest in carts) guest.Dispose();
    }

    private async Task<(string Email, string Password)> RegisterFromAsync(string source)
    {
        var email = $"merger-{Guid.NewGuid():N}@tests.local";
        const string password = "merger-password-1";
        using var client = store.ClientFrom(source);
        (await client.PostAsJsonAsync("/api/account/register", new { email, password })).EnsureSuccessStatusCode();
        return (email, password);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/account/sign-in", new { email, password });

    private async Task<int[]> ReservedAsync(IEnumerable<string> skus)
    {
        var reserved = new List<int>();
        foreach (var sku in skus) reserved.Add((await store.StockOfAsync(sku)).Reserved);
        return [.. reserved];
    }

    private static async Task<Dictionary<string, int>> LinesAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement
            .GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("sku").GetString()!, l => l.GetProperty("quantity").GetInt32());

    [Fact]
    public async Task An_address_in_Cart_UnlimitedClients_is_held_only_to_the_per_shopper_caps()
    {
        // A load generator on a trusted address: the flash-sale benchmark's buyers all come from loopback.
        var sku = await store.CreateStockedProductAsync(100);
        using var generator = store.ClientFrom("127.0.0.200");

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => AddAsync(generator, sku, 5)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(60, (await store.StockOfAsync(sku)).Reserved);
    }
}
