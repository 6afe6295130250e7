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
        // A write that was under way when its wait ended may have happened: the answer says so instead.
        var unknown = Find(exception) is { ChangedNothing: false } underWay ? underWay : null;
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
                Detail = unknown?.Message ?? $"The store cannot reach its {dependency} right now; nothing was changed. Try again in a few seconds.",
                Extensions = { ["dependency"] = dependency, ["changedNothing"] = unknown is null },
            },
        });
    }

    private static DependencyUnavailable? Find(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is DependencyUnavailable d) return d;
        return null;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
