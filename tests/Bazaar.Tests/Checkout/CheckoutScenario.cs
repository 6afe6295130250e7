using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Platform;
using Bazaar.Store;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Checkout;

// The store the checkout, order and payment tests share.
public class CheckoutStore : StoreFactory;

// Shopping through the API, as the storefront does: fill a cart, check out, read the order.
public static class CheckoutScenario
{
    // The stocked test product costs 9.99; California's tax is 7.25%; standard shipping is 4.99 below 50.
    public const decimal UnitPrice = 9.99m;

    public static object Body(string card = SandboxCard.Succeeds, decimal? expectedTotal = null, string? email = "guest@tests.local",
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

    // Places the order (POST /api/checkout, which takes no card) and, when the store answers 202 with the gateway's
    // page, pays there with the body's card, as a browser would: the page redirects back to the store, which places
    // the order. Answers as the checkout used to in one step: 201 placed and paid ({orderId, number, outcome}), 402
    // declined (the shopper is still on the gateway's page: nothing placed), or the store's own answer.
    public static async Task<HttpResponseMessage> CheckOutAsync(this HttpClient shopper, object body, string? key = null)
    {
        var placed = await shopper.PlaceAsync(body, key);
        if (placed.StatusCode != HttpStatusCode.Accepted) return placed;
        var json = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        var card = JsonSerializer.SerializeToElement(body).GetProperty("card");
        var paid = await shopper.PayOnGatewayAsync(json.GetProperty("paymentUrl").GetString()!, card.GetProperty("number").GetString()!,
            card.GetProperty("expiryMonth").GetInt32(), card.GetProperty("expiryYear").GetInt32(), card.GetProperty("cvc").GetString()!);
        var id = json.GetProperty("orderId").GetInt64();
        // Paid before (a retry after a crash on the way back): the page says so, and its link goes back to the store.
        if (paid.StatusCode == HttpStatusCode.Conflict) paid = await shopper.GetAsync(new Uri($"/checkout/return/{id}", UriKind.Relative));
        var landed = paid.RequestMessage?.RequestUri?.PathAndQuery ?? "";
        if (landed.StartsWith($"/orders/{id}?placed=Paid", StringComparison.Ordinal))
            return new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = JsonContent.Create(new { orderId = id, number = json.GetProperty("number").GetString(), outcome = "Paid", replayed = false }),
                Headers = { Location = new Uri($"/api/orders/{id}", UriKind.Relative) },
            };
        if (paid.StatusCode == HttpStatusCode.PaymentRequired)
            return new HttpResponseMessage(HttpStatusCode.PaymentRequired)
            {
                Content = JsonContent.Create(new { status = 402, title = "The payment was declined.", orderId = id,
                    errors = new Dictionary<string, string[]> { ["card"] = ["The card was declined."] } }, options: null),
            };
        return paid;
    }

    // POST /api/checkout with an Idempotency-Key (a new one unless given).
    public static async Task<HttpResponseMessage> PlaceAsync(this HttpClient shopper, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/checkout") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await shopper.SendAsync(request);
    }

    // Types a card on the sandbox gateway's page and posts it there (the store never sees it); redirects are followed.
    public static Task<HttpResponseMessage> PayOnGatewayAsync(this HttpClient shopper, string paymentUrl, string number,
        int expiryMonth = 12, int? expiryYear = null, string cvc = "123") =>
        shopper.PostAsync(new Uri(paymentUrl, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["number"] = number,
            ["expiryMonth"] = expiryMonth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["expiryYear"] = (expiryYear ?? DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cvc"] = cvc,
        }));

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

    public static SandboxGateway Gateway(this StoreFactory store) => store.Services.GetRequiredService<SandboxGateway>();

    // The sandbox's own ledger row for an order's payment: what the "provider" holds.
    public static async Task<Bazaar.Payments.Sandbox.SandboxPayment> GatewayPaymentAsync(this StoreFactory store, long orderId)
    {
        var payment = await store.PaymentOfAsync(orderId) ?? throw new InvalidOperationException($"Order {orderId} has no payment.");
        return await store.Gateway().FindAsync(payment.GatewayPaymentId!, CancellationToken.None)
            ?? throw new InvalidOperationException($"The sandbox has no payment {payment.GatewayPaymentId}.");
    }

    public static Task<PaymentView?> PaymentOfAsync(this StoreFactory store, long orderId) =>
        store.WithAsync(sp => sp.GetRequiredService<Bazaar.Payments.Payments>().GetAsync(orderId));

    public static Task<int> OrderCountAsync(this StoreFactory store) =>
        store.WithAsync(async sp => (await sp.GetRequiredService<Bazaar.Orders.Orders>().SearchAsync(new OrderSearch(PageSize: 1))).Total);
}
