using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Platform;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// A store whose payment gateway answers quickly enough for tests to wait for its timeouts.
public class CheckoutStore : StoreFactory
{
    public CheckoutStore()
    {
        With("Payments:GatewayTimeout", "00:00:00.300");
        With("Payments:RetryDelay", "00:00:00.010");
    }
}

// Shopping through the API, as the storefront does: fill a cart, check out, read the order.
public static class CheckoutScenario
{
    // The stocked test product costs 9.99; California's tax is 7.25%; standard shipping is 4.99 below 50.
    public const decimal UnitPrice = 9.99m;

    public static object Body(string card = SandboxPaymentGateway.Succeeds, decimal? expectedTotal = null, string? email = "guest@tests.local",
        string shippingMethod = "standard", object? shipTo = null, string? quoteHash = null) => new
        {
            email,
            shipTo = shipTo ?? new { name = "Ada Lovelace", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" },
            shippingMethod,
            card = new { number = card, expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 2, cvc = "123" },
            expectedTotal,
            quoteHash,
        };

    public static decimal TotalFor(int units)
    {
        var subtotal = UnitPrice * units;
        var shipping = subtotal >= 50m ? 0m : 4.99m;
        return subtotal + shipping + decimal.Round((subtotal + shipping) * 0.0725m, 2, MidpointRounding.AwayFromZero);
    }

    public static async Task<HttpClient> ShopperWithCartAsync(this StoreFactory store, string sku, int quantity)
    {
        var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity })).EnsureSuccessStatusCode();
        return shopper;
    }

    public static async Task<HttpResponseMessage> CheckOutAsync(this HttpClient shopper, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await shopper.SendAsync(request);
    }

    public static async Task<long> OrderIdOf(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("orderId").GetInt64();
    }

    public static async Task<JsonElement> OrderAsync(this HttpClient client, long id, bool admin = false) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(admin ? $"/api/admin/orders/{id}" : $"/api/orders/{id}", UriKind.Relative))).RootElement;

    public static Task<IReadOnlyList<string>> FullAuditAsync(this StoreFactory store) =>
        store.WithAsync<IReadOnlyList<string>>(async sp => [.. (await sp.GetRequiredService<StoreAudit>().RunAsync()).Select(v => v.ToString())]);

    public static async Task<T> WithAsync<T>(this StoreFactory store, Func<IServiceProvider, Task<T>> use)
    {
        await using var scope = store.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider);
    }

    public static SandboxPaymentGateway Gateway(this StoreFactory store) => store.Services.GetRequiredService<SandboxPaymentGateway>();

    public static Task<PaymentView?> PaymentOfAsync(this StoreFactory store, long orderId) =>
        store.WithAsync(sp => sp.GetRequiredService<Bazaar.Payments.Payments>().GetAsync(orderId));

    public static Task<int> OrderCountAsync(this StoreFactory store) =>
        store.WithAsync(async sp => (await sp.GetRequiredService<Bazaar.Orders.Orders>().SearchAsync(new OrderSearch(PageSize: 1))).Total);
}
