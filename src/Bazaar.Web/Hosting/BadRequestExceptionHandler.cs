using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Bazaar.Web.Hosting;

// Turns request-binding failures (malformed JSON, a string where a number belongs) into a 400 that names
// the field, instead of the bare status the framework would give.
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var json = exception.InnerException as JsonException;
        var field = json?.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        var detail = json is null ? bad.Message
            : field is null ? "The request body is not valid JSON."
            : $"The value of '{field}' has the wrong type or format.";
        http.Response.StatusCode = bad.StatusCode;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "The request is invalid.",
            Detail = detail,
        };
        if (field is not null) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }
}
