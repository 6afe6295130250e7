using System.Text.RegularExpressions;
using Bazaar.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Search;

// A shopper in a real Chromium: types in the search box, picks a suggestion, applies and removes facets, and
// goes back.
public partial class SearchBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = Bazaar.Tests.Fixtures.TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    [GeneratedRegex("brand=")]
    private static partial Regex HasBrand();

    [GeneratedRegex(@"/search\?q=cable&price=10-40$")]
    private static partial Regex HasOwnPriceRange();

    [GeneratedRegex(@"/search\?q=cable$")]
    private static partial Regex IsCableSearch();

    [Fact]
    public async Task A_shopper_searches_picks_a_suggestion_filters_and_goes_back()
    {
        await store.WaitForIndexAsync();
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        var shot = 0;
        Task Screenshot(string step) => BrowserStore.ScreenshotAsync(page, $"search-{Pass}-{++shot:00}-{step}");

        await page.GotoAsync("/search");
        var box = page.Locator("#site-search");
        var suggestions = page.GetByTestId("suggestions");
        var product = suggestions.Locator("li.suggest-option a[href^='/p/']").First;
        // The box suggests once the page is interactive; typing before that is just typing. Under load the list
        // may first show for a shorter prefix ("le"), so wait for the products of the whole one.
        // The page turning interactive can also swallow keys typed while it does ("lexm" arriving as "lm"), and
        // close the list just shown: type again until a product suggestion for the whole prefix holds still.
        string? title = null;
        for (var attempt = 0; attempt < 10 && title is null; attempt++)
        {
            if (!await product.IsVisibleAsync() || await box.InputValueAsync() != "lexm")
            {
                await box.FillAsync("");
                await box.PressSequentiallyAsync("lexm", new() { Delay = 40 });
            }
            try { title = (await product.InnerTextAsync(new() { Timeout = 3000 })).Split('\n')[0].Trim(); }
            catch (TimeoutException) { }
        }
        Assert.NotNull(title);
        await Expect(box).ToHaveValueAsync("lexm");
        await Expect(suggestions).ToBeVisibleAsync();
        await Expect(product).ToContainTextAsync("Lexmark");
        await Expect(suggestions.GetByRole(AriaRole.Option).Filter(new() { HasText = "Lexmark" }).First).ToBeVisibleAsync();
        await Screenshot("suggestions");

        await product.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await Screenshot("product");

        await page.GotoAsync("/search?q=toner");
        var count = page.GetByTestId("result-count");
        var unfiltered = await count.InnerTextAsync();
        await Expect(page.GetByTestId("search-hit").First).ToBeVisibleAsync();
        await Screenshot("results");

        var brand = page.Locator("[data-facet='brand'] a").First;
        var brandName = (await brand.Locator("span").First.InnerTextAsync()).Trim();
        await brand.ClickAsync();
        await Expect(page).ToHaveURLAsync(HasBrand());
        var chip = page.Locator(".applied-filters a.chip-remove");
        await Expect(chip).ToContainTextAsync(brandName);
        await Expect(page.Locator("[data-facet='brand'] a[aria-checked='true']")).ToContainTextAsync(brandName);
        foreach (var hit in await page.GetByTestId("search-hit").AllAsync())
            await Expect(hit.Locator(".product-card-brand")).ToHaveTextAsync(brandName);
        await Screenshot("filtered");

        await chip.ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(HasBrand());
        await Expect(page.Locator(".applied-filters")).ToHaveCountAsync(0);
        await Expect(count).ToHaveTextAsync(unfiltered);

        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(HasBrand());
        await Expect(page.Locator(".applied-filters a.chip-remove")).ToContainTextAsync(brandName);
        await Screenshot("back");
    }

    [Fact]
    public async Task A_shopper_sets_a_price_range_of_their_own()
    {
        await store.WaitForIndexAsync();
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/search?q=cable");
        await Expect(page.GetByTestId("search-hit").First).ToBeVisibleAsync();
        await page.GetByLabel("Minimum price").FillAsync("10");
        await page.GetByLabel("Maximum price").FillAsync("40");
        await page.GetByTestId("price-range").GetByRole(AriaRole.Button, new() { Name = "Go" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(HasOwnPriceRange());
        await Expect(page.Locator(".applied-filters a.chip-remove")).ToContainTextAsync("$10 to $40");
        await Expect(page.Locator("[data-facet='price'] a[aria-checked='true']")).ToContainTextAsync("$10 to $40");
        await Expect(page.GetByLabel("Minimum price")).ToHaveValueAsync("10");
        var prices = await page.GetByTestId("search-hit").Locator(".price").AllInnerTextsAsync();
        Assert.NotEmpty(prices);
        foreach (var price in prices)
        {
            var amount = decimal.Parse(price.Trim().TrimStart('$'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(amount, 10m, 39.99m);
        }
        await BrowserStore.ScreenshotAsync(page, $"search-{Pass}-price-range");

        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(IsCableSearch());
    }

    [Fact]
    public async Task At_phone_width_results_start_on_the_first_screen_and_filters_open_in_a_drawer()
    {
        const int width = 390, height = 844;
        await store.WaitForIndexAsync();
        await using var context = await store.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        Task Screenshot(string step) => BrowserStore.ScreenshotAsync(page, $"search-mobile-{Pass}-{step}", fullPage: false);

        await page.GotoAsync("/search?q=toner");
        var first = page.GetByTestId("search-hit").First;
        await Expect(first).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Search)).ToHaveCountAsync(1);
        var top = (await first.BoundingBoxAsync())!.Y;
        Assert.True(top < height, $"The first result starts at {top} px, below the first screen ({height} px).");
        var brand = page.Locator("[data-facet='brand'] a").First;
        await Expect(brand).ToBeHiddenAsync();
        await Screenshot("01-results");

        var button = page.GetByTestId("filters-button");
        await Expect(button).ToHaveAccessibleNameAsync("Filters");
        await button.ClickAsync();
        await Expect(brand).ToBeInViewportAsync();
        var brandName = (await brand.Locator("span").First.InnerTextAsync()).Trim();
        await Screenshot("02-drawer");

        await brand.ClickAsync();
        await Expect(page).ToHaveURLAsync(HasBrand());
        await Expect(page.Locator(".applied-filters a.chip-remove")).ToContainTextAsync(brandName);
        await Expect(page.Locator("[data-facet='brand'] a").First).ToBeHiddenAsync();
        await Expect(button).ToHaveAccessibleNameAsync("Filters (1)");
        var hits = await page.GetByTestId("search-hit").AllAsync();
        Assert.NotEmpty(hits);
        foreach (var hit in hits)
            await Expect(hit.Locator(".product-card-brand")).ToHaveTextAsync(brandName);
        await Screenshot("03-filtered");

        // The drawer is a native disclosure: the keyboard opens it, and Escape closes it again.
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("filters-drawer")).ToHaveAttributeAsync("open", "");
        await Expect(button).ToHaveAccessibleNameAsync("Close filters");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("filters-drawer")).Not.ToHaveAttributeAsync("open", "");
        await Expect(button).ToBeFocusedAsync();
    }
}
