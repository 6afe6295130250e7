using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Bazaar.Tests.Security;

// An attacker with a list of e-mail addresses must not learn which have accounts: not from the answer, not from
// how long it takes. Timings are medians of interleaved attempts, each from a fresh client address so that no
// throttle answers early, compared within 20%.
[Collection(AccountsSecurityCollection.Name)]
public class AccountEnumerationTests(SecurityStore store)
{
    private const int Attempts = 15;

    [Fact]
    public async Task Sign_in_answers_an_unknown_e_mail_as_it_answers_a_wrong_password_and_as_slowly()
    {
        var known = new List<string>();
        for (var i = 0; i < Attempts + 1; i++)
        {
            known.Add(SecurityStore.NewEmail("known"));
            await store.RegisterAsync(known[^1]);
        }

        var (knownTimes, unknownTimes) = (new List<double>(), new List<double>());
        string? knownAnswer = null, unknownAnswer = null;
        for (var i = 0; i < Attempts + 1; i++)
        {
            // The first pair warms both paths up and is not counted; which goes first alternates, so whatever one
            // leaves running in the background (a mail being written) slows both alike.
            var ((k, kBody), (u, uBody)) = await Pair(i,
                () => Timed("/api/account/sign-in", new { email = known[i], password = "not-the-password-1" }),
                () => Timed("/api/account/sign-in", new { email = SecurityStore.NewEmail("unknown"), password = "not-the-password-1" }));
            if (i == 0) continue;
            (knownAnswer, unknownAnswer) = (kBody, uBody);
            knownTimes.Add(k);
            unknownTimes.Add(u);
        }

        Assert.Equal(knownAnswer, unknownAnswer);
        AssertSimilar(knownTimes, unknownTimes);
    }

    [Fact]
    public async Task Registering_a_taken_e_mail_answers_as_a_new_one_and_tells_the_owner()
    {
        var owner = SecurityStore.NewEmail("owner");
        using var first = store.CreateClient(SecurityStore.NewAddress());
        var fresh = await first.PostAsJsonAsync("/api/account/register", new { email = owner, password = SecurityStore.Password });
        using var attacker = store.CreateClient(SecurityStore.NewAddress());
        var taken = await attacker.PostAsJsonAsync("/api/account/register", new { email = owner, password = "attacker-password-1" });

        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(fresh.StatusCode, taken.StatusCode);
        Assert.Equal(await fresh.Content.ReadAsStringAsync(), await taken.Content.ReadAsStringAsync());
        Assert.False(taken.Headers.Contains("Set-Cookie") && taken.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("bazaar_session", StringComparison.Ordinal)));

        // The owner hears about the attempt; the attacker's password opens nothing.
        var mails = await store.MailToAsync(owner, 2);
        Assert.Equal(2, mails.Count);
        Assert.Contains("already", mails[1].Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await attacker.PostAsJsonAsync("/api/account/sign-in", new { email = owner, password = "attacker-password-1" })).StatusCode);
    }

    [Fact]
    public async Task Registration_takes_as_long_for_a_taken_e_mail_as_for_a_new_one()
    {
        var taken = new List<string>();
        for (var i = 0; i < Attempts + 1; i++)
        {
            taken.Add(SecurityStore.NewEmail("taken"));
            await store.RegisterAsync(taken[^1]);
        }

        var (takenTimes, newTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < Attempts + 1; i++)
        {
            var ((t, _), (n, _)) = await Pair(i,
                () => Timed("/api/account/register", new { email = taken[i], password = "another-password-1" }),
                () => Timed("/api/account/register", new { email = SecurityStore.NewEmail("new"), password = "another-password-1" }));
            if (i == 0) continue;
            takenTimes.Add(t);
            newTimes.Add(n);
        }
        AssertSimilar(takenTimes, newTimes);
    }

    [Fact]
    public async Task Forgot_password_answers_an_unknown_e_mail_as_a_known_one_and_as_fast()
    {
        var known = new List<string>();
        for (var i = 0; i < Attempts + 1; i++)
        {
            known.Add(SecurityStore.NewEmail("forgetful"));
            await store.RegisterAsync(known[^1]);
        }

        var (knownTimes, unknownTimes) = (new List<double>(), new List<double>());
        string? knownAnswer = null, unknownAnswer = null;
        for (var i = 0; i < Attempts + 1; i++)
        {
            var ((k, kBody), (u, uBody)) = await Pair(i,
                () => Timed("/api/account/forgot-password", new { email = known[i] }),
                () => Timed("/api/account/forgot-password", new { email = SecurityStore.NewEmail("stranger") }));
            if (i == 0) continue;
            (knownAnswer, unknownAnswer) = (kBody, uBody);
            knownTimes.Add(k);
            unknownTimes.Add(u);
        }

        Assert.Equal(knownAnswer, unknownAnswer);
        Assert.Contains("/account/reset-password", (await store.LastMailToAsync(known[^1], 2)).Body, StringComparison.Ordinal);
        AssertSimilar(knownTimes, unknownTimes);
    }

    private static async Task<(T First, T Second)> Pair<T>(int round, Func<Task<T>> first, Func<Task<T>> second)
    {
        if (round % 2 == 0) return (await first(), await second());
        var b = await second();
        return (await first(), b);
    }

    private async Task<(double Milliseconds, string Answer)> Timed(string path, object body)
    {
        using var client = store.CreateClient(SecurityStore.NewAddress());
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync(path, body);
        var answer = await response.Content.ReadAsStringAsync();
        watch.Stop();
        // A problem's traceId differs per request by design; everything else must be the same.
        var json = System.Text.Json.Nodes.JsonNode.Parse(answer)!.AsObject();
        json.Remove("traceId");
        return (watch.Elapsed.TotalMilliseconds, $"{(int)response.StatusCode} {json.ToJsonString()}");
    }

    private const double JitterFloorMs = 5;

    private static void AssertSimilar(List<double> a, List<double> b)
    {
        var (ma, mb) = (Median(a), Median(b));
        TestContext.Current.TestOutputHelper?.WriteLine($"medians {ma:F1} ms and {mb:F1} ms");
        // 20% of the slower median, but never less than 5 ms: at answers of about 10 ms, other test classes running
        // in parallel move a median by a few ms either way, while the leak this guards against was 10 ms vs 600 ms.
        Assert.True(Math.Abs(ma - mb) <= Math.Max(JitterFloorMs, 0.2 * Math.Max(ma, mb)),
            $"Medians differ by more than 20% (and {JitterFloorMs} ms): {ma:F1} ms against {mb:F1} ms ({string.Join(", ", a.Select(x => x.ToString("F1", null)))} | "
            + $"{string.Join(", ", b.Select(x => x.ToString("F1", null)))})");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
