using System.Diagnostics;

namespace Bazaar.Accounts;

// Makes the two paths of one operation take equally long as seen from outside, so the time of an answer does not
// tell whether an address has an account. The path that does more (creating an account, mailing a known address)
// reports how long it took; every answer of the operation, either path, waits until the 90th percentile of the
// last reports has passed since the request began. A high percentile, not the median: then nearly every answer of
// both paths ends on the same wait, instead of the slow path's upper half showing through. Wall time (Stopwatch), not the store's TimeProvider: this is about
// what an attacker measures, and a test's fake clock must not stop a request.
public sealed class EvenTiming
{
    private const int Window = 31;
    private readonly double[] _recent = new double[Window];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;

    public static long Start() => Stopwatch.GetTimestamp();

    public void Observe(long started)
    {
        var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_lock)
        {
            _recent[_next] = took;
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);
        }
    }

    public TimeSpan Typical
    {
        get
        {
            double[] recent;
            lock (_lock) recent = _recent[.._count];
            if (recent.Length == 0) return TimeSpan.Zero;
            Array.Sort(recent);
            return TimeSpan.FromMilliseconds(recent[recent.Length * 9 / 10]);
        }
    }

    public async Task PadAsync(long started, CancellationToken ct)
    {
        // Every answer goes through one timer wait, even one already past the typical time: on a busy machine a
        // timer fires late, and only the fast path waiting on one would show as the slower.
        var remaining = Typical - Stopwatch.GetElapsedTime(started);
        await Task.Delay(remaining > MinimumWait ? remaining : MinimumWait, ct);
    }

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);
}
