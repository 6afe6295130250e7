using Microsoft.Playwright;

namespace Bazaar.Tests.Browser;

// The axe check every browser test runs must itself fail where a shopper would be stuck: a page it passes is only
// worth something if a page with a real barrier does not pass.
public class AccessibilityCheckTests(BrowserStore store) : IClassFixture<BrowserStore>
{
    [Fact]
    public async Task The_axe_check_fails_a_page_with_an_unnamed_button_and_passes_the_same_page_once_named()
    {
        await using var context = await store.NewContextAsync();
        var page = await context.NewPageAsync();
        const string Shell = "<!doctype html><html lang=en><head><title>t</title></head><body><main><h1>t</h1>{0}</main></body></html>";

        await page.SetContentAsync(string.Format(Shell, "<button></button>"));
        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => BrowserStore.ExpectAccessibleAsync(page));
        Assert.Contains("button-name", failure.Message, StringComparison.Ordinal);

        await page.SetContentAsync(string.Format(Shell, "<button>Add to cart</button>"));
        await BrowserStore.ExpectAccessibleAsync(page);
    }
}
