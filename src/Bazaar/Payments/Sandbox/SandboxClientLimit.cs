using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Sandbox;

// Card tries per client address per minute on this node (SandboxOptions.AttemptsPerClientPerMinute): one address
// testing stolen cards over many payments is stopped here; many tries on one payment, by its FailedAttempts.
public sealed class SandboxClientLimit(IOptions<SandboxOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AttemptsPerClientPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    // Null when the client may try a card now, otherwise how long until it may.
    public TimeSpan? Take(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
