using System.Text.RegularExpressions;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Browser;

// Shoppers in a real Chromium against the real store on a real port and database.
public partial class StorefrontBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = Bazaar.Tests.Fixtures.TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    [GeneratedRegex(@"\$\d[\d,]*\.\d\d")]
    private static partial Regex Dollars();

    [GeneratedRegex(@"\d+ (min \d+ s|s) left")]
    private static partial Regex CountingDown();

    [Fact]
    public async Task A_shopper_browses_to_a_product_registers_signs_in_signs_out_and_signs_in_again()
    {
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        var shot = 0;
        Task Screenshot(string step) => BrowserStore.ScreenshotAsync(page, $"journey-{Pass}-{++shot:00}-{step}");

        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToContainTextAsync("Everything for work and home");
        var department = page.Locator(".departments-bar a:not(.departments-all)").First;
        var departmentName = (await department.InnerTextAsync()).Trim();
        await Screenshot("home");

        await department.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(departmentName);
        var category = page.Locator(".chips a.chip").First;
        var categoryName = (await category.EvaluateAsync<string>("a => a.firstChild.textContent")).Trim();
        await Screenshot("department");

        await category.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(categoryName);
        await Expect(page.Locator(".breadcrumbs")).ToContainTextAsync(departmentName);
        var product = page.Locator(".product-card-title a").First;
        var productTitle = (await product.InnerTextAsync()).Trim();
        await Screenshot("category");

        await product.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(productTitle);
        await Expect(page.Locator(".product-summary .price-large")).ToHaveTextAsync(Dollars());
        await Expect(page.Locator("table.specs")).ToBeVisibleAsync();
        Assert.True(await page.Locator("table.specs tr").CountAsync() > 0);
        await Expect(page.GetByTestId("stock")).ToHaveTextAsync(new Regex("In stock|Only \\d+ left|Out of stock|Back-order"));
        await Screenshot("product");

        var email = $"browser-{Guid.NewGuid():N}@tests.local";
        const string password = "browser-password-1";
        await page.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Display name").FillAsync("Browser Shopper");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await Screenshot("register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check your e-mail");
        await Screenshot("registered");
        await page.Locator(".auth-card").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var accountName = page.Locator(".account-menu .account-name");
        await Expect(accountName).ToContainTextAsync("Browser Shopper");

        await page.Locator(".account-menu").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator(".account-menu").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(accountName).ToHaveCountAsync(0);
        await Screenshot("signed-out");

        await page.Locator(".account-menu").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(accountName).ToContainTextAsync("Browser Shopper");
        await Screenshot("signed-in");
    }

    [Fact]
    public async Task A_hold_in_one_browser_shows_in_the_cart_and_in_the_live_stock_of_another()
    {
        var sku = await store.CreateStockedProductAsync(3);
        var slug = await SlugOfAsync(sku);

        await using var watcherContext = await store.NewContextAsync();
        var watcher = await watcherContext.NewPageAsync();
        await watcher.GotoAsync($"/p/{slug}");
        var stock = watcher.GetByTestId("stock");
        await Expect(stock).ToContainTextAsync("In stock");
        await BrowserStore.ScreenshotAsync(watcher, $"holds-{Pass}-1-watcher-before");

        await using var buyerContext = await store.NewContextAsync(390, 844);
        var buyer = await buyerContext.NewPageAsync();
        await buyer.GotoAsync($"/p/{slug}");
        await buyer.GetByLabel("Quantity").SelectOptionAsync("1");
        await buyer.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await buyer.WaitForURLAsync(new Regex("/cart"));
        var line = buyer.Locator($"li.cart-line[data-sku='{sku}']");
        await Expect(line.GetByTestId("hold")).ToContainTextAsync("Held for you until");
        await Expect(buyer.GetByTestId("cart-count")).ToContainTextAsync("1");
        var countdown = line.GetByTestId("countdown");
        await Expect(countdown).ToHaveTextAsync(CountingDown());
        var first = await countdown.InnerTextAsync();
        await Expect(countdown).Not.ToHaveTextAsync(first, new() { Timeout = 3_000 });
        await BrowserStore.ScreenshotAsync(buyer, $"holds-{Pass}-2-buyer-cart");
        Assert.Equal(1, (await store.StockOfAsync(sku)).Reserved);

        // No reload: the island reads the database every 2 s.
        await Expect(stock).ToHaveTextAsync("Only 2 left", new() { Timeout = 5_000 });
        await BrowserStore.ScreenshotAsync(watcher, $"holds-{Pass}-3-watcher-after");
    }

    private async Task<string> SlugOfAsync(string sku)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
        var id = await catalog.FindProductIdBySkuAsync(sku) ?? throw new InvalidOperationException($"No product has SKU {sku}.");
        return (await catalog.GetProductAsync(id))!.Slug;
    }
}
