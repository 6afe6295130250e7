using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bazaar.Platform;

internal sealed class ReadinessCheck(StoreReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady
            ? HealthCheckResult.Healthy("The catalogue is loaded.")
            // Degraded, not unhealthy: still loading is expected; /health/ready answers 503 for it all the same.
            : HealthCheckResult.Degraded($"Not ready: {readiness.Stage} ({readiness.Processed} of {readiness.Total})."));
}
