using System.Globalization;
using Bazaar.Platform;
using Microsoft.Extensions.Options;

namespace Bazaar.Web.Hosting;

// Search:RequestsPerClientPerMinute for GET /api/search, /api/search/suggest and the /search page: a client (one
// address, however many cookies or accounts) cannot keep a node's CPU busy with searches. Over the limit: 429 with
// Retry-After, a problem for the API and a short page for people.
// Counted across nodes with Redis (RateCounters).
public sealed class SearchRateLimit(RequestDelegate next, IOptions<SearchRateLimitOptions> options, RateCounters counters)
{
    public static bool Applies(HttpContext http) => HttpMethods.IsGet(http.Request.Method)
        && (http.Request.Path.StartsWithSegments("/api/search") || http.Request.Path.StartsWithSegments("/search"));

    public async Task InvokeAsync(HttpContext http)
    {
        if (await counters.TakeAsync("Search:RequestsPerClientPerMinute", ClientAddress.Of(http),
                options.Value.RequestsPerClientPerMinute, TimeSpan.FromMinutes(1)) is not { } retryAfter)
        {
            await next(http);
            return;
        }
        var seconds = RateCounters.Seconds(retryAfter);
        var message = $"Too many searches from your address in a short time; wait {seconds} seconds and search "
            + "again.";
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Results.Problem(message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many searches.",
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"<!DOCTYPE html><title>Too many searches</title><p>{message}</p>",
            http.RequestAborted);
    }
}
