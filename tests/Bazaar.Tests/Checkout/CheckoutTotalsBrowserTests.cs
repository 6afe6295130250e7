using System.Text.RegularExpressions;
using Bazaar.Tests.Browser;
using Bazaar.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Checkout;

// No surprise totals, in a real Chromium: the checkout page shows items, shipping, tax and total for the address on
// screen before "Place the order" is enabled, with script (recomputed as the form changes) and without (rendered by
// the server); a placement whose totals went stale is refused and shows the new total.
public partial class CheckoutTotalsBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    // One unit at 9.99 with 4.99 standard shipping: Texas taxes 6.25% (0.94), California 7.25% (1.09).
    private const string TexasTotal = "$15.92";
    private const string CaliforniaTotal = "$16.07";

    [GeneratedRegex(@"/orders/(\d+)")]
    private static partial Regex OrderUrl();

    private async Task<IPage> CheckoutWithOneUnitAsync(IBrowserContext context)
    {
        var sku = await store.CreateStockedProductAsync(5);
        // The browser's own cookies: the cart is this browser's.
        Assert.True((await context.APIRequest.PostAsync("/api/cart/items", new() { DataObject = new { sku, quantity = 1 } })).Ok);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/checkout");
        return page;
    }

    [Fact]
    public async Task With_script_the_totals_follow_the_address_and_the_place_button_waits_for_them()
    {
        await using var context = await store.NewContextAsync();
        var page = await CheckoutWithOneUnitAsync(context);
        var place = page.GetByTestId("place-order");
        var total = page.GetByTestId("checkout-total");
        await Expect(place).ToBeDisabledAsync();
        await Expect(total).ToHaveTextAsync("—");
        await Expect(page.GetByTestId("checkout-items")).ToHaveTextAsync("$9.99");
        // Every time the button turns enabled, note the total on screen at that moment.
        await page.EvaluateAsync("""
            () => {
              window.enabledWith = [];
              const place = document.querySelector("[data-testid=place-order]");
              new MutationObserver(() => {
                if (!place.disabled) window.enabledWith.push(document.querySelector("[data-testid=checkout-total]").textContent.trim());
              }).observe(place, { attributes: true, attributeFilter: ["disabled"] });
            }
            """);

        await page.GetByLabel("E-mail address").FillAsync("grace@tests.local");
        await CheckoutBrowserTests.FillAddressAndCardAsync(page);

        await Expect(place).ToBeEnabledAsync();
        await Expect(total).ToHaveTextAsync(TexasTotal);
        await Expect(page.GetByTestId("checkout-shipping")).ToHaveTextAsync("$4.99");
        await Expect(page.GetByTestId("checkout-tax")).ToHaveTextAsync("$0.94");
        await BrowserStore.ScreenshotAsync(page, $"totals-{Pass}-01-texas");

        // Another state: the button is off until California's totals are on screen.
        await page.GetByLabel("State or region").FillAsync("CA");
        await page.GetByLabel("Postal code").FillAsync("95014");
        await Expect(total).ToHaveTextAsync(CaliforniaTotal);
        await Expect(place).ToBeEnabledAsync();
        var seen = await page.EvaluateAsync<string[]>("() => window.enabledWith");
        Assert.NotEmpty(seen);
        Assert.All(seen, t => Assert.Contains(t, new[] { TexasTotal, CaliforniaTotal }));
        Assert.Equal(CaliforniaTotal, seen[^1]);

        await place.ClickAsync();
        await CheckoutBrowserTests.PayOnGatewayPageAsync(page);
        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-total")).ToHaveTextAsync(CaliforniaTotal);
    }

    [Fact]
    public async Task Without_script_the_server_renders_the_totals_refuses_a_stale_placement_and_a_returning_shopper_sees_them_at_once()
    {
        await using var context = await store.Browser.NewContextAsync(new()
        {
            BaseURL = store.BaseAddress.ToString(), JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(10_000);
        await context.RouteAsync(url => !url.StartsWith(store.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal),
            route => route.AbortAsync());
        var account = await context.NewPageAsync();
        await BrowserStore.RegisterAndSignInAsync(account, $"returning-{Guid.NewGuid():N}@tests.local", "buyer-password-1");

        var page = await CheckoutWithOneUnitAsync(context);
        var place = page.GetByTestId("place-order");
        var total = page.GetByTestId("checkout-total");
        await Expect(place).ToBeDisabledAsync();
        await CheckoutBrowserTests.FillAddressAndCardAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Update the totals" }).ClickAsync();
        await Expect(total).ToHaveTextAsync(TexasTotal);
        await Expect(place).ToBeEnabledAsync();

        // The address changes but the totals on screen are Texas's: the placement is refused and shows the new ones.
        var before = await store.OrderCountAsync();
        await page.GetByLabel("State or region").FillAsync("CA");
        await page.GetByLabel("Postal code").FillAsync("95014");
        await place.ClickAsync();
        await Expect(page.GetByTestId("checkout-problems")).ToContainTextAsync("The total is now 16.07 USD");
        await Expect(total).ToHaveTextAsync(CaliforniaTotal);
        await BrowserStore.ScreenshotAsync(page, $"totals-{Pass}-02-stale-refused");
        Assert.Equal(before, await store.OrderCountAsync());

        await place.ClickAsync();
        await CheckoutBrowserTests.PayOnGatewayPageAsync(page);
        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-total")).ToHaveTextAsync(CaliforniaTotal);

        // Back with a new cart: the saved address is filled in and its totals show before anything else is done.
        var again = await CheckoutWithOneUnitAsync(context);
        await Expect(again.GetByLabel("State or region")).ToHaveValueAsync("CA");
        await Expect(again.GetByTestId("checkout-shipping")).ToHaveTextAsync("$4.99");
        await Expect(again.GetByTestId("checkout-tax")).ToHaveTextAsync("$1.09");
        await Expect(again.GetByTestId("checkout-total")).ToHaveTextAsync(CaliforniaTotal);
        await Expect(again.GetByTestId("place-order")).ToBeEnabledAsync();
        await BrowserStore.ScreenshotAsync(again, $"totals-{Pass}-03-returning");
    }
}
