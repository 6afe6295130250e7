using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// Change password, forgot/reset password and e-mail confirmation, with the tokens read from the mail the store sent.
[Collection(AccountsSecurityCollection.Name)]
public partial class AccountRecoveryTests(SecurityStore store)
{
    [Fact]
    public async Task A_new_account_confirms_its_e_mail_from_the_link_in_the_mail()
    {
        var email = SecurityStore.NewEmail("confirm");
        await store.RegisterAsync(email);
        var link = (await store.LastMailToAsync(email)).Link("/account/confirm-email");

        using var client = store.CreateClient(SecurityStore.NewAddress());
        await SignIn(client, email, SecurityStore.Password);
        Assert.False((await Me(client)).GetProperty("emailConfirmed").GetBoolean());

        var forged = await client.PostAsJsonAsync("/api/account/confirm-email",
            new { userId = SentMail.Query(link, "user"), code = "not-a-real-code" });
        await forged.AssertProblemAsync(HttpStatusCode.BadRequest, "code");
        var confirmed = await client.PostAsJsonAsync("/api/account/confirm-email",
            new { userId = SentMail.Query(link, "user"), code = SentMail.Query(link, "code") });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        Assert.True((await Me(client)).GetProperty("emailConfirmed").GetBoolean());
    }

    [Fact]
    public async Task The_confirmation_link_opened_in_a_browser_confirms_the_address()
    {
        var email = SecurityStore.NewEmail("confirm-page");
        await store.RegisterAsync(email);
        var link = (await store.LastMailToAsync(email)).Link("/account/confirm-email");

        using var client = store.CreateClient(SecurityStore.NewAddress());
        var page = await client.GetStringAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        Assert.Contains("confirmed", page, StringComparison.OrdinalIgnoreCase);
        await SignIn(client, email, SecurityStore.Password);
        Assert.True((await Me(client)).GetProperty("emailConfirmed").GetBoolean());
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_from_the_link_in_the_mail_once()
    {
        var email = SecurityStore.NewEmail("forgot");
        await store.RegisterAsync(email);
        using var client = store.CreateClient(SecurityStore.NewAddress());
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/account/forgot-password", new { email })).StatusCode);
        var link = (await store.LastMailToAsync(email, 2)).Link("/account/reset-password");
        var reset = new { userId = SentMail.Query(link, "user"), code = SentMail.Query(link, "code"), newPassword = "brand-new-secret-7" };

        await (await client.PostAsJsonAsync("/api/account/reset-password", reset with { newPassword = "password123" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "newPassword");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/account/reset-password", reset)).StatusCode);
        await (await client.PostAsJsonAsync("/api/account/reset-password", reset with { newPassword = "another-new-secret-8" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "code");

        await (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = SecurityStore.Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await SignIn(client, email, "brand-new-secret-7");
    }

    [Fact]
    public async Task A_signed_in_shopper_changes_their_password_and_is_told_by_mail()
    {
        var email = SecurityStore.NewEmail("change");
        await store.RegisterAsync(email);
        using var client = store.CreateClient(SecurityStore.NewAddress());
        await SignIn(client, email, SecurityStore.Password);

        await (await client.PostAsJsonAsync("/api/account/change-password", new { currentPassword = "wrong-password-9", newPassword = "changed-secret-42" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "currentPassword");
        await (await client.PostAsJsonAsync("/api/account/change-password", new { currentPassword = SecurityStore.Password, newPassword = "12345678" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "newPassword");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/account/change-password",
            new { currentPassword = SecurityStore.Password, newPassword = "changed-secret-42" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/account/me", UriKind.Relative))).StatusCode);
        Assert.Contains("changed", (await store.LastMailToAsync(email, 2)).Subject, StringComparison.OrdinalIgnoreCase);

        using var other = store.CreateClient(SecurityStore.NewAddress());
        await (await other.PostAsJsonAsync("/api/account/sign-in", new { email, password = SecurityStore.Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await SignIn(other, email, "changed-secret-42");
    }

    [Fact]
    public async Task The_forgot_and_reset_pages_reset_a_password()
    {
        var email = SecurityStore.NewEmail("pages");
        await store.RegisterAsync(email);
        using var client = store.CreateClient(SecurityStore.NewAddress());

        var sent = await PostForm(client, "/account/forgot-password", "forgot-password", new() { ["Input.Email"] = email });
        Assert.Contains("If an account", sent, StringComparison.Ordinal);
        var link = (await store.LastMailToAsync(email, 2)).Link("/account/reset-password");

        var done = await PostForm(client, link.PathAndQuery, "reset-password",
            new() { ["Input.Password"] = "paged-secret-55", ["Input.ConfirmPassword"] = "paged-secret-55" });
        Assert.Contains("password has been reset", done, StringComparison.OrdinalIgnoreCase);
        await SignIn(client, email, "paged-secret-55");

        var changed = await PostForm(client, "/account/change-password", "change-password", new()
        {
            ["Input.CurrentPassword"] = "paged-secret-55",
            ["Input.NewPassword"] = "paged-secret-66",
            ["Input.ConfirmPassword"] = "paged-secret-66",
        });
        Assert.Contains("password has been changed", changed, StringComparison.OrdinalIgnoreCase);
        using var other = store.CreateClient(SecurityStore.NewAddress());
        await SignIn(other, email, "paged-secret-66");
    }

    private static async Task SignIn(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/account/sign-in", new { email, password });
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> Me(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/account/me", UriKind.Relative))).RootElement;

    // Posts a server-rendered form the way a browser does: with the page's antiforgery token and cookie.
    private static async Task<string> PostForm(HttpClient client, string path, string formName, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        fields["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value;
        fields["_handler"] = formName;
        using var form = new FormUrlEncodedContent(fields);
        var response = await client.PostAsync(new Uri(path, UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
