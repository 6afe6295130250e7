using Bazaar.Catalog;
using Bazaar.Data;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// Each node's indexer: tails the change feed and applies it to this node's index, so every node converges on
// the database. It builds the index in full when there is none (or a `reindex` published a new one), keeps
// the last applied feed id in the index's commits (a restart resumes there), refreshes the in-stock snapshot
// and the synonyms, and prunes old feed rows.
//
// Feed ids are handed out before commit, so a later id can be visible while an earlier one is not yet. The
// indexer applies whatever is visible, remembers the missing ids ("gaps"), applies them when they appear,
// and gives up on one after Search:GapTimeout (its transaction rolled back). Everything up to the lowest open
// gap is "applied through"; that is what a commit records, so a restart never skips a change.
public sealed partial class SearchIndexer(
    IServiceScopeFactory scopes,
    IServiceProvider services,
    SearchIndex index,
    StockSnapshot stock,
    SearchSynonyms synonyms,
    SearchMetrics metrics,
    TimeProvider clock,
    IOptions<SearchOptions> options,
    ILogger<SearchIndexer> log) : BackgroundService
{
    private readonly Dictionary<long, DateTimeOffset> _gaps = [];
    private long _appliedThrough;
    private long _highestSeen;
    private bool _dirty;
    private volatile bool _rebuildRequested;
    private DateTimeOffset _lastCommit;
    private DateTimeOffset _lastChange;
    private bool _compacting;
    private bool _compacted;
    private DateTimeOffset _lastSynonyms = DateTimeOffset.MinValue;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private volatile RebuildProgress? _rebuilding;

    private SearchOptions Options => options.Value;

    private readonly SemaphoreSlim _wake = new(0, 1);

    public long AppliedThrough => Interlocked.Read(ref _appliedThrough);

    public long HighestSeen => Interlocked.Read(ref _highestSeen);

    public RebuildProgress? Rebuilding => _rebuilding;

    // Asks for a full rebuild; the indexer runs it between batches, and searches use the old index until then.
    public void RequestRebuild() => _rebuildRequested = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // The in-stock snapshot refreshes on its own loop, so a slow stock query never delays a change.
        var stockLoop = RefreshStockLoopAsync(stoppingToken);
        await ApplyLoopAsync(stoppingToken);
        await stockLoop;
    }

    private async Task RefreshStockLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshStockAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogStockFailed(log, e);
            }
            await Pause(Options.StockRefreshInterval, stoppingToken);
        }
    }

    private async Task ApplyLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                await EnsureIndexAsync(stoppingToken);
                more = await ApplyNextAsync(stoppingToken);
                CommitIfDue(force: false);
                CompactIfIdle();
                await HousekeepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(log, e);
                await Pause(TimeSpan.FromSeconds(1), stoppingToken);
            }
            if (!more) await PauseUnlessWokenAsync(Options.PollInterval, stoppingToken);
        }
        try { CommitIfDue(force: true); }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or IOException) { }
    }

    // Asks the apply loop to look for changes now instead of after its poll interval (the first start waits for the
    // index to take in the import; under a test's fake clock the interval would never pass).
    public void Wake()
    {
        lock (_wake)
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
    }

    private async Task PauseUnlessWokenAsync(TimeSpan delay, CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = _wake.WaitAsync(either.Token);
        try
        {
            await Task.WhenAny(Task.Delay(delay, clock, either.Token), woken);
        }
        finally
        {
            await either.CancelAsync();
            try { await woken; }
            catch (OperationCanceledException) { }
        }
    }

    private async Task Pause(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, clock, ct); }
        catch (OperationCanceledException) { }
    }

    private async Task EnsureIndexAsync(CancellationToken ct)
    {
        if (_rebuildRequested || index.PublishedGeneration is null)
        {
            _rebuildRequested = false;
            await RebuildAsync(ct);
        }
        if (index.OpenGeneration != index.PublishedGeneration)
        {
            index.OpenPublished();
            ResetCursor(index.CommittedThrough);
            LogOpened(log, index.OpenGeneration!, _appliedThrough);
            await EnsureFeedCoversIndexAsync(ct);
            if (!index.PublishedHasCurrentLayout) RequestRebuild();
        }
    }

    private async Task RebuildAsync(CancellationToken ct)
    {
        LogRebuilding(log);
        metrics.Rebuilds.Add(1);
        var started = clock.GetTimestamp();
        _rebuilding = new RebuildProgress(0, 0);
        try
        {
            var through = await SearchRebuild.RunAsync(services, index, new InlineProgress<RebuildProgress>(p => _rebuilding = p), ct);
            LogRebuilt(log, _rebuilding?.Indexed ?? 0, clock.GetElapsedTime(started).TotalSeconds, through);
        }
        finally
        {
            _rebuilding = null;
        }
    }

    // A node whose index predates the oldest feed row kept has missed changes: it rebuilds.
    private async Task EnsureFeedCoversIndexAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var oldest = await ChangeFeed.OldestIdAsync(db, ct);
        if (oldest is { } first && _appliedThrough + 1 < first && _appliedThrough < await ChangeFeed.LatestIdAsync(db, ct))
        {
            LogTooOld(log, _appliedThrough, first);
            await RebuildAsync(ct);
            index.OpenPublished();
            ResetCursor(index.CommittedThrough);
        }
    }

    private void ResetCursor(long appliedThrough)
    {
        _gaps.Clear();
        Interlocked.Exchange(ref _appliedThrough, appliedThrough);
        Interlocked.Exchange(ref _highestSeen, appliedThrough);
        _dirty = false;
        _lastCommit = clock.GetUtcNow();
        _lastChange = _lastCommit;
        _compacting = false;
        _compacted = false;
    }

    // Applies the next batch of visible changes (and any gaps that have filled). True when more are waiting.
    private async Task<bool> ApplyNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
        var highest = _highestSeen;
        var rows = await ChangeFeed.ReadAfterAsync(db, highest, Options.BatchSize, ct);
        if (_gaps.Count > 0)
        {
            var gapIds = _gaps.Keys.ToList();
            rows.AddRange(await ChangeFeed.ReadAsync(db, gapIds, ct));
        }
        var now = clock.GetUtcNow();
        var more = rows.Count > 0 && rows.Count(r => r.Id > highest) == Options.BatchSize;
        if (rows.Count > 0)
        {
            metrics.SetLag(Math.Max(0, (now - rows.Min(r => r.CommittedAt)).TotalSeconds), rows.Count);
            await ApplyAsync(scope.ServiceProvider, rows, ct);
            now = clock.GetUtcNow();
            foreach (var row in rows)
            {
                metrics.ApplyDelay.Record(Math.Max(0, (now - row.CommittedAt).TotalSeconds));
                _gaps.Remove(row.Id);
            }
            metrics.ChangesApplied.Add(rows.Count);
            var expected = highest + 1;
            foreach (var row in rows.Where(r => r.Id > highest).OrderBy(r => r.Id))
            {
                for (var missing = expected; missing < row.Id && _gaps.Count < 100_000; missing++) _gaps.TryAdd(missing, now);
                expected = row.Id + 1;
            }
            Interlocked.Exchange(ref _highestSeen, Math.Max(highest, rows.Max(r => r.Id)));
            _dirty = true;
            _lastChange = now;
            _compacting = false;
            _compacted = false;
        }
        AdvanceAppliedThrough(now);
        if (!more) metrics.SetLag(_gaps.Count == 0 ? 0 : metrics.LagSeconds, _gaps.Count);
        return more;
    }

    private async Task ApplyAsync(IServiceProvider scoped, List<ProductChangeRow> rows, CancellationToken ct)
    {
        var productIds = rows.Where(r => r.ProductId is not null).Select(r => r.ProductId!.Value).ToHashSet();
        var categoryIds = rows.Where(r => r.CategoryId is not null).Select(r => r.CategoryId!.Value).ToHashSet();
        if (categoryIds.Count > 0) productIds.UnionWith(ProductsUnder(categoryIds));
        foreach (var chunk in productIds.Chunk(Options.BatchSize))
        {
            var documents = await scoped.GetRequiredService<ProductSource>().LoadAsync(chunk, ct);
            index.Upsert(documents);
            var found = documents.Select(d => d.ProductId).ToHashSet();
            index.Delete(chunk.Where(id => !found.Contains(id)).ToList());
        }
        index.Refresh();
    }

    // The products the index files under these categories (a renamed category changes all their paths).
    private List<int> ProductsUnder(IEnumerable<int> categoryIds)
    {
        using var lease = index.Acquire();
        var query = new BooleanQuery();
        foreach (var id in categoryIds)
            query.Add(new TermQuery(new Term(SearchFields.CategoryIds, id.ToString(System.Globalization.CultureInfo.InvariantCulture))), Occur.SHOULD);
        var ids = new List<int>();
        lease.Searcher.Search(query, new ProductIdCollector(ids));
        return ids;
    }

    private void AdvanceAppliedThrough(DateTimeOffset now)
    {
        var through = _appliedThrough;
        while (through < _highestSeen)
        {
            var next = through + 1;
            if (_gaps.TryGetValue(next, out var seen))
            {
                if (now - seen < Options.GapTimeout) break;
                _gaps.Remove(next);
            }
            through = next;
        }
        Interlocked.Exchange(ref _appliedThrough, through);
    }

    private void CommitIfDue(bool force)
    {
        if (!_dirty || !index.IsOpen) return;
        var now = clock.GetUtcNow();
        if (!force && now - _lastCommit < Options.CommitInterval) return;
        index.Commit(_appliedThrough);
        _lastCommit = now;
        _dirty = _appliedThrough < _highestSeen;
    }

    // A quiet index is merged into one segment; the merge runs in the background and searches switch to it
    // at the first refresh after it completes (then it is committed like any change).
    private void CompactIfIdle()
    {
        if (!index.IsOpen) return;
        if (_compacting)
        {
            index.Refresh();
            if (index.SegmentCount > 1) return;
            _compacting = false;
            _dirty = true;
            return;
        }
        if (_compacted || _dirty || clock.GetUtcNow() - _lastChange < Options.CompactAfterIdle) return;
        _compacted = true;
        _compacting = index.Compact();
    }

    private async Task HousekeepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - _lastSynonyms >= Options.SynonymRefreshInterval)
        {
            _lastSynonyms = now;
            await using var scope = scopes.CreateAsyncScope();
            await synonyms.RefreshAsync(scope.ServiceProvider.GetRequiredService<BazaarDb>(), ct);
        }
        if (now - _lastPrune >= TimeSpan.FromHours(1))
        {
            _lastPrune = now;
            await using var scope = scopes.CreateAsyncScope();
            var cutoff = now - Options.FeedRetention;
            var through = _appliedThrough;
            // Only rows this node has applied, so the newest row (and so the highest id) always stays.
            var pruned = await ChangeFeed.PruneAsync(scope.ServiceProvider.GetRequiredService<BazaarDb>(), cutoff, through, ct);
            if (pruned > 0) LogPruned(log, pruned);
        }
    }

    public async Task<SearchIndexStatus> GetStatusAsync(BazaarDb db, CancellationToken ct)
    {
        var highest = HighestSeen;
        var latest = await ChangeFeed.LatestIdAsync(db, ct) ?? 0;
        var (behind, oldestPending) = await ChangeFeed.PendingAfterAsync(db, highest, ct);
        var pending = behind + _gaps.Count;
        var lag = oldestPending is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : 0;
        var (documents, segments) = (0, 0);
        if (index.IsOpen)
        {
            using var lease = index.Acquire();
            (documents, segments) = (lease.Searcher.IndexReader.NumDocs, lease.Searcher.IndexReader.Leaves.Count);
        }
        return new SearchIndexStatus(index.IsOpen, index.OpenGeneration, AppliedThrough, highest, latest, Math.Round(lag, 3), pending, documents,
            segments, Rebuilding, stock.RefreshedAt, stock.Count, synonyms.Current.Count);
    }

    // Refreshes which products are in stock, through the Inventory facade in one batched query.
    public async Task RefreshStockAsync(CancellationToken ct)
    {
        if (!index.IsOpen) return;
        await using var scope = scopes.CreateAsyncScope();
        var inStock = await scope.ServiceProvider.GetRequiredService<Inventory.Inventory>().GetInStockProductIdsAsync(ct);
        stock.Replace(inStock, clock.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying search changes failed; retrying")]
    private static partial void LogFailed(ILogger log, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the in-stock snapshot failed; retrying")]
    private static partial void LogStockFailed(ILogger log, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building the search index from the database")]
    private static partial void LogRebuilding(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index built: {Count} products in {Seconds:0.0} s, feed applied through {Through}")]
    private static partial void LogRebuilt(ILogger log, int count, double seconds, long through);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index {Generation} open, feed applied through {Through}")]
    private static partial void LogOpened(ILogger log, string generation, long through);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index (feed applied through {Through}) is older than the oldest feed row kept ({Oldest}); rebuilding")]
    private static partial void LogTooOld(ILogger log, long through, long oldest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} old search feed rows")]
    private static partial void LogPruned(ILogger log, int count);
}

public sealed record SearchIndexStatus(
    bool Ready,
    string? Generation,
    long AppliedThrough,
    long HighestApplied,
    long LatestChange,
    double LagSeconds,
    long Pending,
    int Documents,
    int Segments,
    RebuildProgress? Rebuilding,
    DateTimeOffset? StockRefreshedAt,
    int InStockProducts,
    int SynonymRules);

// Collects the product id of every matching document.
internal sealed class ProductIdCollector(List<int> ids) : ICollector
{
    private NumericDocValues? _ids;

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context) =>
        _ids = context.AtomicReader.GetNumericDocValues(SearchFields.IdValue);

    public void Collect(int doc)
    {
        if (_ids is not null) ids.Add((int)_ids.Get(doc));
    }
}
