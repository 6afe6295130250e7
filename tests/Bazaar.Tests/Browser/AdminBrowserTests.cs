using System.Text.RegularExpressions;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bazaar.Tests.Browser;

// The shop owner's back office in a real Chromium: the dashboard's charts, lists that search, sort and page, a
// customer found and disabled, a trust page written and shown, an invoice printed; screenshots of each step.
public partial class AdminBrowserTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    private static readonly string Pass = TestDatabase.UsesPostgres ? "postgres" : "sqlite";

    [GeneratedRegex(@"sort=-?price")]
    private static partial Regex SortedByPrice();

    [Fact]
    public async Task An_admin_reads_the_dashboard_searches_the_lists_disables_a_customer_writes_a_page_and_prints_an_invoice()
    {
        var sku = await store.CreateStockedProductAsync(12);
        using (var buyer = await store.ShopperWithCartAsync(sku, 2))
            Assert.Equal(System.Net.HttpStatusCode.Created, (await buyer.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
        await using var shopperContext = await store.NewContextAsync();
        var shopper = await shopperContext.NewPageAsync();
        var email = $"admin-flow-{Guid.NewGuid():N}@tests.local";
        await BrowserStore.RegisterAndSignInAsync(shopper, email, "browser-password-1");

        await using var context = await store.NewContextAsync();
        var admin = await store.AdminPageAsync(context);
        admin.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        var shot = 0;
        Task Screenshot(string step) => BrowserStore.ScreenshotAsync(admin, $"admin-{Pass}-{++shot:00}-{step}");

        await admin.GotoAsync("/admin?days=7");
        await Expect(admin.Locator("h1")).ToHaveTextAsync("Back office");
        await Expect(admin.Locator("svg#revenue-chart")).ToBeVisibleAsync();
        await Expect(admin.Locator("svg#orders-chart")).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-figure=orders]")).Not.ToHaveTextAsync("0");
        await Screenshot("dashboard");

        await admin.GotoAsync("/admin/products");
        await admin.GetByLabel("Title, SKU, EAN or brand").FillAsync("Flash sale");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(admin.Locator("table.admin-table tbody tr").First).ToContainTextAsync("Flash sale");
        await admin.Locator("thead").GetByRole(AriaRole.Link, new() { Name = "Price" }).ClickAsync();
        await admin.WaitForURLAsync(SortedByPrice());
        Assert.Contains("q=Flash", admin.Url, StringComparison.Ordinal);
        await Screenshot("products-searched-and-sorted");

        await admin.GotoAsync("/admin/stock?state=low");
        await Expect(admin.GetByTestId("stock-list")).ToBeVisibleAsync();
        await Screenshot("stock-low");

        await admin.GotoAsync("/admin/orders?sort=-total");
        await Expect(admin.GetByTestId("admin-orders").Locator("tbody tr").First).ToBeVisibleAsync();
        await Screenshot("orders-by-total");

        await admin.GotoAsync("/admin/customers");
        await admin.GetByLabel("Name or e-mail").FillAsync(email);
        await admin.Locator("#main").GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await admin.GetByTestId("customers").Locator("tbody a").First.ClickAsync();
        await Expect(admin.GetByTestId("account-state")).ToHaveTextAsync("Active");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable account" }).ClickAsync();
        await Expect(admin.GetByTestId("account-state")).ToContainTextAsync("Disabled");
        await Screenshot("customer-disabled");

        await admin.GotoAsync("/admin/pages");
        await admin.GetByTestId("store-pages").GetByRole(AriaRole.Link, new() { Name = "About us" }).ClickAsync();
        await admin.GetByLabel("Title", new() { Exact = true }).FillAsync("About our shop");
        await admin.GetByLabel("Text", new() { Exact = true }).FillAsync("## Since 1987\n\nA family shop. <b>Bold?</b>\n\n- Friendly\n- Fast");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save page" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await Screenshot("page-edited");
        await shopper.GotoAsync("/");
        await shopper.Locator("footer").GetByRole(AriaRole.Link, new() { Name = "About us" }).ClickAsync();
        await Expect(shopper.Locator("h1")).ToHaveTextAsync("About our shop");
        await Expect(shopper.Locator(".store-page")).ToContainTextAsync("<b>Bold?</b>");
        await BrowserStore.ScreenshotAsync(shopper, $"admin-{Pass}-{++shot:00}-about-page-for-shoppers");

        await admin.GotoAsync("/admin/orders?sort=-placed");
        await admin.GetByTestId("admin-orders").Locator("tbody a").First.ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Invoice" }).ClickAsync();
        await Expect(admin.GetByTestId("invoice-number")).ToHaveTextAsync(new Regex(@"^INV-\d{6}$"));
        await Expect(admin.Locator(".site-header")).ToHaveCountAsync(0);
        await admin.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(admin.Locator(".print-actions")).ToBeHiddenAsync();
        await Screenshot("invoice-print");
    }

    [Fact]
    public async Task An_admin_writes_specifications_in_rows_and_a_bad_number_is_named_by_its_row_and_nothing_saved()
    {
        var sku = await store.CreateStockedProductAsync(1);
        int id;
        await using (var scope = store.Services.CreateAsyncScope())
            id = (await scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>()
                .FindProductIdBySkuAsync(sku))!.Value;
        await using var context = await store.NewContextAsync();
        var admin = await store.AdminPageAsync(context);

        await admin.GotoAsync($"/admin/products/{id}");
        var rows = admin.GetByTestId("spec-rows").Locator("tbody tr");
        var before = await rows.CountAsync();
        await admin.GetByTestId("more-spec-rows").ClickAsync();
        await Expect(rows).ToHaveCountAsync(before + 3);
        await admin.Locator("#spec-key-0").FillAsync("screen_size");
        await admin.Locator("#spec-name-0").FillAsync("Screen size");
        await admin.Locator("#spec-kind-0").SelectOptionAsync("number");
        await admin.Locator("#spec-value-0").FillAsync("big");
        await admin.Locator("#spec-key-1").FillAsync("touch");
        await admin.Locator("#spec-kind-1").SelectOptionAsync("boolean");
        await admin.Locator("#spec-value-1").FillAsync("yes");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Alert).First).ToBeVisibleAsync();
        await Expect(admin.Locator("#main")).ToContainTextAsync("Row 1: 'big' is not a number.");
        // The rows come back as typed, kinds included, so that correcting the value is all the owner does.
        await Expect(admin.Locator("#spec-kind-0")).ToHaveValueAsync("number");
        await Expect(admin.Locator("#spec-kind-1")).ToHaveValueAsync("boolean");
        await BrowserStore.ScreenshotAsync(admin, $"admin-{Pass}-specs-bad-row");
        Assert.Empty((await ProductAsync(id)).Attributes);

        await admin.Locator("#spec-value-0").FillAsync("15.6");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await admin.WaitForURLAsync(new Regex(@"/admin/products\?saved="));
        var saved = (await ProductAsync(id)).Attributes.ToDictionary(a => a.Key);
        Assert.Equal(2, saved.Count);
        var size = saved["screen_size"];
        Assert.Equal(("Screen size", "number"), (size.Name, size.Kind));
        Assert.Equal(15.6m, decimal.Parse(size.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("boolean", saved["touch"].Kind);

        await admin.GotoAsync($"/admin/products/{id}");
        await Expect(admin.Locator("#spec-key-0")).ToHaveValueAsync("screen_size");
        await Expect(admin.Locator("#spec-kind-0")).ToHaveValueAsync("number");
        await Expect(admin.Locator("#spec-kind-1")).ToHaveValueAsync("boolean");
        await Expect(admin.Locator("#spec-value-1")).ToHaveValueAsync("yes");
    }

    private async Task<Bazaar.Catalog.ProductDetails> ProductAsync(int id)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<Bazaar.Catalog.Catalog>().GetProductAsync(id))!;
    }
}
