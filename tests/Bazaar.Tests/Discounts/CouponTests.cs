using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Tests.Checkout;
using Bazaar.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Discounts;

// A store of its own, on a clock the tests move (coupons have validity windows).
public class CouponStore : StoreFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CouponStore() => WithServices(s => s.AddSingleton<TimeProvider>(Clock));

    // The first start waits for the search index on the store's clock: it is moved along until the store is ready.
    public override async ValueTask InitializeAsync()
    {
        using var ready = new CancellationTokenSource();
        var ticking = Task.Run(async () =>
        {
            while (!ready.IsCancellationRequested)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        try
        {
            await base.InitializeAsync();
        }
        finally
        {
            await ready.CancelAsync();
            await ticking;
        }
    }
}

// Coupons at checkout: what they take off and why, on which lines; every way a code cannot be used answered as a
// problem naming couponCode; the limits held under concurrent checkouts, counted exactly; a cancelled order gives its
// use back; a full return of a discounted order refunds exactly what was paid.
public class CouponTests(CouponStore store) : IClassFixture<CouponStore>
{
    private static readonly object California =
        new { name = "Ada Lovelace", line1 = "1 Infinite Loop", city = "Cupertino", region = "CA", postalCode = "95014", country = "US" };

    private static string NewCode(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private async Task<string> CouponAsync(object coupon, string prefix = "C")
    {
        var code = NewCode(prefix);
        using var admin = await store.CreateAdminClientAsync();
        var response = await admin.PutAsJsonAsync($"/api/admin/coupons/{code}", coupon);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return code;
    }

    private static Task<HttpResponseMessage> QuoteAsync(HttpClient shopper, string? couponCode) =>
        shopper.PostAsJsonAsync("/api/checkout/quote", new { shipTo = California, shippingMethod = "standard", couponCode });

    private static object Body(string? couponCode, string email = "guest@tests.local") => new
    {
        email, shipTo = California, shippingMethod = "standard", couponCode,
        card = new { number = Bazaar.Payments.Sandbox.SandboxCard.Succeeds, expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 2, cvc = "123" },
    };

    private async Task<JsonElement> CouponStateAsync(string code)
    {
        using var admin = await store.CreateAdminClientAsync();
        return JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/admin/coupons/{code}", UriKind.Relative))).RootElement;
    }

    private Task<(int Redemptions, int Orders)> CountUsesAsync(string code) => store.WithAsync(async sp =>
    {
        var db = sp.GetRequiredService<BazaarDb>();
        var id = await db.Coupons.Where(c => c.Code == code).Select(c => c.Id).SingleAsync();
        return (await db.CouponRedemptions.CountAsync(r => r.CouponId == id), await db.Orders.CountAsync(o => o.CouponCode == code));
    });

    [Fact]
    public async Task A_percentage_off_the_order_shows_with_its_reason_and_the_order_is_charged_exactly_the_quoted_total()
    {
        var code = await CouponAsync(new { description = "10% off everything", kind = "percentage", value = 10 });
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 2);

        var quote = await (await QuoteAsync(shopper, code.ToLowerInvariant())).Content.ReadFromJsonAsync<JsonElement>();

        // 2 x 9.99 = 19.98; 10% = 1.998 -> 2.00; shipping 4.99 (17.98 is below 50); tax 7.25% of 22.97 = 1.67.
        Assert.Equal(2.00m, quote.GetProperty("discount").GetDecimal());
        Assert.Equal($"{code}: 10% off everything", quote.GetProperty("discountReason").GetString());
        Assert.Equal(1.67m, quote.GetProperty("tax").GetDecimal());
        Assert.Equal(24.64m, quote.GetProperty("total").GetDecimal());
        var placed = await shopper.CheckOutAsync(Body(code) is var body ? body : null!);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = await shopper.OrderAsync(await CheckoutScenario.OrderIdOf(placed));
        Assert.Equal(24.64m, order.GetProperty("total").GetDecimal());
        Assert.Equal(2.00m, order.GetProperty("discount").GetDecimal());
        Assert.Equal(code, order.GetProperty("couponCode").GetString());
        Assert.Equal(2.00m, order.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("discount").GetDecimal()));
        Assert.Equal(24.64m, order.GetProperty("payment").GetProperty("amount").GetDecimal());
        Assert.Equal(1, (await CouponStateAsync(code)).GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task A_coupon_for_some_products_or_a_category_discounts_only_their_lines()
    {
        var a = await store.CreateStockedProductAsync(10);
        var b = await store.CreateStockedProductAsync(10);
        var forA = await CouponAsync(new { description = "5 off A", kind = "fixedAmount", value = 5.00m, skus = new[] { a } });
        using var shopper = await store.ShopperWithCartAsync(a, 1);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = b, quantity = 1 })).EnsureSuccessStatusCode();

        var quote = await (await QuoteAsync(shopper, forA)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(5.00m, quote.GetProperty("discount").GetDecimal());
        var lines = quote.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("sku").GetString()!, l => l.GetProperty("discount").GetDecimal());
        Assert.Equal(5.00m, lines[a]);
        Assert.Equal(0m, lines[b]);

        // A category the cart's products are not in: refused, naming what it is for.
        using var admin = await store.CreateAdminClientAsync();
        var tree = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/api/categories", UriKind.Relative))).RootElement;
        var other = tree.EnumerateArray().Skip(1).First().GetProperty("id").GetInt32();
        var elsewhere = await CouponAsync(new { description = "20% off another department", kind = "percentage", value = 20, categoryIds = new[] { other } });
        var refused = await QuoteAsync(shopper, elsewhere);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "couponCode");
        Assert.Contains("nothing in the cart is", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The department the products are in (its subcategories count too): both lines, in proportion.
        var department = tree[0].GetProperty("id").GetInt32();
        var here = await CouponAsync(new { description = "3 off the department", kind = "fixedAmount", value = 3.00m, categoryIds = new[] { department } });
        var both = await (await QuoteAsync(shopper, here)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3.00m, both.GetProperty("discount").GetDecimal());
        Assert.All(both.GetProperty("lines").EnumerateArray(), l => Assert.Equal(1.50m, l.GetProperty("discount").GetDecimal()));
    }

    [Fact]
    public async Task Unknown_expired_not_yet_valid_withdrawn_and_below_minimum_codes_are_a_400_naming_couponCode_with_the_reason()
    {
        var now = store.Clock.GetUtcNow();
        var ending = await CouponAsync(new { description = "ends soon", kind = "percentage", value = 5, endsAt = now.AddMinutes(10) });
        var later = await CouponAsync(new { description = "from tomorrow", kind = "percentage", value = 5, startsAt = now.AddDays(1) });
        var withdrawn = await CouponAsync(new { description = "withdrawn", kind = "percentage", value = 5, active = false });
        var minimum = await CouponAsync(new { description = "from 50", kind = "fixedAmount", value = 10m, minimumSpend = 50m });
        var sku = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(sku, 1);
        Assert.Equal(HttpStatusCode.OK, (await QuoteAsync(shopper, ending)).StatusCode);

        store.Clock.Advance(TimeSpan.FromMinutes(11));

        foreach (var (code, says) in new[]
        {
            ("NO-SUCH-CODE", "There is no coupon 'NO-SUCH-CODE'"), (ending, "expired on"), (later, "is valid from"), (withdrawn, "no longer valid"),
            (minimum, "needs items worth at least 50.00 USD; the cart has 9.99 USD, so add 40.01 USD more"),
        })
        {
            var quote = await QuoteAsync(shopper, code);
            var problem = await quote.AssertProblemAsync(HttpStatusCode.BadRequest, "couponCode");
            Assert.Contains(says, problem.GetProperty("errors").GetProperty("couponCode")[0].GetString(), StringComparison.Ordinal);
            var placed = await shopper.PlaceAsync(Body(code));
            await placed.AssertProblemAsync(HttpStatusCode.BadRequest, "couponCode");
        }
        Assert.Equal(0, await store.WithAsync(sp => sp.GetRequiredService<BazaarDb>().Orders.CountAsync(o => o.CouponCode == ending)));
    }

    [Fact]
    public async Task Twenty_concurrent_checkouts_with_a_coupon_limited_to_five_place_exactly_five_orders_and_refuse_the_rest_with_409()
    {
        var code = await CouponAsync(new { description = "first five", kind = "percentage", value = 50, usageLimit = 5 });
        var sku = await store.CreateStockedProductAsync(100);
        var shoppers = new List<HttpClient>();
        for (var i = 0; i < 20; i++) shoppers.Add(await store.ShopperWithCartAsync(sku, 1));
        using var start = new SemaphoreSlim(0);

        var attempts = shoppers.Select(async (shopper, i) =>
        {
            await start.WaitAsync();
            return await shopper.PlaceAsync(Body(code, $"buyer{i}@tests.local"));
        }).ToList();
        start.Release(shoppers.Count);
        var answers = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(15, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "couponCode");
        Assert.Equal(5, (await CouponStateAsync(code)).GetProperty("used").GetInt32());
        Assert.Equal((5, 5), await CountUsesAsync(code));
        shoppers.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task One_customer_checking_out_twice_at_once_with_a_once_per_customer_coupon_places_one_order()
    {
        var code = await CouponAsync(new { description = "once each", kind = "fixedAmount", value = 1.00m, perCustomerLimit = 1 });
        var sku = await store.CreateStockedProductAsync(10);
        using var customer = await store.CreateCustomerClientAsync();
        (await customer.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 })).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => customer.PlaceAsync(Body(code, email: null!))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((1, 1), await CountUsesAsync(code));
        // And the next quote says so before anything is placed.
        var again = await QuoteAsync(customer, code);
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict, "couponCode");
        Assert.Contains("already used", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_cancelled_before_it_was_paid_gives_its_coupon_use_back()
    {
        var code = await CouponAsync(new { description = "just one", kind = "percentage", value = 10, usageLimit = 1 });
        var sku = await store.CreateStockedProductAsync(10);
        using var first = await store.ShopperWithCartAsync(sku, 1);
        using var second = await store.ShopperWithCartAsync(sku, 1);
        var placed = await first.PlaceAsync(Body(code));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        await (await second.PlaceAsync(Body(code))).AssertProblemAsync(HttpStatusCode.Conflict, "couponCode");

        // Back from the gateway's page without paying: the order is cancelled.
        await first.GetAsync(new Uri($"/checkout/return/{await CheckoutScenario.OrderIdOf(placed)}", UriKind.Relative));

        Assert.Equal(0, (await CouponStateAsync(code)).GetProperty("used").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await second.CheckOutAsync(Body(code))).StatusCode);
        Assert.Equal(1, (await CouponStateAsync(code)).GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task Returning_every_unit_of_a_discounted_order_in_two_batches_refunds_exactly_what_was_captured()
    {
        var code = await CouponAsync(new { description = "7.77 off", kind = "fixedAmount", value = 7.77m });
        var a = await store.CreateStockedProductAsync(10);
        var b = await store.CreateStockedProductAsync(10);
        using var shopper = await store.ShopperWithCartAsync(a, 3);
        (await shopper.PostAsJsonAsync("/api/cart/items", new { sku = b, quantity = 1 })).EnsureSuccessStatusCode();
        var placed = await shopper.CheckOutAsync(Body(code));
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = await CheckoutScenario.OrderIdOf(placed);
        using var admin = await store.CreateAdminClientAsync();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/ship", new { })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/deliver", new { })).EnsureSuccessStatusCode();

        foreach (var batch in new[] { new Dictionary<string, int> { [a] = 2 }, new Dictionary<string, int> { [a] = 1, [b] = 1 } })
        {
            (await shopper.PostAsJsonAsync($"/api/orders/{id}/return", new { reason = "not needed", lines = batch })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/admin/orders/{id}/return/accept", new { lines = batch })).EnsureSuccessStatusCode();
        }

        var order = await admin.OrderAsync(id, admin: true);
        Assert.Equal("Refunded", order.GetProperty("status").GetString());
        var payment = order.GetProperty("payment");
        Assert.Equal(order.GetProperty("total").GetDecimal(), payment.GetProperty("captured").GetDecimal());
        Assert.Equal(payment.GetProperty("captured").GetDecimal(), payment.GetProperty("refunded").GetDecimal());
        Assert.Contains(order.GetProperty("timeline").EnumerateArray(),
            e => e.GetProperty("reason").GetString()!.Contains("less discount", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("BAD CODE", """{"description":"x","kind":"percentage","value":10}""", "code")]
    [InlineData("OK-CODE", """{"description":"","kind":"percentage","value":10}""", "description")]
    [InlineData("OK-CODE", """{"description":"x","kind":"bogof","value":10}""", "kind")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":120}""", "value")]
    [InlineData("OK-CODE", """{"description":"x","kind":"fixedAmount","value":1.005}""", "value")]
    [InlineData("OK-CODE", """{"description":"x","kind":"fixedAmount"}""", "value")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"minimumSpend":-1}""", "minimumSpend")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"startsAt":"2027-01-02T00:00:00Z","endsAt":"2027-01-01T00:00:00Z"}""",
        "endsAt")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"usageLimit":0}""", "usageLimit")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"perCustomerLimit":0}""", "perCustomerLimit")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"skus":["NO-SUCH-SKU"]}""", "skus")]
    [InlineData("OK-CODE", """{"description":"x","kind":"percentage","value":10,"categoryIds":[987654]}""", "categoryIds")]
    public async Task A_bad_coupon_is_a_400_naming_the_field_and_nothing_is_saved(string code, string body, string field)
    {
        using var admin = await store.CreateAdminClientAsync();

        var response = await admin.PutAsync(new Uri($"/api/admin/coupons/{Uri.EscapeDataString(code)}", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/admin/coupons/{Uri.EscapeDataString(code)}", UriKind.Relative))).StatusCode);
    }
}
