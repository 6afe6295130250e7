using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Inventory;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.BackOffice;

// The dashboard's figures against a hand-checked set of orders placed on known days (a fake clock).
public class DashboardTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day0 = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-3).AddHours(10);
    private readonly FakeTimeProvider _clock = new(Day0);
    private readonly StoreFactory _store;

    public DashboardTests()
    {
        _store = new BackOfficeStore().WithServices(s =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            s.Remove(s.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ExpiredReservationSweeper)));
        });
    }

    public ValueTask InitializeAsync() => _store.InitializeAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static string Iso(DateTimeOffset day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task BuyAsync(string sku, int units)
    {
        using var shopper = await _store.ShopperWithCartAsync(sku, units);
        Assert.Equal(HttpStatusCode.Created, (await shopper.CheckOutAsync(CheckoutScenario.Body())).StatusCode);
    }

    [Fact]
    public async Task Revenue_orders_average_conversion_top_products_and_holds_match_the_hand_checked_orders()
    {
        var sku = await _store.CreateStockedProductAsync(50);
        var other = await _store.CreateStockedProductAsync(50);
        await BuyAsync(sku, 2);
        await BuyAsync(other, 1);
        _clock.Advance(TimeSpan.FromDays(1));
        await BuyAsync(sku, 3);
        using var browser = await _store.ShopperWithCartAsync(other, 1);
        using var admin = await _store.CreateAdminClientAsync();

        var figures = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/dashboard?from={Iso(Day0)}&to={Iso(Day0.AddDays(2))}");

        // By hand: 9.99 a unit, 4.99 shipping under 50, 7.25% tax on goods and shipping.
        // 2 units: 19.98 + 4.99 = 24.97, tax 1.81 -> 26.78; 1 unit: 14.98, tax 1.09 -> 16.07; 3 units: 34.96, tax 2.53 -> 37.49.
        Assert.Equal((26.78m, 16.07m, 37.49m), (CheckoutScenario.TotalFor(2), CheckoutScenario.TotalFor(1), CheckoutScenario.TotalFor(3)));
        Assert.Equal(3, figures.GetProperty("orders").GetInt32());
        Assert.Equal(80.34m, figures.GetProperty("revenue").GetDecimal());
        Assert.Equal(26.78m, figures.GetProperty("averageOrderValue").GetDecimal());
        var days = figures.GetProperty("days").EnumerateArray()
            .Select(d => (d.GetProperty("day").GetString(), d.GetProperty("orders").GetInt32(), d.GetProperty("revenue").GetDecimal())).ToList();
        Assert.Equal([(Iso(Day0), 2, 42.85m), (Iso(Day0.AddDays(1)), 1, 37.49m), (Iso(Day0.AddDays(2)), 0, 0m)], days);
        // Four shoppers took holds; three of them placed paid orders.
        Assert.Equal((4, 3, 0.75), (figures.GetProperty("carts").GetInt32(), figures.GetProperty("cartsOrdered").GetInt32(),
            figures.GetProperty("conversion").GetDouble()));
        var top = figures.GetProperty("topProducts").EnumerateArray().Select(p => (p.GetProperty("units").GetInt32(), p.GetProperty("revenue").GetDecimal()))
            .ToList();
        Assert.Equal([(5, 49.95m), (1, 9.99m)], top);
        Assert.Equal((1, 0, 1), (figures.GetProperty("holdsActive").GetInt32(), figures.GetProperty("holdsExpiring").GetInt32(),
            figures.GetProperty("unitsHeld").GetInt32()));

        _clock.Advance(TimeSpan.FromMinutes(26));
        var later = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/dashboard?from={Iso(Day0)}&to={Iso(Day0.AddDays(2))}");
        Assert.Equal((1, 1), (later.GetProperty("holdsActive").GetInt32(), later.GetProperty("holdsExpiring").GetInt32()));
        var firstDay = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/dashboard?from={Iso(Day0)}&to={Iso(Day0)}");
        Assert.Equal((2, 42.85m), (firstDay.GetProperty("orders").GetInt32(), firstDay.GetProperty("revenue").GetDecimal()));

        var page = await admin.GetStringAsync(new Uri($"/admin?from={Iso(Day0)}&to={Iso(Day0.AddDays(2))}", UriKind.Relative));
        Assert.Contains("data-figure=\"revenue\">$80.34<", page, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\" id=\"revenue-chart\" role=\"img\"", page, StringComparison.Ordinal);
        Assert.Contains("<title id=\"revenue-chart-title\">Revenue per day</title>", page, StringComparison.Ordinal);
        Assert.Contains(">$42.85</text>", page, StringComparison.Ordinal);
        Assert.Contains("url(#revenue-chart-hatch)", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"days-table\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Split("<main", 2)[1].Split("</main>", 2)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=2026-13-01&to=2026-12-01", "from")]
    [InlineData("from=2026-03-10&to=2026-03-01", "to")]
    [InlineData("days=0", "days")]
    [InlineData("days=400", "days")]
    [InlineData("days=7&from=2026-03-01", "days")]
    [InlineData("from=2024-01-01&to=2026-01-01", "from")]
    [InlineData("demo=maybe", "demo")]
    public async Task A_bad_period_is_a_400_naming_the_field_and_a_message_on_the_page(string query, string field)
    {
        using var admin = await _store.CreateAdminClientAsync();

        await (await admin.GetAsync(new Uri($"/api/admin/dashboard?{query}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        var page = await admin.GetAsync(new Uri($"/admin?{query}", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-dashboard-problem", html, StringComparison.Ordinal);
        Assert.Contains($"data-field=\"{field}\"", html, StringComparison.Ordinal);
    }
}
