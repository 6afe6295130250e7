using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Bazaar.Web.Hosting;

// Cross-site request forgery. A page on another site can make a shopper's browser send a POST (with no body at
// all: a form, or fetch in no-cors mode) to the store, and the browser attaches the shopper's cookies: the session,
// the guest id. So every request that can change state (POST, PUT, PATCH, DELETE) and carries cookies must come from
// the store's own pages (Sec-Fetch-Site, or else Origin, says so) or carry an antiforgery token in a header, which
// another site's page cannot read. One middleware for every endpoint, so that one added later is covered without
// being named here. A client that sends no cookies (a script using the API) has no ambient authority to abuse and is
// not asked. Blazor's forms come from the store's pages and keep their form token, which UseAntiforgery checks later.
public sealed class CrossSiteRequests(
    RequestDelegate next, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> options)
{
    public const string TokenPath = "/api/antiforgery";

    public async Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || HttpMethods.IsOptions(http.Request.Method) || HttpMethods.IsTrace(http.Request.Method)
            || http.Request.Cookies.Count == 0 || IsSameOrigin(http.Request) || await HasValidTokenAsync(http))
        {
            await next(http);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(
            "A request that changes something, sent with this site's cookies, must come from this site's own pages or "
            + $"carry the antiforgery token in the '{options.Value.HeaderName}' header (GET {TokenPath} gives one). "
            + "Nothing was changed.",
            statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused.").ExecuteAsync(http);
    }

    // Sec-Fetch-Site is set by the browser and cannot be forged by a page; browsers that predate it still send Origin
    // on every cross-origin POST. A request with neither was not made by a browser for another site. Behind a proxy
    // the Host header must be the public one (nginx: proxy_set_header Host $host) for the Origin comparison.
    public static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is "same-origin" or "none";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)) return false;
        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(from.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && from.Port == port;
    }

    private async Task<bool> HasValidTokenAsync(HttpContext http) =>
        options.Value.HeaderName is { } header && http.Request.Headers.ContainsKey(header)
        && await antiforgery.IsRequestValidAsync(http);
}

public sealed record AntiforgeryTokenView(string HeaderName, string Token);

public static class CrossSiteRequestsEndpoints
{
    // For scripts on the store's own pages (or an API client using cookies): the token to send in the header.
    public static IEndpointRouteBuilder MapAntiforgeryToken(this IEndpointRouteBuilder app)
    {
        app.MapGet(CrossSiteRequests.TokenPath, (HttpContext http, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            return TypedResults.Ok(new AntiforgeryTokenView(tokens.HeaderName!, tokens.RequestToken!));
        }).WithTags("Accounts");
        return app;
    }
}
