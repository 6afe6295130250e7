using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Security;

[Collection(AccountsSecurityCollection.Name)]
public class RegistrationFloodTests(SecurityStore store)
{
    [Fact]
    public async Task A_registration_flood_from_one_client_gets_429_while_others_still_register()
    {
        var address = SecurityStore.NewAddress();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var client = store.CreateClient(address);
            return await client.PostAsJsonAsync("/api/account/register",
                new { email = SecurityStore.NewEmail("flood"), password = SecurityStore.Password });
        }));

        Assert.Equal(SecurityStore.RegistrationsPerHour, answers.Count(a => a.IsSuccessStatusCode));
        var refused = answers.Where(a => !a.IsSuccessStatusCode).ToList();
        Assert.Equal(30 - SecurityStore.RegistrationsPerHour, refused.Count);
        foreach (var answer in refused)
        {
            await answer.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(answer.Headers.RetryAfter?.Delta > TimeSpan.Zero, "A refused registration says how long to wait.");
        }

        await store.RegisterAsync(SecurityStore.NewEmail("other"));
    }
}
