using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Bazaar.Tests.Catalog;

// A store with small limits, so that "too big" needs no big files.
public class ImageStore : StoreFactory
{
    public ImageStore()
    {
        With("Catalog:Images:MaxBytes", "300000");
        With("Catalog:Images:MaxSide", "3000");
    }
}

// Pictures the admin uploads: checked by their bytes (type, size, pixels) before anything is kept, resized, stored
// under a name made from their content, served with a year's immutable cache, added to the product beside its remote
// images. Every bad file is a 400 naming "file".
public class ProductImageTests(ImageStore store) : IClassFixture<ImageStore>
{
    private static byte[] Png(int width, int height, bool noisy = false)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(200, 30, 30));
        if (noisy)
        {
            var random = new Random(7);
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                    foreach (ref var pixel in rows.GetRowSpan(y)) pixel = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            });
        }
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    private static byte[] Gif(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(0, 0, 255));
        using var output = new MemoryStream();
        image.SaveAsGif(output);
        return output.ToArray();
    }

    private async Task<int> ProductAsync()
    {
        var sku = await store.CreateStockedProductAsync(1);
        return (await store.WithAsync(sp => sp.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(sku)))!.Value;
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, int productId, byte[] bytes, string fileName = "picture.png",
        string contentType = "image/png")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        return client.PostAsync(new Uri($"/api/admin/products/{productId}/images", UriKind.Relative), form);
    }

    [Fact]
    public async Task An_uploaded_picture_is_resized_stored_served_with_an_immutable_cache_and_added_after_the_remote_images()
    {
        using var admin = await store.CreateAdminClientAsync();
        var id = await ProductAsync();
        var product = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement;
        (await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
        {
            sku = product.GetProperty("sku").GetString(), title = product.GetProperty("title").GetString(), brand = "Bazaar", price = 9.99m,
            categoryId = product.GetProperty("categoryPath").EnumerateArray().Last().GetProperty("id").GetInt32(),
            imageUrls = new[] { "https://images.icecat.biz/img/norm/high/1.jpg" },
        })).EnsureSuccessStatusCode();

        var response = await UploadAsync(admin, id, Png(2400, 1200));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.Matches("^/media/[0-9a-f]{32}\\.webp$", url);
        using var guest = store.CreateClient();
        var served = await guest.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/webp", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), served.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", served.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using var stored = Image.Load(await served.Content.ReadAsByteArrayAsync());
        Assert.Equal((1200, 600), (stored.Width, stored.Height));
        var images = JsonDocument.Parse(await guest.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement
            .GetProperty("imageUrls").EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Equal(["https://images.icecat.biz/img/norm/high/1.jpg", url], images);
        Assert.True(File.Exists(Path.Combine(store.DataDirectory, "images", url["/media/".Length..])));

        // The product saved again with both addresses (as the editor does) keeps them.
        (await admin.PutAsJsonAsync($"/api/admin/products/{id}", new
        {
            sku = product.GetProperty("sku").GetString(), title = product.GetProperty("title").GetString(), brand = "Bazaar", price = 9.99m,
            categoryId = product.GetProperty("categoryPath").EnumerateArray().Last().GetProperty("id").GetInt32(), imageUrls = images,
        })).EnsureSuccessStatusCode();
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "gif", "picture.gif", "not a JPEG, PNG or WebP" },
        { "text-named-png", "picture.png", "not a JPEG, PNG or WebP" },
        { "truncated-png", "picture.png", "" },
        { "too-big", "picture.png", "at most 300,000 bytes" },
        { "too-many-pixels", "picture.png", "at most 3000 on a side" },
        { "empty", "picture.png", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_a_400_naming_file_and_nothing_is_stored_or_added(string kind, string name, string says)
    {
        using var admin = await store.CreateAdminClientAsync();
        var id = await ProductAsync();
        var bytes = kind switch
        {
            "gif" => Gif(40, 40),
            "text-named-png" => "<?php echo 'not a picture'; ?>"u8.ToArray(),
            "truncated-png" => Png(300, 300, noisy: true)[..2000],
            "too-big" => Png(600, 600, noisy: true),
            "too-many-pixels" => Png(4000, 10),
            _ => [],
        };
        var before = Directory.Exists(Path.Combine(store.DataDirectory, "images")) ? Directory.GetFiles(Path.Combine(store.DataDirectory, "images")).Length : 0;

        var response = await UploadAsync(admin, id, bytes, name);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "file");
        Assert.Contains(says, problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, Directory.Exists(Path.Combine(store.DataDirectory, "images")) ? Directory.GetFiles(Path.Combine(store.DataDirectory, "images")).Length : 0);
        var images = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement.GetProperty("imageUrls");
        Assert.Equal(0, images.GetArrayLength());
    }

    [Fact]
    public async Task No_file_is_a_400_an_unknown_product_a_404_and_a_customer_a_403()
    {
        using var admin = await store.CreateAdminClientAsync();
        using var customer = await store.CreateCustomerClientAsync();
        var id = await ProductAsync();

        var none = await admin.PostAsync(new Uri($"/api/admin/products/{id}/images", UriKind.Relative),
            new MultipartFormDataContent { { new StringContent("x"), "other" } });
        var unknown = await UploadAsync(admin, 987654, Png(10, 10));
        var asCustomer = await UploadAsync(customer, id, Png(10, 10));
        var badName = await admin.GetAsync(new Uri("/media/..%2F..%2Fappsettings.json", UriKind.Relative));

        await none.AssertProblemAsync(HttpStatusCode.BadRequest, "file");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, badName.StatusCode);
    }
}
