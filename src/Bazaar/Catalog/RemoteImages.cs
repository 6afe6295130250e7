using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Catalog;

// A remote image as the store keeps it: the file and its type.
public sealed record CachedImage(string Path, string ContentType);

// Product images hot-linked from other hosts, served as /img/remote/{productId}/{hash}: the hash names the image
// URL, and only a URL that product really has is ever fetched (the store is no open proxy). Each is fetched once
// (concurrent requests share the fetch), checked to be a picture, and kept under the data directory; a failure is
// remembered for RetryFailedAfter so pages don't wait on a dead host again.
public sealed partial class RemoteImages(IServiceScopeFactory scopes, IHttpClientFactory clients,
    IOptions<RemoteImageOptions> options,
    IOptions<Data.DatabaseOptions> database, TimeProvider clock, ILogger<RemoteImages> log)
{
    public const string ClientName = "remote-images";
    public const string UrlPrefix = "/img/remote/";

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["image/jpeg"] = ".jpg", ["image/png"] = ".png", ["image/webp"] = ".webp", ["image/gif"] = ".gif",
    };

    private readonly ConcurrentDictionary<string, Lazy<Task<CachedImage?>>> _fetching = new(StringComparer.Ordinal);

    public string Folder => string.IsNullOrWhiteSpace(options.Value.Directory)
        ? System.IO.Path.Combine(database.Value.DataDirectory, "remote-images")
        : options.Value.Directory;

    // The store's address for a product's image: remote http(s) URLs go through the store; its own stay as they are.
    public static string? LocalUrl(int productId, string? url) =>
        url is not null && (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ? $"{UrlPrefix}{productId}/{Hash(url)}"
            : url;

    public static string Hash(string url) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)), 0, 16);

    public async Task<CachedImage?> GetAsync(int productId, string hash, CancellationToken ct)
    {
        if (!HashPattern().IsMatch(hash)) return null;
        if (Cached(hash) is { } cached) return cached;
        if (RecentlyFailed(hash)) return null;
        var fetch = _fetching.GetOrAdd(hash, h => new Lazy<Task<CachedImage?>>(() => FetchAsync(productId, h)));
        try
        {
            return await fetch.Value.WaitAsync(ct);
        }
        finally
        {
            if (fetch.Value.IsCompleted) _fetching.TryRemove(new(hash, fetch));
        }
    }

    private CachedImage? Cached(string hash)
    {
        foreach (var (type, extension) in Types)
        {
            var path = System.IO.Path.Combine(Folder, hash + extension);
            if (File.Exists(path)) return new CachedImage(path, type);
        }
        return null;
    }

    private string FailedMarker(string hash) => System.IO.Path.Combine(Folder, hash + ".failed");

    private bool RecentlyFailed(string hash)
    {
        var marker = FailedMarker(hash);
        return File.Exists(marker)
            && clock.GetUtcNow() - File.GetLastWriteTimeUtc(marker) < options.Value.RetryFailedAfter;
    }

    // Not tied to the first asker's request: a shopper leaving the page must not cancel the fetch the next one
    // waits on.
    private async Task<CachedImage?> FetchAsync(int productId, string hash)
    {
        string? url;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var product = await scope.ServiceProvider.GetRequiredService<Catalog>().GetProductAsync(productId);
            url = product?.ImageUrls.FirstOrDefault(u => Hash(u) == hash);
        }
        if (url is null) return null;
        Directory.CreateDirectory(Folder);
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.FetchTimeout);
            using var response = await clients.CreateClient(ClientName)
                .GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
            if (!response.IsSuccessStatusCode || type is null || !Types.TryGetValue(type, out var extension))
                throw new InvalidDataException($"{(int)response.StatusCode} {type ?? "(no type)"}");
            if (response.Content.Headers.ContentLength > options.Value.MaxBytes)
                throw new InvalidDataException("too large");
            using var buffer = new MemoryStream();
            await using (var body = await response.Content.ReadAsStreamAsync(timeout.Token))
            {
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
                {
                    if (buffer.Length + read > options.Value.MaxBytes) throw new InvalidDataException("too large");
                    buffer.Write(chunk, 0, read);
                }
            }
            var path = System.IO.Path.Combine(Folder, hash + extension);
            // Written aside and moved in, so a half-written file is never served under the name.
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temporary, buffer.ToArray());
            File.Move(temporary, path, overwrite: true);
            File.Delete(FailedMarker(hash));
            return new CachedImage(path, type);
        }
        catch (Exception e)
            when (e is HttpRequestException or OperationCanceledException or InvalidDataException or IOException)
        {
            log.LogInformation(
                "Image {Url} of product {ProductId} could not be fetched ({Reason}); the placeholder is shown",
                url, productId, e.Message);
            await File.WriteAllTextAsync(FailedMarker(hash), url);
            File.SetLastWriteTimeUtc(FailedMarker(hash), clock.GetUtcNow().UtcDateTime);
            return null;
        }
    }

    // Connects only to public addresses unless private networks are allowed: the URL is the catalogue's, the
    // request is the server's.
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate,
        CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToArray();
        if (allowed.Length == 0) throw new HttpRequestException($"{context.DnsEndPoint.Host} is not a public address.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6UniqueLocal) return false;
        var b = address.GetAddressBytes();
        return address.AddressFamily != AddressFamily.InterNetwork || !(b[0] == 10 || b[0] == 127 || b[0] == 0
            || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HashPattern();
}
