using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

// The real store with small abuse limits, where each test client comes from its own address (TestPeer sets the
// socket's peer, the Connection.RemoteIpAddress that UseForwardedHeaders also sets behind a proxy). Mail goes to a
// pickup folder the tests read, so a token never passes through a log.
public sealed class SecurityStore : StoreFactory
{
    public const string Password = "shopper-password-1";
    public const int RegistrationsPerHour = 5;

    public SecurityStore()
    {
        With("Accounts:RegistrationsPerHour", RegistrationsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Accounts:PasswordResetsPerHour", "5");
        With("Accounts:SignInFreeFailuresPerAccount", "5");
        With("Accounts:SignInFreeFailuresPerClient", "10");
        // Long enough that a slow machine cannot outwait it between two attempts of one test.
        With("Accounts:SignInBackOffStart", "00:00:30");
        WithServices(s => s.AddTransient<IStartupFilter, TestPeer>());
    }

    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    public static string NewEmail(string who = "user") => $"{who}-{Guid.NewGuid():N}@tests.local";

    // A client address nobody else uses (a documentation prefix; no traffic goes there, it only names the client).
    public static string NewAddress() => "2001:db8::" + Random.Shared.Next(1, 0xffff).ToString("x", null) + ":"
        + Random.Shared.Next(1, 0xffff).ToString("x", null);

    public HttpClient CreateClient(string address)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(TestPeer.PeerHeader, address);
        return client;
    }

    // Registers from an address of its own, so the registration limit does not count it against the test's clients.
    public async Task RegisterAsync(string email, string password = Password)
    {
        using var client = CreateClient(NewAddress());
        var response = await client.PostAsJsonAsync("/api/account/register", new { email, password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    // The mails written to the pickup folder for one recipient, oldest first; waits (bounded) until `count` exist.
    public async Task<IReadOnlyList<SentMail>> MailToAsync(string email, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var mails = Directory.Exists(MailDirectory)
                ? Directory.GetFiles(MailDirectory, "*.eml").Order(StringComparer.Ordinal)
                    .Select(f => SentMail.Parse(File.ReadAllText(f))).Where(m => m.To == email).ToList()
                : [];
            if (mails.Count >= count || DateTime.UtcNow > deadline) return mails;
            await Task.Delay(50);
        }
    }

    public async Task<SentMail> LastMailToAsync(string email, int count = 1)
    {
        var mails = await MailToAsync(email, count);
        Assert.True(mails.Count >= count, $"Expected {count} mail(s) to {email}, found {mails.Count}.");
        return mails[^1];
    }
}

public sealed record SentMail(string To, string Subject, string Body)
{
    public static SentMail Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = text[..split].Split("\r\n").Select(h => h.Split(": ", 2)).ToDictionary(h => h[0], h => h[1]);
        return new SentMail(headers["To"], headers["Subject"], text[(split + 4)..]);
    }

    // The one link in the body that starts with the path, e.g. "/account/reset-password".
    public Uri Link(string path)
    {
        var start = Body.IndexOf("http", StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = Body.IndexOfAny([' ', '\r', '\n'], start);
            var link = new Uri(end < 0 ? Body[start..] : Body[start..end]);
            if (link.AbsolutePath == path) return link;
            start = Body.IndexOf("http", start + 1, StringComparison.Ordinal);
        }
        throw new InvalidOperationException($"No link to {path} in: {Body}");
    }

    public static string Query(Uri link, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query)[name].ToString();
}
