using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Accounts;

public class AccountsApiTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private static string NewEmail() => $"user-{Guid.NewGuid():N}@tests.local";

    [Fact]
    public async Task A_shopper_registers_signs_out_and_signs_in_again()
    {
        using var client = store.CreateClient();
        var email = NewEmail();
        var registered = await client.PostAsJsonAsync("/api/account/register", new { email, password = "correct-horse-1", displayName = "Ada" });
        Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        await (await client.GetAsync(new Uri("/api/account/me", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "correct-horse-1" })).StatusCode);

        var me = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/account/me", UriKind.Relative))).RootElement;
        Assert.Equal(email, me.GetProperty("email").GetString());
        Assert.Equal("Ada", me.GetProperty("displayName").GetString());
        Assert.Equal(["customer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync(new Uri("/api/account/sign-out", UriKind.Relative), null)).StatusCode);
        await (await client.GetAsync(new Uri("/api/account/me", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "correct-horse-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/account/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_401()
    {
        using var client = store.CreateClient();
        var email = NewEmail();
        await client.PostAsJsonAsync("/api/account/register", new { email, password = "correct-horse-1" });
        using var other = store.CreateClient();
        await (await other.PostAsJsonAsync("/api/account/sign-in", new { email, password = "wrong-password" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await other.GetAsync(new Uri("/api/account/me", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("not-an-email", "long-enough-1", "email")]
    [InlineData("", "long-enough-1", "email")]
    [InlineData("VALID", "short", "password")]
    [InlineData("VALID", "", "password")]
    public async Task Bad_registrations_get_a_400_naming_the_field(string email, string password, string field)
    {
        using var client = store.CreateClient();
        if (email == "VALID") email = NewEmail();
        await (await client.PostAsJsonAsync("/api/account/register", new { email, password })).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        if (field == "password")
            await (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "long-enough-1" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_e_mail_address_registers_only_once_and_a_second_password_opens_nothing()
    {
        using var client = store.CreateClient();
        var email = NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/account/register", new { email, password = "correct-horse-1" })).StatusCode);
        using var again = store.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await again.PostAsJsonAsync("/api/account/register", new { email, password = "correct-horse-2" })).StatusCode);
        await (await again.PostAsJsonAsync("/api/account/sign-in", new { email, password = "correct-horse-2" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await again.PostAsJsonAsync("/api/account/sign-in", new { email, password = "correct-horse-1" })).StatusCode);
    }

    [Fact]
    public async Task The_configured_admin_has_the_admin_role()
    {
        using var admin = await store.CreateAdminClientAsync();
        var me = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/account/me", UriKind.Relative))).RootElement;
        Assert.Contains("admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_guest_gets_a_stable_anonymous_shopper_cookie()
    {
        using var client = store.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var first = await client.GetAsync(new Uri("/api/categories", UriKind.Relative));
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bazaar_shopper=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var value = cookie.Split(';')[0];

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/categories");
        again.Headers.Add("Cookie", value);
        var second = await client.SendAsync(again);
        Assert.False(second.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith("bazaar_shopper=", StringComparison.Ordinal)),
            "A shopper who already has an id keeps it.");
    }

    [Fact]
    public async Task Sign_in_pages_and_api_are_guarded_by_antiforgery_on_forms()
    {
        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
        Assert.Contains("__RequestVerificationToken", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "sign-in", ["Input.Email"] = "a@b.c", ["Input.Password"] = "x" });
        var post = await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }
}

public class SignInRateLimitTests : IAsyncLifetime
{
    private readonly StoreFactory _store = new StoreFactory().With("Accounts:SignInAttemptsPerMinute", "3");

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_get_429()
    {
        using var client = _store.CreateClient();
        for (var i = 0; i < 3; i++)
            await (await client.PostAsJsonAsync("/api/account/sign-in", new { email = "nobody@tests.local", password = "wrong-password" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var limited = await client.PostAsJsonAsync("/api/account/sign-in", new { email = StoreFactory.AdminEmail, password = StoreFactory.AdminPassword });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }
}
