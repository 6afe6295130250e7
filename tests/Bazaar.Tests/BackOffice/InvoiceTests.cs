using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.BackOffice;

public class InvoiceStore : CheckoutStore
{
    public InvoiceStore()
    {
        With("Store:Name", "Test Shop Ltd");
        With("Store:Address", "1 Market Square\\nSpringfield 12345");
        With("Store:TaxId", "VAT-TEST-123");
        With("Store:InvoicePrefix", "T-");
    }
}

// Invoices and packing slips: printable pages with the shop's details from settings; invoice numbers are given once
// per paid order and without gaps, also when many are asked for at once.
public class InvoiceTests(InvoiceStore store) : IClassFixture<InvoiceStore>
{
    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private async Task<long> PaidOrderAsync(string sku, int units = 1)
    {
        using var shopper = await store.ShopperWithCartAsync(sku, units);
        var response = await shopper.CheckOutAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await CheckoutScenario.OrderIdOf(response);
    }

    [Fact]
    public async Task Concurrent_requests_give_each_paid_order_one_number_and_the_numbers_have_no_gaps()
    {
        var sku = await store.CreateStockedProductAsync(40);
        var orders = new List<long>();
        for (var i = 0; i < 6; i++) orders.Add(await PaidOrderAsync(sku));
        using var admin = await store.CreateAdminClientAsync();

        // Five requests per order, all at once (bounded: 30 requests, each with its own deadline).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(orders.SelectMany(id => Enumerable.Range(0, 5).Select(async _ =>
        {
            var response = await admin.PostAsync(Relative($"/api/admin/orders/{id}/invoice"), null, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            Assert.True(response.IsSuccessStatusCode, body);
            var json = JsonDocument.Parse(body).RootElement;
            return (Order: id, Number: json.GetProperty("number").GetInt64(), Code: json.GetProperty("code").GetString());
        })));

        var perOrder = answers.GroupBy(a => a.Order).ToDictionary(g => g.Key, g => g.Select(a => a.Number).Distinct().ToList());
        Assert.All(perOrder.Values, numbers => Assert.Single(numbers));
        var numbers = perOrder.Values.Select(n => n[0]).Order().ToList();
        Assert.Equal(Enumerable.Range((int)numbers[0], orders.Count).Select(n => (long)n), numbers);
        Assert.Equal(orders.Count, numbers.Distinct().Count());
        var again = await (await admin.PostAsync(Relative($"/api/admin/orders/{orders[0]}/invoice"), null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(perOrder[orders[0]][0], again.GetProperty("number").GetInt64());
        Assert.StartsWith("T-", again.GetProperty("code").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invoice_page_prints_the_shop_s_details_the_number_and_the_amounts()
    {
        var sku = await store.CreateStockedProductAsync(10);
        var id = await PaidOrderAsync(sku, 2);
        using var admin = await store.CreateAdminClientAsync();

        var html = await admin.GetStringAsync(Relative($"/admin/orders/{id}/invoice"));
        var issued = await (await admin.PostAsync(Relative($"/api/admin/orders/{id}/invoice"), null)).Content.ReadFromJsonAsync<JsonElement>();
        var slip = await admin.GetStringAsync(Relative($"/admin/orders/{id}/packing-slip"));

        Assert.Contains($"<span data-testid=\"invoice-number\">{issued.GetProperty("code").GetString()}</span>", html, StringComparison.Ordinal);
        Assert.Contains("Test Shop Ltd", html, StringComparison.Ordinal);
        Assert.Contains("Springfield 12345", html, StringComparison.Ordinal);
        Assert.Contains("VAT-TEST-123", html, StringComparison.Ordinal);
        Assert.Contains("$26.78", html, StringComparison.Ordinal);
        Assert.DoesNotContain("site-header", html, StringComparison.Ordinal);
        Assert.Contains("Ada Lovelace", slip, StringComparison.Ordinal);
        Assert.Contains("Test Shop Ltd", slip, StringComparison.Ordinal);
        Assert.DoesNotContain("$26.78", slip, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unpaid_order_has_no_invoice_and_a_missing_order_is_404()
    {
        var sku = await store.CreateStockedProductAsync(5);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(placed);
        using var admin = await store.CreateAdminClientAsync();

        await (await admin.PostAsync(Relative($"/api/admin/orders/{id}/invoice"), null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync(Relative("/api/admin/orders/999999999/invoice"), null)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("data-testid=\"no-invoice\"", await admin.GetStringAsync(Relative($"/admin/orders/{id}/invoice")), StringComparison.Ordinal);
    }
}
