using Microsoft.AspNetCore.Diagnostics;

namespace Bazaar.Web.Hosting;

// When the database cannot be reached in time (connection pool exhausted, SQLite busy past its timeout) the
// store is overloaded, not broken: answer 503 with Retry-After and say so, instead of a bare 500.
internal sealed class OverloadExceptionHandler(IProblemDetailsService problems, ILogger<OverloadExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsOverload(exception)) return false;
        log.LogWarning("Overloaded: {Message}", exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The store is busy.",
                Detail = "Too many requests are waiting for the database; nothing was changed. Try again in a moment.",
            },
        });
    }

    private static bool IsOverload(Exception e) => e switch
    {
        Npgsql.NpgsqlException { InnerException: TimeoutException } => true,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } => true,
        _ => e.InnerException is { } inner && IsOverload(inner),
    };
}
