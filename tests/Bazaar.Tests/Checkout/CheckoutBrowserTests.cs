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
    }

    // After "Continue to payment": the sandbox gateway's own page, where the card is typed.
    internal static async Task PayOnGatewayPageAsync(IPage page, string number = "4242 4242 4242 4242")
    {
        await page.WaitForURLAsync(url => url.Contains("/sandbox-gateway/pay/", StringComparison.Ordinal));
        await page.GetByLabel("Card number").FillAsync(number);
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync((DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Security code").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
    }

    [Fact]
    public async Task The_card_is_typed_on_the_gateway_page_and_no_request_to_the_store_carries_it()
    {
        var sku = await store.CreateStockedProductAsync(5);
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        var requests = new List<(string Url, string Body)>();
        // The body of what the page posts (a GET that follows a redirect sends none).
        page.Request += (_, r) => { lock (requests) requests.Add((r.Url, r.Method == "POST" ? r.PostData ?? "" : "")); };

        await page.GotoAsync(await ProductPathAsync(sku));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GotoAsync("/checkout");
        Assert.Equal(0, await page.Locator("input[autocomplete^=cc-]").CountAsync());
        await page.GetByLabel("E-mail address").FillAsync("ada@tests.local");
        await FillAddressAndCardAsync(page);
        await page.GetByTestId("place-order").ClickAsync();
        await PayOnGatewayPageAsync(page, "4000 0000 0000 0002");
        await Expect(page.GetByTestId("sandbox-problem")).ToContainTextAsync("declined");
        // The page does not write the typed card back (its hint lists the test cards, so look at the fields).
        Assert.Equal(("", ""), (await page.GetByLabel("Card number").InputValueAsync(), await page.GetByLabel("Security code").InputValueAsync()));
        await BrowserStore.ScreenshotAsync(page, $"checkout-{Pass}-gateway-declined");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync((DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Security code").FillAsync("737");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
        List<(string Url, string Body)> seen;
        lock (requests) seen = [.. requests];
        static bool CarriesCard(string text) => new[] { "4242424242424242", "4000000000000002", "cvc=737", "cvc=", "expiryYear=" }.Any(c =>
            Uri.UnescapeDataString(text.Replace('+', ' ')).Replace(" ", "", StringComparison.Ordinal).Contains(c, StringComparison.OrdinalIgnoreCase));
        var toGateway = seen.Where(r => new Uri(r.Url).AbsolutePath.StartsWith("/sandbox-gateway/", StringComparison.Ordinal)).ToList();
        var toStore = seen.Except(toGateway).ToList();
        Assert.Contains(toGateway, r => CarriesCard(r.Body));
        var leaks = toStore.Where(r => CarriesCard(r.Body) || CarriesCard(new Uri(r.Url).Query)).Select(r => r.Url).ToList();
        Assert.True(leaks.Count == 0, "card data sent to the store: " + string.Join(", ", leaks));
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
        await PayOnGatewayPageAsync(page);

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
        await PayOnGatewayPageAsync(page);

        await Expect(page).ToHaveURLAsync(OrderUrl());
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Paid");
        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-history").Locator("tbody tr")).ToHaveCountAsync(1);
        await BrowserStore.ExpectAccessibleAsync(page);
        await page.GotoAsync("/checkout");
        await Expect(page.Locator("main")).ToContainTextAsync("Your cart is empty");
    }
}
