using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Finding 11 of issue 14: the guest cookie was the guest id itself, unsigned, for 365 days and never replaced; whoever
// planted a value in a shopper's browser (or kept one from a shared computer) could later read that guest's cart,
// orders and address with it.
public class GuestCookieTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private const string Guest = "bazaar_shopper";

    [Fact]
    public async Task A_guest_id_planted_in_a_shoppers_browser_is_refused_and_the_shopper_gets_a_fresh_one()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var client = store.CreateClient(new() { HandleCookies = false });
        var planted = Guid.NewGuid().ToString("N");
        var victim = new CookieJar { [Guest] = planted };
        (await victim.PostAsJsonAsync(client, "/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        Assert.NotEqual(planted, victim[Guest]);

        var attacker = new CookieJar { [Guest] = planted };
        Assert.DoesNotContain(sku, await CartAsync(client, attacker), StringComparison.Ordinal);
        Assert.Contains(sku, await CartAsync(client, victim), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_guest_cookie_is_refused_and_a_fresh_guest_is_issued()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var client = store.CreateClient(new() { HandleCookies = false });
        var shopper = new CookieJar();
        (await shopper.PostAsJsonAsync(client, "/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();
        var genuine = shopper[Guest]!;

        foreach (var position in new[] { 0, genuine.Length / 2, genuine.Length - 1 })
        {
            var flipped = genuine[position] == 'A' ? 'B' : 'A';
            var tampered = new CookieJar { [Guest] = genuine[..position] + flipped + genuine[(position + 1)..] };
            var response = await tampered.GetAsync(client, "/api/cart");
            Assert.DoesNotContain(sku, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains(CookieJar.SetCookies(response), c => c.Name == Guest && c.Value != genuine);
        }
        Assert.Contains(sku, await CartAsync(client, shopper), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_replaces_the_guest_cookie_and_the_cart_comes_along()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var client = store.CreateClient(new() { HandleCookies = false });
        var email = $"guest-{Guid.NewGuid():N}@tests.local";
        using (var other = store.CreateClient())
            (await other.PostAsJsonAsync("/api/account/register", new { email, password = "guest-password-1" })).EnsureSuccessStatusCode();

        var browser = new CookieJar();
        (await browser.PostAsJsonAsync(client, "/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        var asGuest = browser[Guest]!;
        var signedIn = await browser.PostAsJsonAsync(client, "/api/account/sign-in", new { email, password = "guest-password-1" });
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);

        Assert.Contains(CookieJar.SetCookies(signedIn), c => c.Name == Guest && c.Value != asGuest);
        var line = JsonDocument.Parse(await CartAsync(client, browser)).RootElement.GetProperty("lines").EnumerateArray().Single();
        Assert.Equal(sku, line.GetProperty("sku").GetString());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        // Whoever kept the old guest cookie finds nothing behind it.
        Assert.DoesNotContain(sku, await CartAsync(client, new CookieJar { [Guest] = asGuest }), StringComparison.Ordinal);
    }

    private static async Task<string> CartAsync(HttpClient client, CookieJar jar)
    {
        var response = await jar.GetAsync(client, "/api/cart");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
