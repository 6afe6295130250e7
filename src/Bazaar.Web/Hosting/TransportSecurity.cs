using System.Net;
using Bazaar.Platform;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bazaar.Web.Hosting;

// How the store meets the network: the proxies it believes, HTTPS, cookies and the headers on every response.
// docs/security.md lists each control with its setting and its test.
public static class TransportSecurity
{
    public const string SessionCookie = "bazaar_session";
    public const string AntiforgeryCookie = "bazaar_antiforgery";

    public static IServiceCollection AddTransportSecurity(this IServiceCollection services)
    {
        services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = settings.Value.ForwardLimit;
            foreach (var proxy in settings.Value.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in settings.Value.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        services.AddOptions<HttpsRedirectionOptions>().Configure<IOptions<HttpsOptions>>((o, https) =>
        {
            o.HttpsPort = https.Value.Port;
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((o, https) => o.MaxAge = https.Value.HstsMaxAge);

        // Every cookie, whoever sets it (sign-in, antiforgery, the guest id, anything added later), leaves with these.
        services.AddOptions<CookiePolicyOptions>().Configure<IOptions<HttpsOptions>>((o, https) =>
        {
            o.Secure = https.Value.Required ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = HttpOnlyPolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<HttpsOptions>>((o, https) =>
            o.Cookie.Name = https.Value.CookieName(AntiforgeryCookie));
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<HttpsOptions>>((o, https) =>
            o.Cookie.Name = https.Value.CookieName(SessionCookie));
        return services;
    }

    // First in the pipeline: later middleware (rate limits, redirects, cookies) sees the client's address and scheme.
    public static IApplicationBuilder UseTransportSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        if (app.Services.GetRequiredService<IOptions<HttpsOptions>>().Value.Required)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.UseCookiePolicy();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/metrics"), metrics => metrics.UseMiddleware<MetricsGate>());
        return app;
    }
}
