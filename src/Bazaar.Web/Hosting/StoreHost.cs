using Bazaar.Accounts;
using Bazaar.Cart;
using Bazaar.Inventory;
using Bazaar.Catalog;
using Bazaar.Checkout;
using Bazaar.Orders;
using Bazaar.Platform;
using Bazaar.Recommendations;
using Bazaar.Reviews;
using Bazaar.Search;
using Bazaar.Web.Components;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Bazaar.Web.Hosting;

public static class StoreHost
{
    public const string MeterPrefix = "Bazaar.";

    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddBazaar(builder.Configuration);

        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<OverloadExceptionHandler>();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        // Body binding failures throw so that BadRequestExceptionHandler can name the field in a problem.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddTransportSecurity();
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiAdminPaths>());

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();

        services.AddOpenTelemetry().WithMetrics(m => m
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(MeterPrefix + "*")
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication UseStore(this WebApplication app)
    {
        app.UseTransportSecurity();
        app.UseExceptionHandler();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Explicit, so that the re-executed /not-found request is routed to its page.
        app.UseRouting();

        app.UseMiddleware<AnonymousShopper>();
        app.UseAuthentication();
        // After authentication: an antiforgery token is bound to the signed-in user.
        app.UseMiddleware<CrossSiteRequests>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Bazaar API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");

        app.MapAntiforgeryToken();
        app.MapCatalogApi();
        app.MapAccountsApi();
        app.MapInventoryApi();
        app.MapCartApi();
        app.MapCheckoutApi();
        app.MapOrdersApi();
        app.MapSearchApi();
        app.MapReviewsApi();
        app.MapRecommendationsApi();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    public static async Task StartStoreAsync(this WebApplication app)
    {
        await app.Services.PrepareDatabaseAsync();
        await app.Services.RequireAdminAsync();
        await app.RunAsync();
    }
}
