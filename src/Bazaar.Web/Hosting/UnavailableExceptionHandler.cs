using Bazaar.Platform;
using Microsoft.AspNetCore.Diagnostics;

namespace Bazaar.Web.Hosting;

// The database or Redis is down, restarting, full or read-only: the request changed nothing (its transaction rolled
// back), so answer 503 with Retry-After and say which dependency, instead of a 500 that reads as a bug.
internal sealed class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> log)
    : IExceptionHandler
{
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (DependencyUnavailable.Classify(exception) is not { } dependency) return false;
        log.LogWarning("{Dependency} unavailable for {Method} {Path}: {Message}", dependency, http.Request.Method, http.Request.Path,
            Innermost(exception).Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"The store's {dependency} is unavailable.",
                Detail = $"The store cannot reach its {dependency} right now; nothing was changed. Try again in a few seconds.",
                Extensions = { ["dependency"] = dependency },
            },
        });
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
