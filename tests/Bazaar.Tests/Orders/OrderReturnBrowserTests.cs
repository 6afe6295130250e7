using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Browser;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Orders;

// A partial return in a real Chromium: the shopper sends back one of two units from the order page, the back office
// receives that one unit on the admin page; the stock and the refund follow, and both order lists show the order.
public class OrderReturnBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    [Fact]
    public async Task A_shopper_returns_one_of_two_units_and_the_back_office_receives_it()
    {
        var sku = await store.CreateStockedProductAsync(5);
        await using var context = await store.NewContextAsync();
        // The browser's own cookies: the API calls below shop as this browser's guest.
        Assert.True((await context.APIRequest.PostAsync("/api/cart/items", new() { DataObject = new { sku, quantity = 2 } })).Ok);
        var placed = await context.APIRequest.PostAsync("/api/checkout", new()
        {
            DataObject = CheckoutScenario.Body(),
            Headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() },
        });
        Assert.Equal(202, placed.Status);
        var id = (await placed.JsonAsync())!.Value.GetProperty("orderId").GetInt64();
        // The card on the gateway's page; its redirect back to the store (followed) places the order.
        var card = context.APIRequest.CreateFormData();
        card.Set("number", "4242424242424242");
        card.Set("expiryMonth", "12");
        card.Set("expiryYear", (DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        card.Set("cvc", "123");
        var paid = await context.APIRequest.PostAsync((await placed.JsonAsync())!.Value.GetProperty("paymentUrl").GetString()!, new() { Form = card });
        Assert.True(paid.Ok, $"the gateway page answered {paid.Status}");
        using (var api = await store.CreateAdminClientAsync())
        {
            (await api.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();
            (await api.PostAsJsonAsync($"/api/admin/orders/{id}/deliver", new { })).EnsureSuccessStatusCode();
        }

        var page = await context.NewPageAsync();
        await page.GotoAsync("/orders");
        await Expect(page.GetByTestId("order-history").Locator("tbody tr")).ToHaveCountAsync(1);
        await BrowserStore.ScreenshotAsync(page, $"orders-{Pass}-01-history");
        await page.GotoAsync($"/orders/{id}");
        await page.GetByLabel("units to return").FillAsync("1");
        await page.GetByLabel("Why are you sending it back?").FillAsync("one is enough");
        await page.GetByTestId("return-form").ScreenshotAsync(new() { Path = Path.Combine(BrowserStore.ScreenshotDirectory, $"orders-{Pass}-02-return-form.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a return" }).ClickAsync();
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Return requested");
        await Expect(page.GetByTestId("order-timeline")).ToContainTextAsync($"one is enough (1 x {sku})");
        await BrowserStore.ScreenshotAsync(page, $"orders-{Pass}-03-return-requested");

        await using var adminContext = await store.NewContextAsync();
        var admin = await store.AdminPageAsync(adminContext);
        await admin.GotoAsync("/admin/orders");
        await Expect(admin.GetByTestId("admin-orders").Locator("tbody tr").First).ToBeVisibleAsync();
        await BrowserStore.ScreenshotAsync(admin, $"orders-{Pass}-04-admin-list");
        await admin.GotoAsync($"/admin/orders/{id}");
        await admin.GetByLabel($"{sku} received").FillAsync("1");
        await BrowserStore.ScreenshotAsync(admin, $"orders-{Pass}-05-admin-receiving");
        await admin.GetByTestId("admin-accept-return").ClickAsync();

        await Expect(admin.GetByTestId("order-status")).ToContainTextAsync("Partly refunded");
        await BrowserStore.ScreenshotAsync(admin, $"orders-{Pass}-06-admin-return-received");
        Assert.Equal(4, (await store.StockOfAsync(sku)).OnHand);
        // 9.99 with half the 4.99 shipping (2.49) and half the 1.81 tax (0.90), cut down to the cent: the second unit
        // carries the remainders.
        Assert.Equal(13.38m, (await store.PaymentOfAsync(id))!.Refunded);
        Assert.Empty(await store.FullAuditAsync());
    }
}
