using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Tests.Browser;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Checkout;

// The whole path in a real Chromium: a product page, the cart, checkout as a guest and as a signed-in shopper, the
// order page with its timeline, and the back office shipping it.
public partial class CheckoutBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    [GeneratedRegex(@"/orders/(\d+)")]
    private static partial Regex OrderUrl();

    private async Task<string> ProductPathAsync(string sku)
    {
        var id = await store.WithAsync(sp => sp.GetRequiredService<Bazaar.Catalog.Catalog>().FindProductIdBySkuAsync(sku));
        using var client = store.CreateClient();
        var product = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/products/{id}", UriKind.Relative))).RootElement;
        return "/p/" + product.GetProperty("slug").GetString();
    }

    internal static async Task FillAddressAndCardAsync(IPage page)
    {
        await page.GetByLabel("Full name").FillAsync("Grace Hopper");
        await page.GetByLabel("Street address").FillAsync("1 Navy Way");
        await page.GetByLabel("City").FillAsync("Arlington");
        await page.GetByLabel("State or region").FillAsync("TX");
        await page.GetByLabel("Postal code").FillAsync("76010");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Security code").FillAsync("123");
    }

    [Fact]
    public async Task A_guest_buys_sees_the_timeline_and_an_admin_ships_the_order()
    {
        var sku = await store.CreateStockedProductAsync(5);
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(await ProductPathAsync(sku));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GotoAsync("/checkout");
        await page.GetByLabel("E-mail address").FillAsync("grace@tests.local");
        await FillAddressAndCardAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Update the totals" }).ClickAsync();
        await Expect(page.GetByTestId("checkout-total")).ToContainTextAsync("15.92");
        await BrowserStore.ScreenshotAsync(page, $"checkout-{Pass}-01-summary");
        await page.GetByTestId("place-order").ClickAsync();

        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
        await Expect(page.GetByTestId("order-timeline").Locator("li")).ToHaveCountAsync(2);
        await BrowserStore.ScreenshotAsync(page, $"checkout-{Pass}-02-order");
        var orderId = OrderUrl().Match(page.Url).Groups[1].Value;
        Assert.Equal((4, 0), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));

        await using var adminContext = await store.NewContextAsync();
        var admin = await store.AdminPageAsync(adminContext);
        await admin.GotoAsync($"/admin/orders/{orderId}");
        await admin.GetByTestId("admin-ship").ClickAsync();
        await Expect(admin.GetByTestId("order-status")).ToContainTextAsync("Shipped");
        await BrowserStore.ScreenshotAsync(admin, $"checkout-{Pass}-03-admin-shipped");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Shipped");
        await Expect(page.GetByTestId("order-timeline")).ToContainTextAsync("ShipRest by admin:");
    }

    [Fact]
    public async Task A_signed_in_shopper_checks_out_and_finds_the_order_in_the_history()
    {
        var sku = await store.CreateStockedProductAsync(5);
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        await BrowserStore.RegisterAndSignInAsync(page, $"buyer-{Guid.NewGuid():N}@tests.local", "buyer-password-1");

        await page.GotoAsync(await ProductPathAsync(sku));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GotoAsync("/checkout");
        await FillAddressAndCardAsync(page);
        await page.GetByTestId("place-order").ClickAsync();

        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-history").Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GotoAsync("/checkout");
        await Expect(page.Locator("main")).ToContainTextAsync("Your cart is empty");
    }
}
