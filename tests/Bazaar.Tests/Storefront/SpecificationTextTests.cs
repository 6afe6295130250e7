using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Storefront;

// Issue 20: the specification table as people read it: labels without the importer's placeholders, units with the
// values, and long lists (EANs, compatible models) collapsed behind "Show all" in a <details> (no script needed).
public partial class SpecificationTextTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    [GeneratedRegex(@"<th scope=""row"">(.*?)</th>\s*<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Row();

    private static string Text(string html) =>
        Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " ")), @"\s+", " ").Trim();

    [Fact]
    public async Task Labels_lose_import_placeholders_values_carry_units_and_long_lists_are_collapsed()
    {
        using var admin = await store.CreateAdminClientAsync();
        var categoryId = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative)))
            .RootElement[0].GetProperty("id").GetInt32();
        var eans = Enumerable.Range(0, 60).Select(i => $"40{i:00000000000}").ToList();
        var models = string.Join(", ", Enumerable.Range(1, 20).Select(i => $"LaserJet {i}00"));
        var sku = "SPEC-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var created = await admin.PostAsJsonAsync("/api/admin/products", new
        {
            sku, title = $"Desktop PC {sku}", brand = "Bazaar", price = 499m, categoryId, eans,
            attributes = new[]
            {
                new { key = "operating_temperature__t_t_", name = "Operating temperature (t t)", kind = "text", value = "0 - 35" },
                new { key = "operating_relative_humidity__h_h_", name = "Operating relative humidity (h h)", kind = "text", value = "10 - 90" },
                new { key = "weight", name = "Weight", kind = "number", value = "3460" },
                new { key = "cable_length", name = "Cable length", kind = "number", value = "1.8" },
                new { key = "compatibility", name = "Compatibility", kind = "text", value = models },
            },
        });
        created.EnsureSuccessStatusCode();
        var slug = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("slug").GetString();

        using var client = store.CreateClient();
        var page = await client.GetStringAsync(new Uri($"/p/{slug}", UriKind.Relative));
        var specs = page[page.IndexOf("<table class=\"specs\"", StringComparison.Ordinal)..];
        var rows = Row().Matches(specs).ToDictionary(m => Text(m.Groups[1].Value), m => m.Groups[2].Value);

        Assert.DoesNotContain(rows.Keys, k => k.Contains("(t t)", StringComparison.Ordinal) || k.Contains("(h h)", StringComparison.Ordinal));
        Assert.Equal("0 – 35 °C", Text(rows["Operating temperature"]));
        Assert.Equal("10 – 90 %", Text(rows["Operating relative humidity"]));
        Assert.Equal("3.46 kg", Text(rows["Weight"]));
        Assert.Equal("1.8 m", Text(rows["Cable length"]));
        Assert.Contains("<details", rows["Compatibility"], StringComparison.Ordinal);
        Assert.Contains("Show all 20", rows["Compatibility"], StringComparison.Ordinal);

        var facts = page[page.IndexOf("data-testid=\"eans\"", StringComparison.Ordinal)..];
        facts = facts[..facts.IndexOf("</dd>", StringComparison.Ordinal)];
        Assert.Contains("<details", facts, StringComparison.Ordinal);
        Assert.Contains("Show all 60", facts, StringComparison.Ordinal);
        var beforeDetails = facts[..facts.IndexOf("<details", StringComparison.Ordinal)];
        Assert.True(Regex.Matches(beforeDetails, @"\d{13}").Count <= 6, "More than six EANs are shown before 'Show all'.");
    }
}
