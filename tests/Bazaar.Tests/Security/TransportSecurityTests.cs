using System.Net;
using System.Net.Http.Json;

namespace Bazaar.Tests.Security;

// Finding 8 of issue 14: no HTTPS redirection, HSTS, forwarded-headers handling or Secure cookies; API responses
// without X-Content-Type-Options and a CSP.
public class TransportSecurityTests : IClassFixture<TransportSecurityTests.Store>
{
    public sealed class Store : HttpsStore
    {
        public Store() => With("ForwardedHeaders:KnownProxies:0", "10.0.0.5");
    }

    private readonly Store _store;

    public TransportSecurityTests(Store store) => _store = store;

    [Fact]
    public async Task A_plain_http_request_is_redirected_to_https()
    {
        using var client = _store.CreatePlainHttpClient();
        var response = await client.GetAsync(new Uri("/search?q=cable", UriKind.Relative));
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://{HttpsStore.Host}/search?q=cable", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Https_responses_tell_the_browser_to_use_https_from_now_on()
    {
        using var client = _store.CreateClient();
        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_is_not_a_known_proxy_cannot_claim_to_be_on_https()
    {
        using var client = _store.CreatePlainHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(TestPeer.PeerHeader, "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.1");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
    }

    [Fact]
    public async Task The_configured_proxy_is_believed_when_it_says_the_shopper_came_over_https()
    {
        using var client = _store.CreatePlainHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(TestPeer.PeerHeader, "10.0.0.5");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.1");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Every_cookie_is_Secure_HttpOnly_SameSite_and_bound_to_this_host()
    {
        using var client = _store.CreateClient(new() { BaseAddress = new Uri($"https://{HttpsStore.Host}/"), HandleCookies = false });
        var cookies = new List<string>();
        // A page with a form (guest id and antiforgery cookies), then a sign-in (the session cookie).
        cookies.AddRange((await client.GetAsync(new Uri("/account/sign-in", UriKind.Relative))).Headers.GetValues("Set-Cookie"));
        var signIn = await client.PostAsJsonAsync("/api/account/sign-in", new { email = HttpsStore.AdminEmail, password = HttpsStore.AdminPassword });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        cookies.AddRange(signIn.Headers.GetValues("Set-Cookie"));

        Assert.Contains(cookies, c => c.StartsWith("__Host-bazaar_session=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("__Host-bazaar_shopper=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("__Host-bazaar_antiforgery=", StringComparison.Ordinal));
        Assert.All(cookies, cookie =>
        {
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.StartsWith("__Host-", cookie, StringComparison.Ordinal);
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains(attributes, a => a is "samesite=lax" or "samesite=strict");
            Assert.Contains("path=/", attributes);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/products")]
    [InlineData("/api/products/999999999")]
    [InlineData("/api/admin/orders")]
    [InlineData("/health/live")]
    [InlineData("/app.css")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = _store.CreateClient();
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values)
            ? Assert.Single(values)
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri} has no {header}.");
}
