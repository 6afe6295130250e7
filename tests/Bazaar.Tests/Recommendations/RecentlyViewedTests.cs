using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Data;
using Bazaar.Recommendations;
using Bazaar.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Bazaar.Tests.Recommendations;

// The same rules for both stores: the database (no Redis configured) and Redis.
public class RecentlyViewedTests(StoreFactory store) : IClassFixture<StoreFactory>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static string? Redis => Environment.GetEnvironmentVariable("BAZAAR_TEST_REDIS");

    public static TheoryData<string> Stores => ["database", "redis"];

    private async Task<(IRecentlyViewed Store, IAsyncDisposable Lifetime)> OpenAsync(string kind)
    {
        if (kind == "redis")
        {
            Assert.SkipWhen(string.IsNullOrEmpty(Redis), "The Redis store needs Redis (BAZAAR_TEST_REDIS).");
            var redis = await ConnectionMultiplexer.ConnectAsync(Redis!);
            return (new RedisRecentlyViewed(redis), redis);
        }
        var scope = store.Services.CreateAsyncScope();
        return (new DatabaseRecentlyViewed(scope.ServiceProvider.GetRequiredService<BazaarDb>()), scope);
    }

    private static string Shopper() => "g:" + Guid.NewGuid().ToString("N");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_newest_view_comes_first_and_viewing_again_moves_a_product_to_the_front(string kind)
    {
        var (views, lifetime) = await OpenAsync(kind);
        await using var _ = lifetime;
        var shopper = Shopper();

        await views.RecordAsync(shopper, 1, T0);
        await views.RecordAsync(shopper, 2, T0.AddMinutes(1));
        await views.RecordAsync(shopper, 3, T0.AddMinutes(2));
        await views.RecordAsync(shopper, 1, T0.AddMinutes(3));

        Assert.Equal([1, 3, 2], await views.ListAsync(shopper));
        Assert.Empty(await views.ListAsync(Shopper()));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Only_the_last_twenty_are_kept(string kind)
    {
        var (views, lifetime) = await OpenAsync(kind);
        await using var _ = lifetime;
        var shopper = Shopper();

        for (var i = 1; i <= 25; i++) await views.RecordAsync(shopper, i, T0.AddSeconds(i));

        Assert.Equal(Enumerable.Range(6, 20).Reverse(), await views.ListAsync(shopper));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Merging_a_guest_into_an_account_interleaves_by_time_keeps_twenty_and_empties_the_guest(string kind)
    {
        var (views, lifetime) = await OpenAsync(kind);
        await using var _ = lifetime;
        var (guest, account) = (Shopper(), "u:" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < 12; i++) await views.RecordAsync(account, 100 + i, T0.AddMinutes(2 * i));
        for (var i = 0; i < 12; i++) await views.RecordAsync(guest, 200 + i, T0.AddMinutes(2 * i + 1));
        await views.RecordAsync(guest, 100, T0.AddHours(5));

        await views.MergeAsync(guest, account);

        var merged = await views.ListAsync(account);
        Assert.Equal(20, merged.Count);
        Assert.Equal(100, merged[0]);
        Assert.Equal([211, 111, 210, 110], merged.Skip(1).Take(4));
        Assert.Empty(await views.ListAsync(guest));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Clearing_empties_only_that_shoppers_list(string kind)
    {
        var (views, lifetime) = await OpenAsync(kind);
        await using var _ = lifetime;
        var (one, other) = (Shopper(), Shopper());
        await views.RecordAsync(one, 1, T0);
        await views.RecordAsync(other, 1, T0);

        await views.ClearAsync(one);

        Assert.Empty(await views.ListAsync(one));
        Assert.Equal([1], await views.ListAsync(other));
    }

    [Fact]
    public async Task A_guests_views_follow_them_when_they_register_and_sign_in_and_the_product_page_records_views()
    {
        using var client = store.CreateClient();
        var products = (await client.GetFromJsonAsync<JsonElement>("/api/products?pageSize=3")).GetProperty("items").EnumerateArray()
            .Select(p => (Id: p.GetProperty("id").GetInt32(), Slug: p.GetProperty("slug").GetString()!)).ToList();
        (await client.PostAsJsonAsync("/api/recently-viewed", new { productId = products[0].Id })).EnsureSuccessStatusCode();
        await Task.Delay(5);
        (await client.GetAsync(new Uri($"/p/{products[1].Slug}", UriKind.Relative))).EnsureSuccessStatusCode();

        var email = $"viewer-{Guid.NewGuid():N}@tests.local";
        (await client.PostAsJsonAsync("/api/account/register", new { email, password = "viewer-password-1", displayName = "Viewer" })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/account/sign-in", new { email, password = "viewer-password-1" })).EnsureSuccessStatusCode();

        var mine = await client.GetFromJsonAsync<JsonElement>("/api/recently-viewed");
        Assert.Equal([products[1].Id, products[0].Id], mine.EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));

        (await client.DeleteAsync(new Uri("/api/recently-viewed", UriKind.Relative))).EnsureSuccessStatusCode();
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/recently-viewed")).EnumerateArray());
    }
}
