using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Storefront;

public class RemoteImageStore : StoreFactory
{
    public RemoteImageStore() => With("Catalog:RemoteImages:AllowPrivateNetworks", "true");
}

// Issue 20: product images hot-linked over plain http from another host are served through the store: fetched once
// (however many ask at once), kept, answered over the store's own address; a missing one is the placeholder, asked
// for once. The origin here is a real HTTP server on loopback that counts what it is asked.
public partial class RemoteImageTests(RemoteImageStore store) : IClassFixture<RemoteImageStore>
{
    // A 1x1 PNG.
    internal static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [GeneratedRegex(@"<img[^>]*\ssrc=""([^""]+)""")]
    private static partial Regex ImageSource();

    internal sealed class Origin : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public readonly Dictionary<string, int> Hits = [];

        private Origin(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public static async Task<Origin> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var origin = new Origin(app);
            app.Run(async context =>
            {
                lock (origin.Hits) origin.Hits[context.Request.Path] = origin.Hits.GetValueOrDefault(context.Request.Path) + 1;
                if (context.Request.Path.StartsWithSegments("/pic.png"))
                {
                    await Task.Delay(200);
                    context.Response.ContentType = "image/png";
                    await context.Response.Body.WriteAsync(Png);
                }
                else context.Response.StatusCode = 404;
            });
            await app.StartAsync();
            origin.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return origin;
        }

        public int HitsOf(string path) { lock (Hits) return Hits.GetValueOrDefault(path); }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    internal static async Task<(string Slug, int Id)> ProductWithImagesAsync(StoreFactory store, params string[] imageUrls)
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative)))
            .RootElement[0].GetProperty("id").GetInt32();
        var sku = "IMG-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var created = await admin.PostAsJsonAsync("/api/admin/products",
            new { sku, title = $"Pictured {sku}", brand = "Bazaar", price = 5m, categoryId, imageUrls });
        created.EnsureSuccessStatusCode();
        var product = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        return (product.GetProperty("slug").GetString()!, product.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task A_plain_http_image_is_served_by_the_store_fetched_once_and_a_missing_one_is_the_placeholder_asked_for_once()
    {
        await using var origin = await Origin.StartAsync();
        var (slug, _) = await ProductWithImagesAsync(store, origin.Url + "/pic.png", origin.Url + "/missing.png");
        using var client = store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetStringAsync(new Uri($"/p/{slug}", UriKind.Relative));
        var sources = ImageSource().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.DoesNotContain(sources, s => s.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        var main = sources.First(s => s.StartsWith("/img/remote/", StringComparison.Ordinal));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync(new Uri(main, UriKind.Relative))));
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("image/png", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Png, await answer.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(1, origin.HitsOf("/pic.png"));
        Assert.Equal(Png, await client.GetByteArrayAsync(new Uri(main, UriKind.Relative)));
        Assert.Equal(1, origin.HitsOf("/pic.png"));

        var missing = sources.Distinct().Single(s => s.StartsWith("/img/remote/", StringComparison.Ordinal) && s != main);
        for (var i = 0; i < 3; i++)
        {
            var answer = await client.GetAsync(new Uri(missing, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.Equal("/img/placeholder.svg", answer.Headers.Location?.ToString());
        }
        Assert.Equal(1, origin.HitsOf("/missing.png"));
    }

    [Fact]
    public async Task The_store_fetches_only_images_its_products_have()
    {
        await using var origin = await Origin.StartAsync();
        var (_, productId) = await ProductWithImagesAsync(store, origin.Url + "/pic.png?product");
        using var client = store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var other = Bazaar.Catalog.RemoteImages.LocalUrl(productId, origin.Url + "/pic.png?not-this-products")!;
        var answer = await client.GetAsync(new Uri(other, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(0, origin.HitsOf("/pic.png"));
    }
}

// Without Catalog:RemoteImages:AllowPrivateNetworks an image URL on a loopback or private address is never fetched.
public class RemoteImagePrivateNetworkTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [Fact]
    public async Task An_image_on_a_private_address_is_not_fetched_and_shows_the_placeholder()
    {
        await using var origin = await RemoteImageTests.Origin.StartAsync();
        var (slug, _) = await RemoteImageTests.ProductWithImagesAsync(store, origin.Url + "/pic.png");
        using var client = store.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync(new Uri($"/p/{slug}", UriKind.Relative));
        var main = Regex.Match(page, @"<img[^>]*\ssrc=""(/img/remote/[^""]+)""").Groups[1].Value;

        var answer = await client.GetAsync(new Uri(main, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(0, origin.HitsOf("/pic.png"));
    }
}
