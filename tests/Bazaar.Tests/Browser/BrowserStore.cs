using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bazaar.Tests.Browser;

// The real store on a real port (Kestrel, a free loopback port) plus a headless Chromium to drive it.
// Uses the system Chromium; Playwright never downloads a browser here.
public sealed class BrowserStore : StoreFactory
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserStore() => UseKestrel(0);

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not been started.");

    public static string ScreenshotDirectory { get; } =
        Path.Combine(Environment.GetEnvironmentVariable("BAZAAR_TEST_OUTPUT") ?? Path.GetTempPath(), "screenshots");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Kestrel may report a wildcard host; the browser talks to loopback.
        BaseAddress = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Outside Development the host serves only published assets; a browser needs blazor.web.js and app.css
        // from the build output, as `dotnet run` serves them.
        builder.UseStaticWebAssets();
    }

    // A fresh browser profile (its own cookies, so its own cart) that only ever talks to this store: catalogue
    // images on remote hosts are refused at once, so pages show their placeholders without waiting on a network.
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(10_000);
        await context.RouteAsync(url => !url.StartsWith(BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal),
            route => route.AbortAsync());
        return context;
    }

    // A page in its own browser profile, signed in as the store's admin through the sign-in form.
    public async Task<IPage> AdminPageAsync(IBrowserContext context)
    {
        var admin = await context.NewPageAsync();
        await admin.GotoAsync("/account/sign-in");
        await admin.GetByLabel("E-mail address").FillAsync(AdminEmail);
        await admin.GetByLabel("Password").FillAsync(AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
        return admin;
    }

    // Creates an account through the register page, then signs in through the sign-in page, as a new shopper does
    // (registering answers "check your e-mail" and signs nobody in).
    public static async Task RegisterAndSignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/register");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).GetByText("Check your e-mail").WaitForAsync();
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
    }

    // The whole page, or only what the viewport shows (a phone's first screen).
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = fullPage });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
