using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;

namespace Bazaar.Tests.Payments;

// The sandbox takes no money: outside Development a store without a gateway named on purpose refuses to start.
public class SandboxEnvironmentTests
{
    private sealed class ProductionStore : StoreFactory
    {
        public ProductionStore(string? gateway)
        {
            With("Payments:Gateway", gateway);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    private static string Messages(Exception e) =>
        e is AggregateException a ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Messages)) : e.Message + (e.InnerException is { } i ? " | " + Messages(i) : "");

    [Fact]
    public async Task Production_without_a_gateway_named_refuses_to_start_and_names_the_setting()
    {
        await using var store = new ProductionStore(gateway: "");

        var refused = await Assert.ThrowsAnyAsync<Exception>(async () => await store.InitializeAsync());

        Assert.Contains("Payments:Gateway", Messages(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_with_the_sandbox_named_starts_and_serves_its_page()
    {
        await using var store = new ProductionStore(gateway: "Sandbox");
        await store.InitializeAsync();
        using var client = store.CreateClient();

        var page = await client.GetAsync(new Uri("/sandbox-gateway/pay/sbpay_unknown", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Sandbox payments", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
