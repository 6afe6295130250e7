namespace Bazaar.Web.Hosting;

// Headers every response carries, pages, API answers, problems and static files alike. Set when the response
// starts, so that an exception handler clearing the response cannot drop them.
public sealed class SecurityHeaders(RequestDelegate next)
{
    // The storefront runs on its own scripts only: Blazor's blazor.web.js and the app's files, over its own
    // WebSocket ('self' covers ws/wss to the same host). Catalogue images are remote (Icecat, http and https).
    // Inline styles stay allowed: Blazor and the pages set style attributes, and styles cannot run code.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API reference page (Scalar) boots from an inline script, styles itself at run time and loads its fonts.
    private const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "font-src 'self' data: https://fonts.scalar.com; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs") ? ApiReferencePolicy : ContentSecurityPolicy;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
