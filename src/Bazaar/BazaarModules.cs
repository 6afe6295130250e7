using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Bazaar.Accounts;
using Bazaar.Catalog;
using Bazaar.Checkout;
using Bazaar.Data;
using Bazaar.Inventory;
using Bazaar.Orders;
using Bazaar.Payments;
using Bazaar.Payments.Sandbox;
using Bazaar.Platform;
using Bazaar.Store;
using Bazaar.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bazaar;

// Composition of the business modules; the web host adds pages and transport on top.
public static class BazaarModules
{
    public static IServiceCollection AddBazaar(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddBazaarData(configuration);
        services.AddSingleton<StoreReadiness>();
        services.AddOptions<StoreCurrencyOptions>().BindConfiguration(StoreCurrencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StoreCurrency>();
        services.AddSingleton<BackgroundMetrics>();
        services.AddHostedService<CatalogSeeder>();
        services.AddHealthChecks()
            .AddDbContextCheck<BazaarDb>("database", tags: ["ready"])
            .AddCheck<RedisCheck>("redis", tags: ["ready"])
            .AddCheck<DataDirectoryCheck>("data-directory", tags: ["ready"])
            .AddCheck<ReadinessCheck>("catalogue", tags: ["ready"]);

        services.AddScoped<Catalog.Catalog>();
        services.AddScoped<CatalogImport>();
        services.AddOptions<RemoteImageOptions>().BindConfiguration(RemoteImageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RemoteImages>();
        services.AddHttpClient(RemoteImages.ClientName).ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
        {
            ConnectCallback = (context, ct) =>
                RemoteImages.ConnectAsync(context, sp.GetRequiredService<IOptions<RemoteImageOptions>>().Value.AllowPrivateNetworks, ct),
        });
        services.AddScoped<ProductList>();
        services.AddOptions<ProductImageOptions>().BindConfiguration(ProductImageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ProductImages>();

        services.AddBazaarAccounts();
        services.AddBazaarInventory();
        services.AddOptions<Cart.CartOptions>().BindConfiguration(Cart.CartOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Cart.CartRateLimits>();
        services.AddScoped<Cart.Cart>();
        services.AddBazaarSearch();
        services.AddBazaarCheckout();
        services.AddOptions<Reviews.ReviewsOptions>().BindConfiguration(Reviews.ReviewsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Reviews.ReviewClientLimit>();
        services.AddScoped<Reviews.Reviews>();
        services.AddScoped<Reviews.ReviewList>();
        services.AddBazaarRecommendations();
        services.AddScoped<StoreAudit>();
        services.AddScoped<BackOffice.Dashboard>();
        services.AddScoped<Content.StorePages>();
        services.AddOptions<StoreDetailsOptions>().BindConfiguration(StoreDetailsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<BackOffice.CustomerList>();
        services.AddOptions<PurgeOptions>().BindConfiguration(PurgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<StoragePurge>();
        return services;
    }

    // Checkout, Orders and Payments: the three modules that turn a cart into a paid order.
    private static void AddBazaarCheckout(this IServiceCollection services)
    {
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.Section)
            .PostConfigure<IHostEnvironment>((o, env) =>
            {
                o.IsDevelopment = env.IsDevelopment();
                if (!o.IsDevelopment) return;
                // Development runs with nothing to set: the sandbox, and a webhook secret made up for this process.
                if (string.IsNullOrWhiteSpace(o.Gateway)) o.Gateway = PaymentsOptions.Sandbox;
                if (string.IsNullOrWhiteSpace(o.WebhookSecret)) o.WebhookSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OrdersOptions>().BindConfiguration(OrdersOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section).PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations().ValidateOnStart();
        // The sandbox provider: a component of its own (its page, its ledger, its webhook sender), reached by the store
        // only through its adapter, and only when Payments:Gateway names it (validated at start).
        services.AddSingleton<SandboxGateway>();
        services.AddSingleton<SandboxClientLimit>();
        services.AddHttpClient(SandboxWebhookSender.ClientName);
        services.AddSingleton<SandboxWebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxWebhookSender>());
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.UsesSandbox
            ? new SandboxPaymentGateway(sp.GetRequiredService<SandboxGateway>())
            : throw new InvalidOperationException("No payment gateway: set Payments:Gateway."));
        services.AddScoped<Payments.Payments>();
        services.AddSingleton<PaymentReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentReconciler>());
        services.AddScoped<Orders.Orders>();
        services.AddScoped<OrderAudit>();
        services.AddScoped<OrderReports>();
        services.AddScoped<Invoices>();
        services.AddScoped<OrderHistory>();
        services.AddSingleton<UnpaidOrderCanceller>();
        services.AddHostedService(sp => sp.GetRequiredService<UnpaidOrderCanceller>());
        services.AddSingleton<OrderNotificationSender>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderNotificationSender>());
        services.AddSingleton<CheckoutFaults>();
        services.AddSingleton<CheckoutMetrics>();
        services.AddSingleton<CheckoutThrottle>();
        services.AddSingleton<CheckoutRateLimit>();
        services.AddSingleton<RateCardCache>();
        services.AddScoped<ShippingAndTax>();
        services.AddScoped<Discounts.Discounts>();
        services.AddScoped<Discounts.Coupons>();
        services.AddScoped<Checkout.Checkout>();
    }

    private static void AddBazaarRecommendations(this IServiceCollection services)
    {
        services.AddOptions<Recommendations.RecommendationsOptions>().BindConfiguration(Recommendations.RecommendationsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Recommendations.Recommendations>();
        services.AddScoped<Recommendations.AlsoBoughtBuilder>();
        services.AddScoped<Recommendations.DemoHistory>();
        services.AddSingleton<Recommendations.RecommendationJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<Recommendations.RecommendationJobs>());
        // Recently viewed lives in Redis when the store has it, so every node sees the same list.
        services.AddScoped<Recommendations.IRecentlyViewed>(sp => RedisConnection(sp) is null
            ? ActivatorUtilities.CreateInstance<Recommendations.DatabaseRecentlyViewed>(sp)
            : ActivatorUtilities.CreateInstance<Recommendations.RedisRecentlyViewed>(sp));
    }

    private static void AddBazaarSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SearchIndex>();
        services.AddSingleton<StockSnapshot>();
        services.AddSingleton<SearchResultCache>();
        services.AddSingleton<SearchSynonyms>();
        services.AddSingleton<SearchMetrics>();
        services.AddSingleton<SearchIndexer>();
        services.AddScoped<SearchBackOffice>();
        services.AddHostedService(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddScoped<ProductSource>();
        services.AddScoped<ProductSearch>();
        services.AddOptions<SearchAnalyticsOptions>().BindConfiguration(SearchAnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SearchAnalytics>();
        services.AddHostedService<SearchAnalyticsFlusher>();
    }

    private static void AddBazaarInventory(this IServiceCollection services)
    {
        services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Inventory.Inventory>();
        services.AddScoped<InventoryAudit>();
        services.AddScoped<StockList>();
        services.AddSingleton<InventoryMetrics>();
        services.AddSingleton<ReservationQueue>();
        services.AddHostedService<ExpiredReservationSweeper>();

        // Redis is optional: with it the gate's tokens are shared by every node, without it each node counts alone.
        // Decided when first resolved, not here, so that hosts and tests can set the connection string in any source.
        services.AddSingleton<IConnectionMultiplexer>(sp => ConnectionMultiplexer.Connect(RedisOptions(RedisConnection(sp)
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not set."))));
        services.AddSingleton(sp => new RateCounters(
            RedisConnection(sp) is null ? null : sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RateCounters>>()));
        services.AddSingleton<IAdmissionGate>(sp => RedisConnection(sp) is null
            ? new LocalAdmissionGate()
            : ActivatorUtilities.CreateInstance<RedisAdmissionGate>(sp));
    }

    private static string? RedisConnection(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString("Redis") is { Length: > 0 } redis && !string.IsNullOrWhiteSpace(redis)
            ? redis
            : null;

    // A node starts without Redis and reconnects by itself when it returns; while it is away, commands fail at once
    // (instead of queueing for the 5 s timeout) so that the gate falls back to the database without stalling buyers.
    private static ConfigurationOptions RedisOptions(string connection)
    {
        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    private static void AddBazaarAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccountsOptions>, AdminSeedValidator>();
        services.AddScoped<AdminAccounts>();
        services.AddScoped<CustomerDirectory>();
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<AccountsOptions>>((o, accounts) =>
            o.ValidationInterval = accounts.Value.SessionCheckInterval);
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IMailSender>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<MailOptions>>().Value.PickupDirectory)
            ? ActivatorUtilities.CreateInstance<LogMailSender>(sp)
            : ActivatorUtilities.CreateInstance<PickupDirectoryMailSender>(sp));
        services.AddHttpContextAccessor();
        services.AddSingleton<AccountMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountMailer>());
        services.AddSingleton<SignInThrottle>();
        services.AddKeyedSingleton<EvenTiming>(Accounts.Accounts.RegistrationTiming);
        services.AddKeyedSingleton<EvenTiming>(Accounts.Accounts.ForgotPasswordTiming);
        services.AddScoped<Accounts.Accounts>();
        services.AddScoped<GuestHandOver>();
        // What follows a guest into the account on sign-in, in this order: the cart with its holds, then the views.
        services.AddScoped<IGuestHandOver>(sp => sp.GetRequiredService<Cart.Cart>());
        services.AddScoped<IGuestHandOver>(sp => sp.GetRequiredService<Recommendations.Recommendations>());
        services.AddSingleton<GuestCookie>();
        services.AddIdentity<Customer, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // NIST SP 800-63B: a minimum length and a breach list (PasswordPolicy), no composition rules.
                o.Password.RequiredLength = PasswordPolicy.MinimumLength;
                o.Password.RequiredUniqueChars = 1;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                // No lockout: SignInThrottle slows guessers per account and client instead of locking the owner out.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<BazaarDb>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicy>();

        services.ConfigureApplicationCookie(o =>
        {
            // Named by the web host (TransportSecurity): __Host-bazaar_session when the store is served over HTTPS.
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            // API callers get status codes, not redirects to the sign-in page.
            o.Events.OnRedirectToLogin = ctx => ApiOrRedirect(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized, "Sign in first.");
            o.Events.OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden, "This needs the admin role.");
        });

        services.AddAuthorizationBuilder().AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (ctx, ct) =>
            {
                var wait = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                ctx.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!ctx.HttpContext.Request.Path.StartsWithSegments("/api"))
                {
                    ctx.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                    await ctx.HttpContext.Response.WriteAsync(
                        $"<!DOCTYPE html><title>Too many attempts</title><p>Too many attempts from this address. Wait {seconds} seconds, then try again.</p>", ct);
                    return;
                }
                await Results.Problem($"Too many attempts from this address; try again in {seconds} seconds.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.").ExecuteAsync(ctx.HttpContext);
            };
            // Only posted forms count: showing a page is free.
            o.AddPolicy(AccountsApi.SignInRateLimit, http => PerClient(http, "sign-in", o => o.SignInAttemptsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(AccountsApi.RegistrationRateLimit, http => PerClient(http, "registration", o => o.RegistrationsPerHour, TimeSpan.FromHours(1)));
            o.AddPolicy(AccountsApi.PasswordResetRateLimit, http => PerClient(http, "password-reset", o => o.PasswordResetsPerHour, TimeSpan.FromHours(1)));
        });
    }

    // A fixed window per client address (as UseForwardedHeaders reports it) for posts; reads are not limited.
    // Counted by RateCounters (across nodes with Redis); a partition per request, since its count lives there.
    private static RateLimitPartition<string> PerClient(HttpContext http, string name, Func<AccountsOptions, int> limit,
        TimeSpan window) =>
        HttpMethods.IsPost(http.Request.Method)
            ? new RateLimitPartition<string>(name + "|" + SignInThrottle.ClientOf(http), key => new RateCounterLimiter(
                http.RequestServices.GetRequiredService<RateCounters>(), name, SignInThrottle.ClientOf(http),
                limit(http.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value), window))
            : RateLimitPartition.GetNoLimiter("read");

    private static async Task ApiOrRedirect(HttpContext http, string redirectUri, int status, string detail)
    {
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            http.Response.StatusCode = status;
            await Results.Problem(detail, statusCode: status).ExecuteAsync(http);
            return;
        }
        http.Response.Redirect(redirectUri);
    }
}
