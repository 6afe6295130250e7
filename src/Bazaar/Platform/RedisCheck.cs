using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Bazaar.Platform;

// Redis, when the store has one. Degraded, not unhealthy, when it is away: the node still sells (the gate lets the
// database decide), so /health/ready keeps it in rotation and says what is missing.
internal sealed class RedisCheck(IServiceProvider services, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"))) return HealthCheckResult.Healthy("Not configured: in-process.");
        try
        {
            var latency = await services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Answers in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (Exception e) when (DependencyUnavailable.Classify(e) == DependencyUnavailable.Redis)
        {
            return HealthCheckResult.Degraded("Unreachable; the gate lets the database decide until it returns: " + e.Message);
        }
    }
}
