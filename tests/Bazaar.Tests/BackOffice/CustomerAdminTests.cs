using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.BackOffice;

// Sessions are checked against the account on every request here, so a disabled account's session ends at once.
public class CustomerAdminStore : CheckoutStore
{
    public CustomerAdminStore() => With("Accounts:SessionCheckInterval", "00:00:00");
}

// The back office's customers: found by name or e-mail with what they bought; an account disabled by an admin can
// neither sign in nor keep using the sessions it had.
public class CustomerAdminTests(CustomerAdminStore store) : IClassFixture<CustomerAdminStore>
{
    private const string Password = "shopper-password-1";

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private async Task<(HttpClient Client, string Email, string Id)> CustomerAsync(string name = "Shopper")
    {
        var client = store.CreateClient();
        var email = $"customer-{Guid.NewGuid():N}@tests.local";
        (await client.PostAsJsonAsync("/api/account/register", new { email, password = Password, displayName = name })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = Password })).EnsureSuccessStatusCode();
        var me = await client.GetFromJsonAsync<JsonElement>("/api/account/me");
        return (client, email, me.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_open_sessions_stop_working()
    {
        var (session, email, id) = await CustomerAsync();
        using var second = await store.CreateSignedInClientAsync(email, Password);
        using var admin = await store.CreateAdminClientAsync();

        var disabled = await admin.PostAsync(Relative($"/api/admin/customers/{id}/disable"), null);

        Assert.True(disabled.IsSuccessStatusCode, await disabled.Content.ReadAsStringAsync());
        Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(Relative("/api/account/me"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync(Relative("/api/account/me"))).StatusCode);
        using var again = store.CreateClient();
        await (await again.PostAsJsonAsync("/api/account/sign-in", new { email, password = Password })).AssertProblemAsync(HttpStatusCode.Forbidden);
        // Without the password nobody learns that the account exists, let alone that it is disabled.
        await (await again.PostAsJsonAsync("/api/account/sign-in", new { email, password = "wrong-password-1" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync(Relative("/api/account/me"))).StatusCode);

        (await admin.PostAsync(Relative($"/api/admin/customers/{id}/enable"), null)).EnsureSuccessStatusCode();
        using var back = await store.CreateSignedInClientAsync(email, Password);
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync(Relative("/api/account/me"))).StatusCode);
        session.Dispose();
    }

    [Fact]
    public async Task The_sign_in_page_tells_a_disabled_account_so()
    {
        var (session, email, id) = await CustomerAsync();
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsync(Relative($"/api/admin/customers/{id}/disable"), null)).EnsureSuccessStatusCode();

        var page = await store.WithAsync(async sp =>
            await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Bazaar.Accounts.Accounts>(sp)
                .SignInAsync(new Bazaar.Accounts.SignInInput(email, Password), "test"));

        Assert.Equal(Bazaar.Accounts.SignInOutcome.Disabled, page.Outcome);
        session.Dispose();
    }

    [Fact]
    public async Task An_admin_account_cannot_be_disabled_from_the_back_office()
    {
        using var admin = await store.CreateAdminClientAsync();
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/account/me");

        await (await admin.PostAsync(Relative($"/api/admin/customers/{me.GetProperty("id").GetString()}/disable"), null))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync(Relative("/api/admin/customers/nobody/disable"), null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Customers_are_found_by_name_and_listed_with_their_orders_money_spent_and_last_order()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (big, bigEmail, bigId) = await CustomerAsync($"Big {tag}");
        var (small, _, smallId) = await CustomerAsync($"Small {tag}");
        var (none, _, noneId) = await CustomerAsync($"None {tag}");
        var sku = await store.CreateStockedProductAsync(20);
        foreach (var (client, units) in new[] { (big, 3), (big, 2), (small, 1) })
        {
            (await client.PostAsJsonAsync("/api/cart/items", new { sku, quantity = units })).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.Created, (await client.CheckOutAsync(CheckoutScenario.Body(email: "buyer@tests.local"))).StatusCode);
        }
        using var admin = await store.CreateAdminClientAsync();

        var bySpent = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/customers?q={tag}&sort=-spent");
        var byEmail = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/customers?q={bigEmail.ToUpperInvariant()}");
        var details = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/customers/{bigId}");

        var rows = bySpent.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([bigId, smallId, noneId], rows.Select(r => r.GetProperty("account").GetProperty("id").GetString()));
        var figures = rows[0].GetProperty("figures");
        Assert.Equal(2, figures.GetProperty("orders").GetInt32());
        Assert.Equal(CheckoutScenario.TotalFor(3) + CheckoutScenario.TotalFor(2), figures.GetProperty("spent").GetDecimal());
        Assert.Equal(0, rows[2].GetProperty("figures").GetProperty("orders").GetInt32());
        Assert.Equal(bigId, Assert.Single(byEmail.GetProperty("items").EnumerateArray()).GetProperty("account").GetProperty("id").GetString());
        Assert.Equal(2, details.GetProperty("orders").GetProperty("total").GetInt32());
        Assert.Contains(details.GetProperty("addresses").EnumerateArray(), a => a.GetProperty("city").GetString() == "Cupertino");
        var page = await admin.GetStringAsync(Relative($"/admin/customers?q={tag}&sort=-spent"));
        Assert.Contains($"/admin/customers/{bigId}", page, StringComparison.Ordinal);
        big.Dispose();
        small.Dispose();
        none.Dispose();
    }
}
