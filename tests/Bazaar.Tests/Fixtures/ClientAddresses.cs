using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Bazaar.Tests.Fixtures;

// The test server has no sockets, so every request comes from no address at all. A test that plays shoppers at
// different addresses names one in this header; it becomes the connection's address before anything else runs,
// exactly what a socket (or the forwarded-headers middleware behind a known proxy) would give the store.
public sealed class ClientAddresses : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var value)
                && IPAddress.TryParse(value.ToString(), out var address))
                http.Connection.RemoteIpAddress = address;
            return nextMiddleware(http);
        });
        next(app);
    };
}

public static class ClientAddressExtensions
{
    // Every request of this client comes from the given address.
    public static HttpClient From(this HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Remove(ClientAddresses.Header);
        client.DefaultRequestHeaders.Add(ClientAddresses.Header, address);
        return client;
    }
}
