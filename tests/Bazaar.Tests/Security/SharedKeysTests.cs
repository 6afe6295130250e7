using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

// Finding 9 of issue 14: each node kept its own data-protection keys, so what one node issued (a sign-in cookie, a
// form token) the next node behind the load balancer refused. Two nodes here share one database (a PostgreSQL
// database or a SQLite file, as the pass says) and are installed in different folders, as two machines would be.
public sealed partial class SharedKeysTests : IAsyncLifetime
{
    private readonly StoreFactory _nodeA = new();
    private StoreFactory _nodeB = default!;
    private readonly string _nodeBFolder = Path.Combine(Path.GetTempPath(), "bazaar-tests", "node-b-" + Guid.NewGuid().ToString("N"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    public async ValueTask InitializeAsync()
    {
        await _nodeA.InitializeAsync();
        Directory.CreateDirectory(_nodeBFolder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Path.Combine(_nodeBFolder, "appsettings.json"));
        _nodeB = new NodeInstalledAt(_nodeBFolder).SharingDatabaseWith(_nodeA);
        await _nodeB.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
        Directory.Delete(_nodeBFolder, recursive: true);
    }

    [Fact]
    public async Task A_sign_in_cookie_from_node_A_is_accepted_by_node_B()
    {
        using var a = _nodeA.CreateClient(new() { HandleCookies = false });
        using var b = _nodeB.CreateClient(new() { HandleCookies = false });
        var jar = new CookieJar();
        var signedIn = await jar.PostAsJsonAsync(a, "/api/account/sign-in", new { email = StoreFactory.AdminEmail, password = StoreFactory.AdminPassword });
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);

        var me = await jar.GetAsync(b, "/api/account/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(StoreFactory.AdminEmail, await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await KeysInDatabaseAsync() > 0, "The key that sealed the cookie is not in the database.");
    }

    [Fact]
    public async Task An_antiforgery_form_token_from_node_A_is_accepted_by_node_B()
    {
        using var a = _nodeA.CreateClient(new() { HandleCookies = false });
        using var b = _nodeB.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        var jar = new CookieJar();
        var form = await (await jar.GetAsync(a, "/account/sign-in")).Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(FormToken().Match(form).Groups[1].Value);
        Assert.NotEmpty(token);

        using var post = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = StoreFactory.AdminEmail,
            ["Input.Password"] = StoreFactory.AdminPassword,
        });
        var response = await jar.SendAsync(b, HttpMethod.Post, "/account/sign-in", post);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found,
            $"Node B answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(jar["bazaar_session"]);
        Assert.Equal(HttpStatusCode.OK, (await jar.GetAsync(a, "/api/account/me")).StatusCode);
    }

    [Fact]
    public async Task A_guest_cart_started_on_node_A_is_the_same_cart_on_node_B()
    {
        var sku = await _nodeA.CreateStockedProductAsync(5);
        using var a = _nodeA.CreateClient(new() { HandleCookies = false });
        using var b = _nodeB.CreateClient(new() { HandleCookies = false });
        var jar = new CookieJar();
        (await jar.PostAsJsonAsync(a, "/api/cart/items", new { sku, quantity = 2 })).EnsureSuccessStatusCode();
        var cart = await (await jar.GetAsync(b, "/api/cart")).Content.ReadAsStringAsync();
        Assert.Contains(sku, cart, StringComparison.Ordinal);
    }

    private async Task<int> KeysInDatabaseAsync()
    {
        await using var scope = _nodeA.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Bazaar.Data.BazaarDb>();
        return await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM data_protection_keys").SingleAsync();
    }

    // Another machine: its own installation folder (and so, without shared keys, its own key ring).
    private sealed class NodeInstalledAt(string folder) : StoreFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseContentRoot(folder);
        }
    }
}
