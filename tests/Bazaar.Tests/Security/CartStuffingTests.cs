using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Tests.Fixtures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Tests.Security;

public sealed class CartStuffingStore : StoreFactory
{
    // Statements are counted by the request's execution context (SecurityScenario.CountStatementsAsync).
    public CartStuffingStore() => With("Cart:MaxLines", "4")
        .WithServices(s => s.Configure<TestServerOptions>(o => o.PreserveExecutionContext = true));
}

// One shopper stuffing their own cart: a line past 99 units by adding again and again, more lines than a cart may
// have, and a cart so long that every read of it costs a statement per line.
public class CartStuffingTests(CartStuffingStore store) : IClassFixture<CartStuffingStore>
{
    private static async Task<JsonElement> CartOf(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/cart", UriKind.Relative))).RootElement;

    [Fact]
    public async Task Adding_the_same_product_again_and_again_cannot_take_a_line_past_99()
    {
        var sku = await store.CreateStockedProductAsync(500);
        using var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 60 })).EnsureSuccessStatusCode();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 39 })).EnsureSuccessStatusCode();

        var over = await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 });

        var problem = await over.AssertProblemAsync(HttpStatusCode.BadRequest, "quantity");
        Assert.Contains("99", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(99, (await CartOf(shopper)).GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        Assert.Equal(99, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
    }

    [Fact]
    public async Task Concurrent_adds_of_one_product_never_take_a_line_past_99()
    {
        var sku = await store.CreateStockedProductAsync(500);
        using var shopper = store.CreateClient();
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 10 })));

        // 1 + 9 x 10 = 91 fits, a tenth add of 10 would make 101.
        Assert.Equal(9, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(91, (await CartOf(shopper)).GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        Assert.Equal(91, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
    }

    [Fact]
    public async Task A_cart_refuses_a_line_beyond_Cart_MaxLines_and_holds_nothing_for_it()
    {
        var skus = await store.CreateStockedProductsAsync(5, units: 10);
        using var shopper = store.CreateClient();
        foreach (var sku in skus.Take(4)) (await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var fifth = await shopper.PostAsJsonAsync("/api/cart/items", new { sku = skus[4], quantity = 1 });

        var problem = await fifth.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Cart:MaxLines", problem.GetProperty("cap").GetString());
        Assert.Equal(4, problem.GetProperty("limit").GetInt32());
        Assert.Equal(0, (await store.StockOfAsync(skus[4])).Reserved);
        Assert.Equal(4, (await CartOf(shopper)).GetProperty("lines").GetArrayLength());
        // A line already in the cart still takes more units.
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = skus[0], quantity = 2 })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await store.StockOfAsync(skus[0])).Reserved);
    }

    [Fact]
    public async Task Reading_a_long_cart_runs_as_many_statements_as_reading_a_short_one()
    {
        var skus = await store.CreateStockedProductsAsync(4, units: 10);
        using var shortCart = store.CreateClient();
        (await shortCart.PostAsJsonAsync("/api/cart/items", new { sku = skus[0], quantity = 1 })).EnsureSuccessStatusCode();
        using var longCart = store.CreateClient();
        foreach (var sku in skus) (await longCart.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var forShort = await store.CountStatementsAsync(() => CartOf(shortCart));
        var forLong = await store.CountStatementsAsync(() => CartOf(longCart));

        Assert.True(forShort > 0, "no statements were counted");
        Assert.Equal(forShort, forLong);
        var lines = (await CartOf(longCart)).GetProperty("lines").EnumerateArray().ToList();
        Assert.All(lines, l => Assert.True(l.GetProperty("holdExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(25)));
    }
}
