using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

namespace Bazaar.Catalog;

// A file that is not a picture this store takes (field "file"): too big, not JPEG, PNG or WebP, or damaged.
public sealed class ImageRefused(string message) : Exception(message)
{
    public const string Field = "file";
}

// Product pictures uploaded by the admin: checked (size, then the format from the bytes themselves, not the name or
// the declared type, then the dimensions before anything is decoded), resized to StoredSide, stored as WebP under a
// name made from its content (so a name never changes meaning and is served as immutable) and added to the product.
public sealed partial class ProductImages(Catalog catalog, IOptions<ProductImageOptions> options, IOptions<Data.DatabaseOptions> database)
{
    public const string UrlPrefix = "/media/";

    // Only these decoders: a GIF, BMP or TIFF is refused before any of its bytes are decoded.
    private static readonly Configuration Formats = new(new JpegConfigurationModule(), new PngConfigurationModule(), new WebpConfigurationModule());

    public string Folder => string.IsNullOrWhiteSpace(options.Value.Directory)
        ? Path.Combine(database.Value.DataDirectory, "images")
        : options.Value.Directory;

    public static bool IsStoredUrl(string url) => StoredUrl().IsMatch(url);

    // The stored file for a name from a /media/ address, or null when the name is not one this store makes.
    public string? PathOf(string name) => StoredName().IsMatch(name) ? Path.Combine(Folder, name) : null;

    public async Task<string> AddAsync(int productId, Stream content, long length, CancellationToken ct = default)
    {
        var limits = options.Value;
        if (length <= 0) throw new ImageRefused("The file is empty: choose a JPEG, PNG or WebP picture.");
        if (length > limits.MaxBytes) throw new ImageRefused($"The file is {length:N0} bytes; pictures are at most {limits.MaxBytes:N0} bytes.");
        if (await catalog.GetProductAsync(productId, ct) is null) throw new CatalogNotFoundException($"No product with id {productId}.");
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        if (buffer.Length > limits.MaxBytes) throw new ImageRefused($"The file is larger than {limits.MaxBytes:N0} bytes.");
        buffer.Position = 0;
        IImageInfo? info;
        try
        {
            info = await Image.IdentifyAsync(Formats, buffer, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a crafted or broken header makes the decoder throw, the answer is the same: not a picture.
            info = null;
        }
        if (info is null) throw new ImageRefused("The file is not a JPEG, PNG or WebP picture.");
        if (info.Width > limits.MaxSide || info.Height > limits.MaxSide)
            throw new ImageRefused($"The picture is {info.Width} x {info.Height} pixels; at most {limits.MaxSide} on a side.");
        buffer.Position = 0;
        byte[] stored;
        try
        {
            using var image = await Image.LoadAsync(Formats, buffer, ct);
            if (image.Width > limits.StoredSide || image.Height > limits.StoredSide)
                image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(limits.StoredSide, limits.StoredSide), Mode = ResizeMode.Max }));
            image.Metadata.ExifProfile = null;
            using var output = new MemoryStream();
            await image.SaveAsWebpAsync(output, new WebpEncoder { Quality = 85 }, ct);
            stored = output.ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ImageRefused("The picture is damaged and cannot be read.");
        }
        var name = Convert.ToHexStringLower(SHA256.HashData(stored), 0, 16) + ".webp";
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        if (!File.Exists(path))
        {
            // Written aside and moved in, so a half-written file is never served under the name.
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temporary, stored, ct);
            File.Move(temporary, path, overwrite: true);
        }
        var url = UrlPrefix + name;
        await catalog.AddImageAsync(productId, url, ct);
        return url;
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.webp$")]
    private static partial Regex StoredName();

    [GeneratedRegex("^/media/[0-9a-f]{32}\\.webp$")]
    private static partial Regex StoredUrl();
}
