using System.Text.Json;
using Bazaar.Tests.Browser;
using Bazaar.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Recommendations;

// In a real Chromium: a shopper views products and finds them in recently viewed, buys and finds also-bought on the
// product page, writes a review and sees the histogram change.
public class RecommendationBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    private async Task<string> PathOfAsync(int productId)
    {
        using var client = store.CreateClient();
        var product = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/products/{productId}", UriKind.Relative))).RootElement;
        return "/p/" + product.GetProperty("slug").GetString();
    }

    [Fact]
    public async Task A_shopper_views_buys_sees_also_bought_and_reviews()
    {
        var p = await store.CreateProductsAsync(3, units: 20);
        var (a, b, c) = (p[0], p[1], p[2]);
        var (pathA, pathC) = (await PathOfAsync(a.Id), await PathOfAsync(c.Id));
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        await BrowserStore.RegisterAndSignInAsync(page, $"reviewer-{Guid.NewGuid():N}@tests.local", "reviewer-password-1");

        // Views: C, then A. A's page lists C under recently viewed; the home page lists both, newest first.
        await page.GotoAsync(pathC);
        await page.GotoAsync(pathA);
        var recentOnA = page.Locator("[data-shelf=recently-viewed] .product-card-title");
        await Expect(recentOnA).ToHaveTextAsync([(await TitleAsync(c.Id))]);
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-shelf=recently-viewed] .product-card-title")).ToHaveTextAsync([await TitleAsync(a.Id), await TitleAsync(c.Id)]);
        await BrowserStore.ScreenshotAsync(page, $"recommendations-{Pass}-01-home");

        // Another shopper bought A with B; this one buys A and B too. Once counted, A's page says so.
        await store.PlaceOrderAsync(null, a.Sku, b.Sku);
        foreach (var product in new[] { pathA, await PathOfAsync(b.Id) })
        {
            await page.GotoAsync(product);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        }
        await page.GotoAsync("/checkout");
        await Bazaar.Tests.Checkout.CheckoutBrowserTests.FillAddressAndCardAsync(page);
        await page.GetByTestId("place-order").ClickAsync();
        await Bazaar.Tests.Checkout.CheckoutBrowserTests.PayOnGatewayPageAsync(page);
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
        await store.CatchUpAlsoBoughtAsync();

        await page.GotoAsync(pathA);
        await Expect(page.Locator("[data-shelf=also-bought] .product-card-title")).ToHaveTextAsync([await TitleAsync(b.Id)]);
        await Expect(page.Locator("#reviews")).ToContainTextAsync("No reviews yet.");

        // The review: four stars; the histogram's four-star row counts it, with the verified-purchase badge.
        await page.Locator("input[name='Review.Rating'][value='4']").CheckAsync();
        await page.GetByLabel("Title").FillAsync("Solid <b>choice</b>");
        await page.GetByLabel("Your review").FillAsync("Arrived quickly and works as described.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post review" }).ClickAsync();

        await Expect(page.Locator(".rating-histogram tr[data-stars='4'] .histogram-count")).ToHaveTextAsync("1");
        await Expect(page.Locator(".rating-histogram tr[data-stars='5'] .histogram-count")).ToHaveTextAsync("0");
        await Expect(page.Locator(".review-title")).ToHaveTextAsync("Solid <b>choice</b>");
        await Expect(page.Locator(".review .badge-verified")).ToBeVisibleAsync();
        await Expect(page.Locator(".product-rating")).ToContainTextAsync("4.0 · 1 review");
        await BrowserStore.ScreenshotAsync(page, $"recommendations-{Pass}-02-reviewed");

        // Editing it to two stars moves the count between rows.
        await page.Locator("input[name='Review.Rating'][value='2']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator(".rating-histogram tr[data-stars='2'] .histogram-count")).ToHaveTextAsync("1");
        await Expect(page.Locator(".rating-histogram tr[data-stars='4'] .histogram-count")).ToHaveTextAsync("0");
    }

    private async Task<string> TitleAsync(int productId)
    {
        using var client = store.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/products/{productId}", UriKind.Relative))).RootElement.GetProperty("title").GetString()!;
    }
}
