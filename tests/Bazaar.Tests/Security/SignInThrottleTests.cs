using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

[Collection(AccountsSecurityCollection.Name)]
public class SignInThrottleTests(SecurityStore store)
{
    [Fact]
    public async Task Ten_wrong_passwords_do_not_lock_out_the_owner()
    {
        var victim = SecurityStore.NewEmail("victim");
        await store.RegisterAsync(victim);

        using var attacker = store.CreateClient(SecurityStore.NewAddress());
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
            answers.Add(await attacker.PostAsJsonAsync("/api/account/sign-in", new { email = victim, password = $"guess-number-{i}" }));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        // The attacker is slowed: past the free attempts each guess waits, even a right one.
        var slowed = await attacker.PostAsJsonAsync("/api/account/sign-in", new { email = victim, password = SecurityStore.Password });
        await slowed.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(slowed.Headers.RetryAfter?.Delta > TimeSpan.Zero, "A throttled sign-in says how long to wait.");

        // The owner, from their own device, is not locked out.
        using var owner = store.CreateClient(SecurityStore.NewAddress());
        var signedIn = await owner.PostAsJsonAsync("/api/account/sign-in", new { email = victim, password = SecurityStore.Password });
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    [Fact]
    public async Task Guessing_one_password_across_many_accounts_from_one_client_is_slowed()
    {
        using var stuffer = store.CreateClient(SecurityStore.NewAddress());
        // Each account sees one failure only, so only the per-client count can slow this down.
        var last = await stuffer.PostAsJsonAsync("/api/account/sign-in", new { email = SecurityStore.NewEmail("stuffed"), password = "Summer2024!" });
        for (var i = 0; i < 40 && last.StatusCode != HttpStatusCode.TooManyRequests; i++)
            last = await stuffer.PostAsJsonAsync("/api/account/sign-in", new { email = SecurityStore.NewEmail("stuffed"), password = "Summer2024!" });
        await last.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(last.Headers.RetryAfter);

        var owner = SecurityStore.NewEmail("owner");
        await store.RegisterAsync(owner);
        using var ownerClient = store.CreateClient(SecurityStore.NewAddress());
        Assert.Equal(HttpStatusCode.NoContent,
            (await ownerClient.PostAsJsonAsync("/api/account/sign-in", new { email = owner, password = SecurityStore.Password })).StatusCode);
    }
}
