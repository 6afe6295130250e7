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

    [Fact]
    public async Task A_cart_quantity_of_zero_removes_the_line_and_says_so_with_a_way_back()
    {
        var sku = await store.CreateStockedProductAsync(3);
        await using var context = await store.NewContextAsync();
        Assert.True((await context.APIRequest.PostAsync("/api/cart/items", new() { DataObject = new { sku, quantity = 1 } })).Ok);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/cart");
        var line = page.Locator($"li.cart-line[data-sku='{sku}']");
        await line.GetByLabel("Quantity").FillAsync("0");
        await line.GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();

        var notice = page.GetByTestId("removed-notice");
        await Expect(notice).ToContainTextAsync("Removed “");
        await Expect(notice.GetByRole(AriaRole.Link, new() { Name = "Add it again" }))
            .ToHaveAttributeAsync("href", "/p/" + await SlugOfAsync(sku));
        await Expect(line).ToHaveCountAsync(0);
        Assert.Equal(0, (await store.StockOfAsync(sku)).Reserved);
        await BrowserStore.ScreenshotAsync(page, $"cart-{Pass}-quantity-zero");
    }

    [Fact]
    public async Task The_no_results_tips_read_as_one_left_aligned_list_down_the_page()
    {
        await Bazaar.Tests.Search.SearchWaits.WaitForIndexAsync(store);
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/search?q=qqxzvw");
        var tips = page.GetByTestId("no-results-tips").Locator("li");
        await Expect(tips.First).ToBeVisibleAsync();

        var boxes = new List<LocatorBoundingBoxResult>();
        for (var i = 0; i < await tips.CountAsync(); i++) boxes.Add((await tips.Nth(i).BoundingBoxAsync())!);
        Assert.True(boxes.Count >= 2, $"{boxes.Count} tips");
        Assert.All(boxes, b => Assert.Equal(boxes[0].X, b.X, 0.5));
        Assert.True(boxes.Zip(boxes.Skip(1)).All(p => p.Second.Y > p.First.Y), "The tips are not one under another.");
        Assert.Contains(await tips.First.EvaluateAsync<string>("li => getComputedStyle(li).textAlign"), new[] { "left", "start" });
        Assert.Equal("list-item", await tips.First.EvaluateAsync<string>("li => getComputedStyle(li).display"));
        await BrowserStore.ScreenshotAsync(page, $"search-{Pass}-no-results");
    }

    [Fact]
    public async Task The_home_search_and_product_pages_log_no_console_errors_and_load_no_plain_http_images()
    {
        await Bazaar.Tests.Search.SearchWaits.WaitForIndexAsync(store);
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add($"{page.Url}: {m.Text}"); };
        page.PageError += (_, e) => { lock (errors) errors.Add($"{page.Url}: {e}"); };
        var plainHttp = new List<string>();
        page.Request += (_, r) => { if (r.Url.StartsWith("http://", StringComparison.Ordinal) && !r.Url.StartsWith(store.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)) lock (plainHttp) plainHttp.Add(r.Url); };

        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.GotoAsync("/search?q=toner", new() { WaitUntil = WaitUntilState.NetworkIdle });
        // The first row loads at once; lazy loading is for what is below the fold.
        var loading = await page.GetByTestId("results").Locator("img").EvaluateAllAsync<string[]>("imgs => imgs.map(i => i.loading)");
        Assert.Equal("eager", loading[0]);
        Assert.All(loading.Skip(4), l => Assert.Equal("lazy", l));
        var product = await page.GetByTestId("results").Locator("a[href^='/p/']").First.GetAttributeAsync("href");
        await page.GotoAsync(product!, new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.Locator(".gallery-main img")).ToHaveJSPropertyAsync("complete", true);

        var images = await page.Locator("img").EvaluateAllAsync<string[]>("imgs => imgs.map(i => i.getAttribute('src'))");
        Assert.All(images, src => Assert.StartsWith("/", src));
        Assert.All(await page.Locator("img").EvaluateAllAsync<string[]>(
            "imgs => imgs.filter(i => !i.getAttribute('width') || !i.getAttribute('height')).map(i => i.outerHTML)"), html => Assert.Fail("No size: " + html));
        lock (errors) Assert.True(errors.Count == 0, string.Join("\n", errors));
        lock (plainHttp) Assert.True(plainHttp.Count == 0, "Plain-http requests to other hosts: " + string.Join(", ", plainHttp.Take(5)));
    }

    private async Task<string> SlugOfAsync(string sku)
    {
        await using var scope = store.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>();
        var id = await catalog.FindProductIdBySkuAsync(sku) ?? throw new InvalidOperationException($"No product has SKU {sku}.");
        return (await catalog.GetProductAsync(id))!.Slug;
    }
}
