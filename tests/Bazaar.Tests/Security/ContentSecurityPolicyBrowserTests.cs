using System.Text.RegularExpressions;
using Bazaar.Tests.Browser;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Security;

// Finding 8 of issue 14 in a real Chromium: the pages send a Content-Security-Policy that would stop injected
// script, and the storefront (its live island over a WebSocket included) and the back office still work under it.
public class ContentSecurityPolicyBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    [Fact]
    public async Task The_storefront_and_back_office_run_under_the_content_security_policy()
    {
        var sku = await store.CreateStockedProductAsync(3);
        string slug;
        await using (var scope = store.Services.CreateAsyncScope())
        {
            var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
            slug = (await catalog.GetProductAsync((await catalog.FindProductIdBySkuAsync(sku))!.Value))!.Slug;
        }

        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (violations) violations.Add(m.Text); };
        page.PageError += (_, e) => { lock (violations) violations.Add(e); };
        var sockets = 0;
        page.WebSocket += (_, _) => Interlocked.Increment(ref sockets);

        try
        {
            await WalkAsync(page, sku, slug);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            var body = await page.InnerTextAsync("body");
            lock (violations)
                throw new Xunit.Sdk.XunitException($"{string.Join("\n", violations)}\nat {page.Url}: {body[..Math.Min(600, body.Length)]}\n{e}");
        }

        await using var adminContext = await store.NewContextAsync();
        var admin = await store.AdminPageAsync(adminContext);
        admin.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (violations) violations.Add(m.Text); };
        admin.PageError += (_, e) => { lock (violations) violations.Add(e); };
        // (The API reference at /api/docs is a third-party page with its own, looser policy; not walked here.)
        foreach (var path in new[] { "/admin", "/admin/search", $"/admin/stock/{sku}" })
        {
            var response = await admin.GotoAsync(path, new() { Timeout = 30_000 });
            Assert.True(response!.Ok, $"{path}: {response.Status}");
            await BrowserStore.ExpectAccessibleAsync(admin);
        }

        // The live stock island and the countdown run over Blazor's WebSocket: the policy must let it connect.
        Assert.True(sockets > 0, "No WebSocket was opened: the interactive parts did not start.");
        lock (violations) Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    private static async Task WalkAsync(IPage page, string sku, string slug)
    {
        var home = await page.GotoAsync("/");
        Assert.Contains("script-src 'self'", (await home!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        // Remote images come through the store (here their hosts can't be reached: the store answers with the
        // placeholder), so every picture loads without an inline handler.
        var picture = page.Locator("img[data-fallback]").First;
        await Expect(picture).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await picture.EvaluateAsync<int>("img => img.naturalWidth") > 0, "The first picture did not load.");
        await BrowserStore.ExpectAccessibleAsync(page);

        await page.GotoAsync($"/p/{slug}");
        await Expect(page.GetByTestId("stock")).ToContainTextAsync("In stock");
        await BrowserStore.ExpectAccessibleAsync(page);
        await page.GetByLabel("Quantity").SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/cart"));
        await Expect(page.Locator($"li.cart-line[data-sku='{sku}']").GetByTestId("countdown")).ToHaveTextAsync(new Regex(@"\d+ (min \d+ s|s) left"));
        await BrowserStore.ExpectAccessibleAsync(page);

        await page.GotoAsync("/search?q=cable");
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        await BrowserStore.ExpectAccessibleAsync(page);
    }
}
