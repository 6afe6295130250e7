using Bazaar.Tests.Fixtures;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

    // The whole page, or only what the viewport shows (a phone's first screen). Every step a test photographs is a
    // page a shopper or the admin reads, so it is also checked by axe-core first.
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        await ExpectAccessibleAsync(page);
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = fullPage });
    }

    // axe-core (Deque's engine, the one browsers' own audits use) over the page as it is now; fails on any serious or
    // critical violation, naming the rule, its help page and the elements that break it.
    public static async Task ExpectAccessibleAsync(IPage page)
    {
        IBrowserContext? copyContext = null;
        var target = page;
        if (!await RunsScriptAsync(page)) (copyContext, target) = await ScriptableCopyAsync(page);
        try
        {
            var result = await target.RunAxe();
            var blocking = result.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{v.Impact} {v.Id}: {v.Help} ({v.HelpUrl})\n" + string.Join("\n", v.Nodes.Take(5)
                    .Select(n => $"    {n.Target}: {Shorten(n.Html)}")))
                .ToList();
            if (blocking.Count > 0)
                throw new Xunit.Sdk.XunitException($"axe-core found {blocking.Count} serious or critical violation(s) on "
                    + $"{page.Url}:\n{string.Join("\n", blocking)}");
        }
        finally
        {
            if (copyContext is not null) await copyContext.DisposeAsync();
        }
    }

    // With script turned off (the no-script checkout tests) a page's timers never fire, so axe would wait forever.
    private static async Task<bool> RunsScriptAsync(IPage page)
    {
        var probe = page.EvaluateAsync<bool>("() => new Promise(done => setTimeout(() => done(true), 0))");
        _ = probe.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        return await Task.WhenAny(probe, Task.Delay(3_000)) == probe && await probe;
    }

    // The same HTML without its scripts, at the same address (so the store's styles load) in a profile that runs
    // script: what the shopper without script sees, checked by axe.
    private static async Task<(IBrowserContext, IPage)> ScriptableCopyAsync(IPage page)
    {
        var html = System.Text.RegularExpressions.Regex.Replace(await page.ContentAsync(), @"<script\b[^>]*>.*?</script>", "",
            System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var url = page.Url;
        var size = page.ViewportSize;
        var context = await page.Context.Browser!.NewContextAsync(new()
        {
            ViewportSize = size is null ? null : new() { Width = size.Width, Height = size.Height },
        });
        context.SetDefaultTimeout(10_000);
        var copy = await context.NewPageAsync();
        await copy.RouteAsync(u => u == url, route => route.FulfillAsync(new() { ContentType = "text/html; charset=utf-8", Body = html }));
        await copy.GotoAsync(url);
        return (context, copy);
    }

    private static string Shorten(string html) => html.Length <= 160 ? html : html[..160] + "…";

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
