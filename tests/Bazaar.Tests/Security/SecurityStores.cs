using System.Net;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

// The store as it runs on the internet: HTTPS required (its default outside Development), reached at a public host
// name (HSTS is never sent to localhost). A test says which peer a request comes from with X-Test-Peer.
public class HttpsStore : StoreFactory
{
    public const string Host = "shop.example";

    public HttpsStore()
    {
        With("Https:Required", "true");
        ClientOptions.BaseAddress = new Uri($"https://{Host}/");
        WithServices(s => s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, TestPeer>());
    }

    public HttpClient CreatePlainHttpClient() =>
        CreateClient(new() { BaseAddress = new Uri($"http://{Host}/"), AllowAutoRedirect = false });
}

// The environment named, as an operator would run it (appsettings.{Environment}.json applies).
public class StoreIn(string environment) : StoreFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(environment);
    }
}

// Stands in for the network: the socket's peer address and local port, which an in-memory test server has not got.
public sealed class TestPeer : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string PeerHeader = "X-Test-Peer";
    public const string LocalPortHeader = "X-Test-Local-Port";

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) =>
        app =>
        {
            Microsoft.AspNetCore.Builder.UseExtensions.Use(app, (context, following) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer)) context.Connection.RemoteIpAddress = IPAddress.Parse(peer!);
                if (context.Request.Headers.TryGetValue(LocalPortHeader, out var port)) context.Connection.LocalPort = int.Parse(port!);
                return following(context);
            });
            next(app);
        };
}
