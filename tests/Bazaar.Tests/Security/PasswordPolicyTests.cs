using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

// NIST SP 800-63B: a minimum length, a generous maximum, no composition rules, and no password from a breach list.
[Collection(AccountsSecurityCollection.Name)]
public class PasswordPolicyTests(SecurityStore store)
{
    private async Task<HttpResponseMessage> Register(string password, string? email = null)
    {
        using var client = store.CreateClient(SecurityStore.NewAddress());
        return await client.PostAsJsonAsync("/api/account/register", new { email = email ?? SecurityStore.NewEmail(), password });
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("iloveyou2")]
    [InlineData("Qwertyuiop")]
    [InlineData("baseball1")]
    public async Task A_common_or_breached_password_is_refused_naming_the_rule(string password)
    {
        var problem = await (await Register(password)).AssertProblemAsync(HttpStatusCode.BadRequest, "password");
        var message = problem.GetProperty("errors").GetProperty("password")[0].GetString()!;
        Assert.Contains("common", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_password_shorter_than_8_characters_is_refused_naming_the_length()
    {
        var problem = await (await Register("k3y-7ab")).AssertProblemAsync(HttpStatusCode.BadRequest, "password");
        Assert.Contains("8", problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_that_is_the_e_mail_address_is_refused()
    {
        var email = SecurityStore.NewEmail("self");
        await (await Register(email, email)).AssertProblemAsync(HttpStatusCode.BadRequest, "password");
    }

    [Fact]
    public async Task Long_passphrases_without_digits_or_capitals_are_accepted_up_to_the_maximum()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Register("correct horse battery staple")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Register(new string('x', 40) + " tide pools at dawn " + new string('y', 68))).StatusCode);
        await (await Register(new string('q', 64) + new string('z', 65))).AssertProblemAsync(HttpStatusCode.BadRequest, "password");
    }
}
