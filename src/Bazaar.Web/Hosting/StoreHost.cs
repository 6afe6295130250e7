using Bazaar.Accounts;
using Bazaar.Cart;
using Bazaar.Inventory;
using Bazaar.Catalog;
using Bazaar.Checkout;
using Bazaar.Data;
using Bazaar.Discounts;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Platform;
using Bazaar.Store;
using Bazaar.Recommendations;
using Bazaar.Reviews;
using Bazaar.Search;
using Bazaar.Web.Components;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Scalar.AspNetCore;

namespace Bazaar.Web.Hosting;

public static class StoreHost
{
    public const string MeterPrefix = "Bazaar.";

    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddBazaar(builder.Configuration);
        services.AddOptions<SearchRateLimitOptions>().BindConfiguration(SearchRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();

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
        app.UseWhen(SearchRateLimit.Applies, search => search.UseMiddleware<SearchRateLimit>());
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
            ResponseWriter = ReadinessReport.WriteAsync,
        });
        app.MapPrometheusScrapingEndpoint("/metrics");

        app.MapAntiforgeryToken();
        app.MapCatalogApi();
        app.MapAccountsApi();
        app.MapInventoryApi();
        app.MapCartApi();
        app.MapCheckoutApi();
        app.MapShippingAndTaxApi();
        app.MapDiscountsApi();
        MapPaymentGateway(app);
        app.MapOrdersApi();
        app.MapStoreAuditApi();
        app.MapSearchApi();
        app.MapReviewsApi();
        app.MapRecommendationsApi();
        Bazaar.BackOffice.BackOfficeApi.MapBackOfficeApi(app);
        Bazaar.Content.ContentApi.MapContentApi(app);
        app.MapSiteFiles();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    // The sandbox gateway's page exists only where the sandbox is the gateway; anywhere but Development that was
    // asked for by name, and every start says so loudly. (Reading the options here also refuses a start without a
    // gateway, naming Payments:Gateway.)
    private static void MapPaymentGateway(WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<PaymentsOptions>>().Value.UsesSandbox) return;
        app.MapSandboxGateway();
        if (!app.Environment.IsDevelopment())
            app.Logger.LogWarning("PAYMENTS ARE SIMULATED: Payments:Gateway=Sandbox in the {Environment} environment. The sandbox "
                + "authorises test cards and takes no money: every order is free. Configure a real gateway before selling.",
                app.Environment.EnvironmentName);
    }

    public static async Task<int> StartStoreAsync(this WebApplication app)
    {
        if (!CanWriteDataDirectory(app)) return 1;
        await app.Services.PrepareDatabaseAsync();
        await app.Services.RequireAdminAsync();
        app.Lifetime.ApplicationStarted.Register(() => _ = AnnounceWhenReadyAsync(app));
        await app.RunAsync();
        return 0;
    }

    // The last line of a (first) start: where to go, once the catalogue is loaded, at the address really bound.
    private static async Task AnnounceWhenReadyAsync(WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<StoreReadiness>().WhenReady.WaitAsync(app.Lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses?.FirstOrDefault() is not { } address) return;
        var admin = app.Configuration["Accounts:AdminEmail"];
        app.Logger.LogInformation("Bazaar is ready at {Address}{Admin}", address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal), string.IsNullOrWhiteSpace(admin) ? "" : $" (admin: {admin})");
    }

    // Settings that fail validation, or a store nobody could run, stop the start with a line per problem and what to
    // do, not a stack trace (exit 1).
    public static int RefuseToStart(IEnumerable<string> problems)
    {
        Console.Error.WriteLine("Bazaar cannot start:");
        foreach (var failure in problems.Select(ValidationMessage).Distinct(StringComparer.Ordinal))
            Console.Error.WriteLine("  - " + failure);
        return 1;
    }

    // A test host (WebApplicationFactory serves the store in memory) wants the refusal as the exception it is.
    public static bool OwnsProcess(WebApplication app) =>
        app.Services.GetService<IServer>()?.GetType().Namespace != "Microsoft.AspNetCore.TestHost";

    // Data annotations wrap a message as "DataAnnotation validation failed for 'X' members: '' with the error: '...'.".
    private static string ValidationMessage(string failure)
    {
        const string Marker = "with the error: '";
        var start = failure.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0) return failure;
        var message = failure[(start + Marker.Length)..];
        return message.EndsWith("'.", StringComparison.Ordinal) ? message[..^2] : message;
    }

    // A node on a directory it cannot write fails at its first hold or index commit; say so in one line at start instead
    // (exit 1), naming the directory and the setting.
    public static bool CanWriteDataDirectory(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var directories = new List<string> { Path.GetFullPath(options.DataDirectory) };
        if (options.Provider == DatabaseProvider.Sqlite
            && new SqliteConnectionStringBuilder(DataRegistration.SqliteConnectionString(app.Configuration, options, create: false)) is
                { Mode: not SqliteOpenMode.Memory and not SqliteOpenMode.ReadOnly, DataSource: { Length: > 0 } file })
            directories.Add(Path.GetDirectoryName(Path.GetFullPath(file))!);
        foreach (var directory in directories.Distinct())
        {
            if (DataDirectory.Problem(directory) is not { } problem) continue;
            Console.Error.WriteLine($"Bazaar cannot start: its data directory {directory} is not writable ({problem}). "
                + "Make it writable for this user or point Database:DataDirectory somewhere that is.");
            return false;
        }
        return true;
    }
}
