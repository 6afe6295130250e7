using System.Net.Http.Json;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bazaar.Tests.Orders;

// Random sequences of shopper and back-office actions (some of them racing each other) through the real host and
// database: whatever happens, no 5xx, the stock and order audits stay clean and the gateway captured at most once.
public class OrderApiProperties(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    public enum Act
    {
        ShopperCancel,
        AdminCancel,
        Fulfil,
        ShipOne,
        ShipRest,
        Deliver,
        RequestReturn,
        RejectReturn,
        AcceptReturn,
        RefundSome,
        RefundRest,
        PayAgain,
        RaceShipAndCancel,
        RaceRefunds,
    }

    private static readonly Gen<(bool Declined, Act[] Acts)> Scripts =
        Gen.Zip(Gen.Elements(false, false, true), Gen.Elements(Enum.GetValues<Act>()).ArrayOf().Select(a => a.Take(12).ToArray()));

    [Property(MaxTest = 12)]
    public Property Random_order_histories_through_the_api_keep_every_invariant() =>
        Prop.ForAll(Scripts.ToArbitrary(), script => RunAsync(script.Declined, script.Acts).GetAwaiter().GetResult());

    // A refund states its amount: "the rest" is what is captured and not yet refunded.
    private async Task<decimal> LeftToRefundAsync(long id) => await store.PaymentOfAsync(id) is { } p ? p.Captured - p.Refunded : 0m;

    private async Task<Property> RunAsync(bool declined, Act[] acts)
    {
        var sku = await store.CreateStockedProductAsync(6);
        using var shopper = await store.ShopperWithCartAsync(sku, 3);
        using var admin = await store.CreateAdminClientAsync();
        var placed = await shopper.CheckOutAsync(CheckoutScenario.Body(card: declined ? SandboxCard.Declines : SandboxCard.Succeeds));
        var id = await CheckoutScenario.OrderIdOf(placed);
        var order = $"/api/orders/{id}";
        var back = $"/api/admin/orders/{id}";

        foreach (var act in acts)
        {
            var responses = act switch
            {
                Act.ShopperCancel => [await shopper.PostAsJsonAsync($"{order}/cancel", new { })],
                Act.AdminCancel => [await admin.PostAsJsonAsync($"{back}/cancel", new { reason = "out of stock" })],
                Act.Fulfil => [await admin.PostAsJsonAsync($"{back}/fulfil", new { })],
                Act.ShipOne => [await admin.PostAsJsonAsync($"{back}/ship", new { lines = new Dictionary<string, int> { [sku] = 1 } })],
                Act.ShipRest => [await admin.PostAsJsonAsync($"{back}/ship", new { })],
                Act.Deliver => [await admin.PostAsJsonAsync($"{back}/deliver", new { })],
                Act.RequestReturn => [await shopper.PostAsJsonAsync($"{order}/return", new { reason = "broken" })],
                Act.RejectReturn => [await admin.PostAsJsonAsync($"{back}/return/reject", new { })],
                Act.AcceptReturn => [await admin.PostAsJsonAsync($"{back}/return/accept", new { })],
                Act.RefundSome => [await admin.PostAsJsonAsync($"{back}/refund", new { amount = 7.5m })],
                Act.RefundRest => [await admin.PostAsJsonAsync($"{back}/refund", new { amount = await LeftToRefundAsync(id) })],
                Act.PayAgain => [await shopper.PayOnGatewayAsync((await store.PaymentOfAsync(id))!.PayUrl!, SandboxCard.Succeeds)],
                Act.RaceShipAndCancel => await Task.WhenAll(admin.PostAsJsonAsync($"{back}/ship", new { }), shopper.PostAsJsonAsync($"{order}/cancel", new { })),
                _ => await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => admin.PostAsJsonAsync($"{back}/refund", new { amount = 9m }))),
            };
            foreach (var r in responses.Where(r => (int)r.StatusCode >= 500))
                return false.Label($"{act} answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        }

        var audit = await store.FullAuditAsync();
        if (audit.Count > 0) return false.Label($"after {string.Join(", ", acts)}: {string.Join("; ", audit)}");
        var payment = await store.PaymentOfAsync(id);
        if (payment!.Refunded > payment.Captured) return false.Label($"refunded {payment.Refunded} of {payment.Captured}");
        var atGateway = await store.GatewayPaymentAsync(id);
        if (atGateway.Captured != payment.Captured) return false.Label($"the gateway captured {atGateway.Captured}, the store {payment.Captured}");
        var stock = await store.StockOfAsync(sku);
        var view = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>(back);
        var away = view.GetProperty("status").GetString() == "Cancelled"
            ? view.GetProperty("lines")[0].GetProperty("quantityShipped").GetInt32() - view.GetProperty("lines")[0].GetProperty("quantityReturned").GetInt32()
            : 3 - view.GetProperty("lines")[0].GetProperty("quantityReturned").GetInt32();
        // Never paid, never placed: the three units are still the cart's holds.
        if (payment.Authorised == 0)
            return (stock.OnHand == 6 && stock.Reserved == 3).Label($"unpaid: on hand {stock.OnHand}, reserved {stock.Reserved} after {string.Join(", ", acts)}");
        return (stock.OnHand + away == 6 && stock.Reserved == 0).Label($"on hand {stock.OnHand}, reserved {stock.Reserved}, away {away} after {string.Join(", ", acts)}");
    }
}
