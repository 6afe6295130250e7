using System.Diagnostics.Metrics;

namespace Bazaar.Platform;

// How often background work failed and was restarted: a job or queue consumer that keeps failing shows here (and in
// the log) instead of silently stopping.
public sealed class BackgroundMetrics : IDisposable
{
    public const string MeterName = "Bazaar.Platform";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _restarts;

    public BackgroundMetrics()
    {
        _restarts = _meter.CreateCounter<long>("bazaar.background.restarts", "{restart}",
            "Failed runs of a background job or queue consumer that were retried after a back-off, tagged worker.");
    }

    public void Restarted(string worker) => _restarts.Add(1, new KeyValuePair<string, object?>("worker", worker));

    public void Dispose() => _meter.Dispose();
}
