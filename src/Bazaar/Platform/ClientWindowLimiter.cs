using System.Threading.RateLimiting;

namespace Bazaar.Platform;

// Counts one kind of request per client address (ClientAddress.Of) in fixed windows, on this node: a limit that many
// accounts or fresh cookies from one address share.
public sealed class ClientWindowLimiter(Func<int> permits, TimeSpan window) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(),
            Window = window,
            QueueLimit = 0,
        }));

    // False when the client has used up this window; retryAfter says when the next one starts.
    public bool TryTake(string client, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(client);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        return lease.IsAcquired;
    }

    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public void Dispose() => _limiter.Dispose();
}
