using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Faults;

// Many shoppers adding one unit of a SKU at the same moment, each answer kept with how long it took. A shopper whose
// request did not end within the client's timeout is counted as hung (status 0), not left to hang the test.
public static class Burst
{
    public sealed record Answer(HttpStatusCode Status, TimeSpan Took, string? RetryAfter, string Body);

    public static async Task<IReadOnlyList<HttpClient>> ShoppersAsync(StoreFactory store, int count, TimeSpan timeout)
    {
        var shoppers = Enumerable.Range(0, count).Select(_ =>
        {
            var client = store.CreateClient();
            client.Timeout = timeout;
            return client;
        }).ToList();
        // Each has its own cookie jar: a distinct shopper, known before the fault starts.
        await Task.WhenAll(shoppers.Select(s => s.GetAsync(new Uri("/api/cart", UriKind.Relative))));
        return shoppers;
    }

    public static async Task<IReadOnlyList<Answer>> AddAsync(IReadOnlyList<HttpClient> shoppers, string sku)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = shoppers.Select(async shopper =>
        {
            await go.Task;
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await shopper.PostAsJsonAsync("/api/cart/items", new { sku, quantity = 1 });
                var retryAfter = response.Headers.RetryAfter?.ToString();
                return new Answer(response.StatusCode, clock.Elapsed, retryAfter, await response.Content.ReadAsStringAsync());
            }
            catch (TaskCanceledException)
            {
                return new Answer(0, clock.Elapsed, null, "no answer before the client's timeout");
            }
        }).ToList();
        go.SetResult();
        return await Task.WhenAll(attempts);
    }

    public static string Describe(IEnumerable<Answer> answers) =>
        string.Join("; ", answers.GroupBy(a => a.Status).Select(g => $"{(int)g.Key} x{g.Count()} (e.g. {g.First().Body[..Math.Min(160, g.First().Body.Length)]})"));
}
