using System.Text;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Sandbox;

// The sandbox's webhook sender: delivers each queued event, signed with the shared secret, to the merchant's webhook
// URL; a delivery that fails (no answer, or any answer but 2xx) is tried again after 2, 4, 8 ... seconds, up to
// SandboxOptions.WebhookMaxAttempts. Every node runs one: an event is claimed by moving its next attempt forward with
// a conditional update, so two nodes never send it at the same moment (and the store would ignore the second anyway).
public sealed class SandboxWebhookSender(
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    IServer server,
    StoreReadiness readiness,
    TimeProvider clock,
    IOptions<SandboxOptions> options,
    IOptions<PaymentsOptions> payments,
    ILogger<SandboxWebhookSender> log) : BackgroundService
{
    public const string ClientName = "sandbox-webhooks";
    private const int BatchSize = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.WebhookInterval, clock);
        do
        {
            if (!readiness.IsReady) continue;
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Sending sandbox webhooks failed; trying again in {Interval}", options.Value.WebhookInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Sends what is due now; returns how many were delivered.
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var target = payments.Value.UsesSandbox ? Target() : null;
        if (target is null) return 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var now = clock.GetUtcNow();
        var due = await db.SandboxWebhooks.AsNoTracking().Where(w => w.DeliveredAt == null && !w.Abandoned && w.NextAttemptAt <= now)
            .OrderBy(w => w.Id).Take(BatchSize).ToListAsync(ct);
        var delivered = 0;
        foreach (var webhook in due)
        {
            var claimed = await db.SandboxWebhooks.Where(w => w.Id == webhook.Id && w.NextAttemptAt == webhook.NextAttemptAt && w.DeliveredAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(w => w.NextAttemptAt, now + Lease), ct);
            if (claimed == 0) continue;
            var error = await DeliverAsync(target, webhook.Payload, ct);
            var attempts = webhook.Attempts + 1;
            if (error is null)
            {
                await db.SandboxWebhooks.Where(w => w.Id == webhook.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(w => w.Attempts, attempts).SetProperty(w => w.DeliveredAt, clock.GetUtcNow()).SetProperty(w => w.LastError, (string?)null), ct);
                delivered++;
                continue;
            }
            var abandon = attempts >= options.Value.WebhookMaxAttempts;
            var next = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, attempts)));
            await db.SandboxWebhooks.Where(w => w.Id == webhook.Id).ExecuteUpdateAsync(u => u
                .SetProperty(w => w.Attempts, attempts).SetProperty(w => w.NextAttemptAt, next).SetProperty(w => w.Abandoned, abandon)
                .SetProperty(w => w.LastError, error.Length > 300 ? error[..300] : error), ct);
            if (abandon) log.LogWarning("Sandbox webhook {EventId} given up after {Attempts} deliveries: {Error}", webhook.EventId, attempts, error);
        }
        return delivered;
    }

    // Null when delivered (a 2xx), otherwise what went wrong.
    private async Task<string?> DeliverAsync(Uri target, string payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(payments.Value.WebhookSecret!, clock.GetUtcNow(), payload));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.CreateClient(ClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    // The configured URL, or this node's own webhook endpoint (on loopback) when it listens on a port.
    private Uri? Target()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.WebhookUrl)) return new Uri(options.Value.WebhookUrl);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http", StringComparison.Ordinal));
        if (address is null) return null;
        var local = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (local.Host is "0.0.0.0" or "[::]" or "localhost") local.Host = "127.0.0.1";
        local.Path = "/api/payments/webhook";
        return local.Uri;
    }
}
