using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bazaar.Web.Hosting;

// /health/ready's answer: 503 while any check is unhealthy or the catalogue is still loading (degraded), 200 otherwise
// (Redis away is degraded but the node still sells, so it stays in rotation), with each check's status and why.
internal static class ReadinessReport
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var ready = report.Entries.All(e => e.Value.Status == HealthStatus.Healthy || (e.Value.Status == HealthStatus.Degraded && e.Key != "catalogue"));
        http.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        if (!ready) http.Response.Headers.RetryAfter = UnavailableExceptionHandler.RetryAfterSeconds;
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = ready ? report.Status.ToString() : "NotReady",
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: http.RequestAborted);
    }
}
