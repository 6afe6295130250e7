using System.Net.Http.Json;

namespace Bazaar.Tests.Security;

// Cookies by hand, the way an attacker copies, plants or edits them.
public sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = [];

    public string? this[string name]
    {
        get => _cookies.GetValueOrDefault(name);
        set
        {
            if (value is null) _cookies.Remove(name);
            else _cookies[name] = value;
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await client.SendAsync(request);
        foreach (var (name, value) in SetCookies(response)) _cookies[name] = value;
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsJsonAsync<T>(HttpClient client, string path, T body) =>
        SendAsync(client, HttpMethod.Post, path, JsonContent.Create(body));

    public static IEnumerable<(string Name, string Value)> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).Select(v => (v[..v.IndexOf('=', StringComparison.Ordinal)], v[(v.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            : [];
}
