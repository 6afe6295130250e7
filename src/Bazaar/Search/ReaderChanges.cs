using System.Runtime.CompilerServices;
using Lucene.Net.Index;

namespace Bazaar.Search;

// Which products changed from one index reader to the next, so that a cached result can tell whether a change
// touches it (see SearchResultCache). Each reader an index generation opens gets a version, and the version
// notes the one before it and the products written in between. Writes and refreshes come from the one indexer
// loop, so the products written before a refresh are exactly what its reader adds. Versions are unique across
// generations: a rebuilt index starts a chain of its own, which nothing cached before it can follow.
public sealed class ReaderChanges
{
    // Transitions remembered: far more than the refreshes between two searches of any one result worth keeping.
    private const int Remembered = 1024;
    private static long _lastVersion;

    private readonly System.Threading.Lock _gate = new();
    private readonly ConditionalWeakTable<IndexReader, StrongBox<long>> _versions = new();
    private readonly Dictionary<long, (long Previous, int[] Changed)> _steps = [];
    private readonly Queue<long> _order = new();
    private readonly HashSet<int> _pending = [];
    private long _latest;

    public void Written(IEnumerable<int> productIds)
    {
        lock (_gate) _pending.UnionWith(productIds);
    }

    // Called as the searcher manager opens a reader, before searches can see it.
    public void Opened(IndexReader reader)
    {
        lock (_gate)
        {
            var version = Interlocked.Increment(ref _lastVersion);
            _steps[version] = (_latest, [.. _pending]);
            _order.Enqueue(version);
            if (_order.Count > Remembered) _steps.Remove(_order.Dequeue());
            _pending.Clear();
            _latest = version;
            _versions.AddOrUpdate(reader, new StrongBox<long>(version));
        }
    }

    // 0 for a reader this generation did not open.
    public long VersionOf(IndexReader reader) => _versions.TryGetValue(reader, out var box) ? box.Value : 0;

    // The products written between two versions of this chain, or null when `to` does not lead back to `from`
    // (another generation, or a step no longer remembered).
    public HashSet<int>? ChangedBetween(long from, long to)
    {
        if (from == 0 || to == 0) return null;
        var changed = new HashSet<int>();
        lock (_gate)
        {
            for (var version = to; version != from; )
            {
                if (version < from || !_steps.TryGetValue(version, out var step)) return null;
                changed.UnionWith(step.Changed);
                version = step.Previous;
            }
        }
        return changed;
    }
}
