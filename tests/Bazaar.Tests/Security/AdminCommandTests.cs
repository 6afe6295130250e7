using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;
using Bazaar.Web.Hosting;

namespace Bazaar.Tests.Security;

// The explicit step that makes an admin (finding 1 of issue 14), run as an operator would: password on stdin.
public class AdminCommandTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [Fact]
    public async Task The_admin_command_creates_an_admin_who_can_sign_in()
    {
        var email = $"ops-{Guid.NewGuid():N}@tests.local";
        var (code, output) = await RunAsync(["create", "--email", email], "operator-password-1\n");
        Assert.True(code == 0, output);
        using var admin = await store.CreateSignedInClientAsync(email, "operator-password-1");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_admin_command_never_promotes_an_existing_account()
    {
        var email = $"squatter-{Guid.NewGuid():N}@tests.local";
        using (var squatter = store.CreateClient())
            (await squatter.PostAsJsonAsync("/api/account/register", new { email, password = "squatter-password-1" })).EnsureSuccessStatusCode();

        var (code, output) = await RunAsync(["create", "--email", email], "operator-password-1\n");
        Assert.Equal(1, code);
        Assert.Contains("never made an admin", output, StringComparison.Ordinal);
        using var client = await store.CreateSignedInClientAsync(email, "squatter-password-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Admin_set_password_replaces_the_old_password()
    {
        var email = $"ops-{Guid.NewGuid():N}@tests.local";
        Assert.Equal(0, (await RunAsync(["create", "--email", email], "operator-password-1\n")).Code);
        var (code, output) = await RunAsync(["set-password", "--email", email], "operator-password-2\n");
        Assert.True(code == 0, output);

        using var client = store.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "operator-password-1" })).StatusCode);
        using var admin = await store.CreateSignedInClientAsync(email, "operator-password-2");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/admin/orders", UriKind.Relative))).StatusCode);
    }

    private async Task<(int Code, string Output)> RunAsync(string[] args, string stdin)
    {
        using var output = new StringWriter();
        var code = await AdminCommand.RunAsync(store.Services, args, new StringReader(stdin), output, environmentPassword: () => null);
        return (code, output.ToString());
    }
}
