using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bazaar.Web.Hosting;

// Stands in front of /metrics: the scrape shows traffic, stock and order figures that are nobody's business but the
// operator's. Open in Development when nothing is configured, so `curl 127.0.0.1:5000/metrics` works there.
public sealed class MetricsGate(RequestDelegate next, IOptions<MetricsOptions> options, IHostEnvironment environment)
{
    public Task InvokeAsync(HttpContext context)
    {
        var o = options.Value;
        if (o.Port is { } port && context.Connection.LocalPort == port) return next(context);
        if (o.BearerToken is { Length: > 0 } token)
        {
            if (HasToken(context.Request, token)) return next(context);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem("/metrics needs the bearer token set in Metrics:BearerToken.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.").ExecuteAsync(context);
        }
        if (o.Port is null && environment.IsDevelopment()) return next(context);
        return Results.Problem(detail: null, statusCode: StatusCodes.Status404NotFound, title: "Not found.").ExecuteAsync(context);
    }

    private static bool HasToken(HttpRequest request, string token)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Fixed-time comparison, so the token cannot be guessed a character at a time from response times.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
