using Bazaar.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Bazaar.Platform;

// Ready only while the data directory takes writes: a full or read-only disk fails every hold and search commit.
internal sealed class DataDirectoryCheck(IOptions<DatabaseOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(options.Value.DataDirectory);
        return Task.FromResult(DataDirectory.Problem(path) is { } problem
            ? HealthCheckResult.Unhealthy($"The data directory {path} cannot be written: {problem}")
            : HealthCheckResult.Healthy($"The data directory {path} takes writes."));
    }
}
