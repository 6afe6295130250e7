using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Checkout;

// The shopper confirms a quote (its hash, or its total) and the server charges exactly that or places nothing: a
// placement whose quote went stale (the cart, the address or the shipping changed) is a 409 carrying the new quote.
public class CheckoutQuoteTests(CheckoutStore store) : IClassFixture<CheckoutStore>
{
    private static readonly object California =
        new { name = "Ada Lovelace", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" };

    private static readonly object NewYork =
        new { name = "Ada Lovelace", line1 = "1 Broadway", city = "New York", region = "NY", postalCode = "10004", country = "US" };

    private static async Task<JsonElement> QuoteAsync(HttpClient shopper, object shipTo, string method = "standard")
    {
        var response = await shopper.PostAsJsonAsync("/api/checkout/quote", new { shipTo, shippingMethod = method });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // The API does not require quoteHash (docs/money.md): an API placement without one charges the server's total, and
    // the shopper confirms that exact amount on the gateway's page before any card is taken.
    [Fact]
    public async Task An_api_placement_without_a_quote_hash_charges_the_quoted_total_which_the_gateways_page_shows_before_the_card()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);
        var quote = await QuoteAsync(shopper, California);

        var placed = await shopper.PlaceAsync(CheckoutScenario.Body());

        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var body = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var total = quote.GetProperty("total").GetDecimal();
        Assert.Equal(CheckoutScenario.TotalFor(2), total);
        Assert.Equal(total, (await store.PaymentOfAsync(body.GetProperty("orderId").GetInt64()))!.Amount);
        var page = await shopper.GetStringAsync(new Uri(body.GetProperty("paymentUrl").GetString()!, UriKind.Relative));
        Assert.Contains($"data-testid=\"sandbox-amount\">{total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} USD<", page,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_names_its_amounts_by_a_hash_that_changes_with_them()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);

        var first = await QuoteAsync(shopper, California);
        var again = await QuoteAsync(shopper, California);
        var elsewhere = await QuoteAsync(shopper, NewYork);
        var express = await QuoteAsync(shopper, California, "express");

        Assert.Equal(32, first.GetProperty("hash").GetString()!.Length);
        Assert.Equal(first.GetProperty("hash").GetString(), again.GetProperty("hash").GetString());
        Assert.NotEqual(first.GetProperty("hash").GetString(), elsewhere.GetProperty("hash").GetString());
        Assert.NotEqual(first.GetProperty("hash").GetString(), express.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task A_placement_whose_confirmed_quote_went_stale_is_a_409_with_the_new_total_and_places_nothing()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var seen = await QuoteAsync(shopper, California);
        Assert.Equal(CheckoutScenario.TotalFor(1), seen.GetProperty("total").GetDecimal());
        // Another tab adds a unit after the shopper looked at the summary.
        (await shopper.PutAsJsonAsync($"/api/cart/items/{sku}", new { quantity = 2 })).EnsureSuccessStatusCode();
        var before = await store.OrderCountAsync();

        var stale = await shopper.CheckOutAsync(CheckoutScenario.Body(quoteHash: seen.GetProperty("hash").GetString()));

        var problem = await stale.AssertProblemAsync(HttpStatusCode.Conflict, "quoteHash");
        Assert.Equal(CheckoutScenario.TotalFor(2), problem.GetProperty("total").GetDecimal());
        Assert.Equal(CheckoutScenario.TotalFor(2), problem.GetProperty("quote").GetProperty("total").GetDecimal());
        Assert.Contains(FormattableString.Invariant($"The total is now {CheckoutScenario.TotalFor(2):0.00} USD"), problem.GetProperty("detail").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(before, await store.OrderCountAsync());
        Assert.Equal((10, 2), ((await store.StockOfAsync(sku)).OnHand, (await store.StockOfAsync(sku)).Reserved));

        // Confirming the new quote places the order, for exactly that total.
        var confirmed = await shopper.CheckOutAsync(CheckoutScenario.Body(quoteHash: problem.GetProperty("quote").GetProperty("hash").GetString()));
        Assert.Equal(HttpStatusCode.Created, confirmed.StatusCode);
        var order = await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(confirmed));
        Assert.Equal(CheckoutScenario.TotalFor(2), order.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task A_quote_for_another_address_does_not_confirm_this_one()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var newYork = await QuoteAsync(shopper, NewYork);
        var before = await store.OrderCountAsync();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(shipTo: California, quoteHash: newYork.GetProperty("hash").GetString()));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "quoteHash");
        Assert.Equal(CheckoutScenario.TotalFor(1), problem.GetProperty("total").GetDecimal());
        Assert.Equal(before, await store.OrderCountAsync());
    }

    [Fact]
    public async Task A_placement_expecting_another_total_is_a_409_with_the_new_total()
    {
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        var before = await store.OrderCountAsync();

        var response = await shopper.CheckOutAsync(CheckoutScenario.Body(expectedTotal: 0.01m));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "quoteHash");
        Assert.Equal(CheckoutScenario.TotalFor(1), problem.GetProperty("total").GetDecimal());
        Assert.Contains("not 0.01 USD", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await store.OrderCountAsync());
    }
}
