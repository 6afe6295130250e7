using System.Threading.RateLimiting;

namespace Bazaar.Platform;

// One partition of an ASP.NET Core rate-limiting policy counted by RateCounters, so that the policy's budget is shared
// by every node when Redis is configured. The rate-limiting middleware first tries AttemptAcquire and, when that is
// not granted, awaits AcquireAsync: the synchronous try grants nothing, and the count is taken once, asynchronously.
public sealed class RateCounterLimiter(RateCounters counters, string name, string key, int permits, TimeSpan window)
    : RateLimiter
{
    // Holds no state of its own (the count is in RateCounters), so it may always be dropped and made again.
    public override TimeSpan? IdleDuration => TimeSpan.FromHours(1);

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        await counters.TakeAsync(name, key, permits, window) is { } retryAfter ? new Lease(false, retryAfter) : Lease.Granted;

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
