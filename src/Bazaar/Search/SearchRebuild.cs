using Bazaar.Catalog;
using Bazaar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Search;

public sealed record RebuildProgress(int Indexed, int Total);

// Reports on the rebuilding thread, in order (Progress<T> posts to the thread pool, so reports can arrive late).
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

// A full rebuild: every product into a new index generation, published when complete. Used on a node's
// first start, by `reindex`, and when a node's index is older than the change feed still holds.
public static class SearchRebuild
{
    private const int BatchSize = 200;

    // Returns the feed id the new generation is known to include.
    public static async Task<long> RunAsync(IServiceProvider services, SearchIndex index, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var source = scope.ServiceProvider.GetRequiredService<ProductSource>();

        // Read the feed's position before the products: a change committed in between is then both in the
        // snapshot and replayed afterwards, which is harmless; the other way round it would be lost.
        var appliedThrough = await WatermarkAsync(db, ct);
        var ids = await source.ListIdsAsync(ct);
        using var build = index.BeginBuild();
        var indexed = 0;
        progress?.Report(new RebuildProgress(0, ids.Count));
        foreach (var batch in ids.Chunk(BatchSize))
        {
            build.Add(await source.LoadAsync(batch, ct));
            indexed += batch.Length;
            progress?.Report(new RebuildProgress(indexed, ids.Count));
        }
        build.Publish(appliedThrough);
        return appliedThrough;
    }

    // The highest feed id below which every id is visible. A missing id among the latest ones may belong to
    // a transaction still open (PostgreSQL hands out ids before commit): start below it, so it is applied
    // once it commits.
    internal static async Task<long> WatermarkAsync(BazaarDb db, CancellationToken ct)
    {
        var max = await ChangeFeed.LatestIdAsync(db, ct) ?? 0;
        if (max == 0) return 0;
        var recent = await ChangeFeed.IdsAfterAsync(db, max - 1000, ct);
        for (var k = 1; k < recent.Count; k++)
            if (recent[k] != recent[k - 1] + 1) return recent[k - 1];
        return max;
    }
}
