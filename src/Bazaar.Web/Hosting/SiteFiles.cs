using System.Globalization;
using System.Text;
using System.Xml;
using Bazaar.Accounts;
using Bazaar.Content;
using Microsoft.Extensions.Options;

namespace Bazaar.Web.Hosting;

// robots.txt and sitemap.xml for search engines: the shop's pages in, the back office, accounts, carts and the API out.
public static class SiteFiles
{
    public static IEndpointRouteBuilder MapSiteFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/robots.txt", (HttpContext http) => Results.Text(Robots(Origin(http)), "text/plain; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/sitemap.xml", Sitemap).ExcludeFromDescription();
        return app;
    }

    // Accounts:PublicUrl when set (so a forged Host cannot rewrite the links), else the address the request came to.
    public static string Origin(HttpContext http)
    {
        var configured = http.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value.PublicUrl;
        return (string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured).TrimEnd('/');
    }

    private static string Robots(string origin) => string.Join('\n',
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /api/",
        "Disallow: /account",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /orders",
        "Disallow: /search",
        // A plain text search ("/search?q=toner") is a page worth finding (it is its own canonical); filtered, sorted
        // and paged variants ask not to be indexed (noindex on the page). Crawlers take the longest matching rule.
        "Allow: /search?q=",
        "Disallow: /sandbox-gateway",
        "Allow: /",
        "",
        $"Sitemap: {origin}/sitemap.xml",
        "");

    private static async Task<IResult> Sitemap(HttpContext http, Catalog.Catalog catalog, CancellationToken ct)
    {
        var origin = Origin(http);
        var products = await catalog.ListSlugsAsync(ct);
        var categories = Catalog.Catalog.Flatten(await catalog.GetCategoryTreeAsync(ct)).ToList();
        var xml = new StringBuilder();
        using (var writer = XmlWriter.Create(xml, new XmlWriterSettings { Indent = false, OmitXmlDeclaration = false }))
        {
            writer.WriteStartElement("urlset", "http://www.sitemaps.org/schemas/sitemap/0.9");
            Url(writer, origin + "/", null);
            foreach (var page in StorePages.All) Url(writer, origin + page.Path, null);
            foreach (var category in categories) Url(writer, $"{origin}/c/{Uri.EscapeDataString(category.Slug)}", null);
            foreach (var (slug, updatedAt) in products) Url(writer, $"{origin}/p/{Uri.EscapeDataString(slug)}", updatedAt);
            writer.WriteEndElement();
        }
        // StringBuilder makes the declaration say utf-16; the bytes sent are utf-8.
        return Results.Text(xml.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal),
            "application/xml; charset=utf-8", Encoding.UTF8);
    }

    private static void Url(XmlWriter writer, string location, DateTimeOffset? modified)
    {
        writer.WriteStartElement("url");
        writer.WriteElementString("loc", location);
        if (modified is { } at && at > DateTimeOffset.MinValue)
            writer.WriteElementString("lastmod", at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.WriteEndElement();
    }
}
