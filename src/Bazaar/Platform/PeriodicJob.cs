using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bazaar.Platform;

// The loop every periodic background job shares: once the store is ready, run, then wait for the interval. A run that
// throws anything is logged and retried after a pause that doubles with each failure in a row (up to MaxBackoff); it
// never ends the job, because a job that dies silently leaves holds unreleased, orders unpaid and mail unsent until
// someone restarts the node. Only the host stopping ends it.
public abstract class PeriodicJob(StoreReadiness readiness, BackgroundMetrics metrics, TimeProvider clock, ILogger log)
    : BackgroundService
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected TimeProvider Clock => clock;

    // For the log and the restarts metric: "reservation-sweeper", "unpaid-order-canceller".
    protected abstract string Name { get; }

    protected abstract TimeSpan Interval { get; }

    // One pass of the job's work: claim what is due, do it, return.
    protected abstract Task TickAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // The first run comes as soon as the store is ready (a node that starts after a crash reconciles at once),
        // not one interval after.
        try { await readiness.WhenReady.WaitAsync(stoppingToken); }
        catch (OperationCanceledException) { return; }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var pause = Interval;
            if (readiness.IsReady)
            {
                try
                {
                    await TickAsync(stoppingToken);
                    if (failures > 0) log.LogInformation("{Job} works again after {Failures} failed run(s)", Name, failures);
                    failures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    failures++;
                    pause = BackoffAfter(failures, Interval);
                    metrics.Restarted(Name);
                    log.LogWarning(e, "{Job} failed ({Failures} in a row); it runs again in {Pause}", Name, failures, pause);
                }
            }
            try
            {
                await Task.Delay(pause, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The interval after the first failure, then twice as long each time, never more than MaxBackoff (nor less than
    // the interval itself, for a job whose interval is longer).
    public static TimeSpan BackoffAfter(int failures, TimeSpan interval)
    {
        var doubled = interval * Math.Pow(2, Math.Min(failures - 1, 16));
        return doubled > MaxBackoff ? (interval > MaxBackoff ? interval : MaxBackoff) : doubled;
    }
}
