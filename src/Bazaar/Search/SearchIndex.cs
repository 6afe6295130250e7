using System.Globalization;
using Bazaar.Data;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Options;

namespace Bazaar.Search;

// This node's Lucene index under {DataDirectory}/search. A full rebuild writes a new generation beside the
// one in use ("building-..." until finished, then "index-..."), and the file "current" names the generation
// to use; the indexer switches when it changes, so `reindex` can run while the store serves searches.
// The last change-feed id applied is kept in each commit's user data.
public sealed class SearchIndex : IDisposable
{
    public const string AppliedThroughKey = "applied_through";
    // Raised when what a document holds changes (a field added, or analysed differently): a generation built
    // with an older layout lacks what queries now look for, so the indexer rebuilds it (searching the old
    // one meanwhile). The layout is part of the generation's name. 4: rebuilt once because products indexed from
    // a stale category tree (a page shown during a first start's import) had no category path. 5: number words
    // kept as words, "-es" plurals such as "switches" read as "switch", and the title's length kept for the
    // relevance tie-break. 6: the product's type (leaf category path, and in words) as fields of their own.
    public const int Layout = 6;
    private const string PointerFile = "current";
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly System.Threading.Lock _gate = new();
    private readonly RankingOptions _ranking;
    private Generation? _current;
    private bool _disposed;

    public SearchIndex(IOptions<DatabaseOptions> database) : this(Path.Combine(Path.GetFullPath(database.Value.DataDirectory), "search"), RankingOptions.Default)
    {
    }

    public SearchIndex(string root, RankingOptions ranking)
    {
        Root = root;
        _ranking = ranking;
        System.IO.Directory.CreateDirectory(root);
    }

    public string Root { get; }

    public bool IsOpen => Volatile.Read(ref _current) is not null;

    public string? OpenGeneration => Volatile.Read(ref _current)?.Name;

    // The last change-feed id reflected in the last commit (changes after it may be applied but not committed).
    public long CommittedThrough => Volatile.Read(ref _current)?.CommittedThrough ?? 0;

    public string? PublishedGeneration
    {
        get
        {
            var pointer = Path.Combine(Root, PointerFile);
            if (!File.Exists(pointer)) return null;
            var name = File.ReadAllText(pointer).Trim();
            return name.Length > 0 && System.IO.Directory.Exists(Path.Combine(Root, name)) ? name : null;
        }
    }

    public bool PublishedHasCurrentLayout => PublishedGeneration?.StartsWith($"index-{Layout}-", StringComparison.Ordinal) == true;

    // Opens the published generation if it is not the one open already. False when there is none yet.
    public bool OpenPublished()
    {
        var name = PublishedGeneration;
        if (name is null) return false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current?.Name == name) return true;
            var next = Generation.Open(Path.Combine(Root, name), name, Config(OpenMode.APPEND), _ranking);
            var previous = _current;
            Volatile.Write(ref _current, next);
            previous?.Dispose();
            DeleteOtherGenerations(name);
            return true;
        }
    }

    public SearcherLease Acquire()
    {
        for (var attempt = 0; ; attempt++)
        {
            var generation = Volatile.Read(ref _current) ?? throw new SearchIndexUnavailableException();
            try
            {
                return new SearcherLease(generation.Searchers, generation.Searchers.Acquire(), generation.Changes);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                // A rebuild switched generations between the read and the acquire; use the new one.
            }
        }
    }

    public void Upsert(IReadOnlyCollection<SearchDocument> documents)
    {
        var generation = Current();
        generation.Changes.Written(documents.Select(d => d.ProductId));
        foreach (var document in documents)
            generation.Writer.UpdateDocument(new Term(SearchFields.Id, document.ProductId.ToString(CultureInfo.InvariantCulture)), SearchDocuments.ToLucene(document));
    }

    public void Delete(IReadOnlyCollection<int> productIds)
    {
        var generation = Current();
        generation.Changes.Written(productIds);
        foreach (var id in productIds) generation.Writer.DeleteDocuments(new Term(SearchFields.Id, id.ToString(CultureInfo.InvariantCulture)));
    }

    // The segments searches run over now.
    public int SegmentCount
    {
        get
        {
            if (!IsOpen) return 0;
            using var lease = Acquire();
            return lease.Searcher.IndexReader.Leaves.Count;
        }
    }

    // Every search pays for each segment (each query word's terms are looked up, and its postings opened,
    // once per segment), while product changes keep flushing small ones. Merges the index into one segment
    // in the background; a Refresh after it finishes lets searches use it. False when it is one already.
    public bool Compact()
    {
        if (SegmentCount <= 1) return false;
        Writer().ForceMerge(1, doWait: false);
        return true;
    }

    // Makes applied changes visible to searches (near-real-time: no commit needed).
    public void Refresh() => Volatile.Read(ref _current)?.Searchers.MaybeRefreshBlocking();

    public void Commit(long appliedThrough)
    {
        lock (_gate)
        {
            var generation = _current ?? throw new SearchIndexUnavailableException();
            generation.Writer.SetCommitData(new Dictionary<string, string> { [AppliedThroughKey] = appliedThrough.ToString(CultureInfo.InvariantCulture) });
            generation.Writer.Commit();
            generation.CommittedThrough = appliedThrough;
        }
    }

    // Starts a new generation; the caller adds every product and then publishes it.
    public IndexBuild BeginBuild()
    {
        var name = $"index-{Layout}-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var building = Path.Combine(Root, "building-" + name[6..]);
        var directory = FSDirectory.Open(building);
        var config = Config(OpenMode.CREATE);
        config.RAMBufferSizeMB = 64;
        return new IndexBuild(this, name, building, directory, new IndexWriter(directory, config));
    }

    internal void Publish(string name, string buildingPath)
    {
        var final = Path.Combine(Root, name);
        System.IO.Directory.Move(buildingPath, final);
        var pointer = Path.Combine(Root, PointerFile);
        var temp = pointer + ".tmp";
        File.WriteAllText(temp, name);
        File.Move(temp, pointer, overwrite: true);
    }

    private Generation Current() => Volatile.Read(ref _current) ?? throw new SearchIndexUnavailableException();

    private IndexWriter Writer() => Current().Writer;

    private IndexWriterConfig Config(OpenMode mode) => new(Version, ProductAnalyzer.Index)
    {
        Similarity = new ProductSimilarity(_ranking),
        OpenMode = mode,
        // Merges segments of like size only: each applied change flushes a tiny segment, and the default tiered
        // policy kept merging them into the big one (17% of the node's CPU under 2 product writes/s with search
        // load, 0.1% with this). A quiet index is still merged into one (see SearchIndexer).
        MergePolicy = new LogByteSizeMergePolicy { MergeFactor = 4 },
    };

    private void DeleteOtherGenerations(string keep)
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            var stale = (name.StartsWith("index-", StringComparison.Ordinal) && name != keep)
                || (name.StartsWith("building-", StringComparison.Ordinal) && System.IO.Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddDays(-1));
            if (!stale) continue;
            try { System.IO.Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _current?.Dispose();
            _current = null;
        }
    }

    private sealed class Generation : IDisposable
    {
        private Generation(string name, FSDirectory directory, IndexWriter writer, SearcherManager searchers, long committedThrough, ReaderChanges changes)
        {
            Changes = changes;
            Name = name;
            Directory = directory;
            Writer = writer;
            Searchers = searchers;
            CommittedThrough = committedThrough;
        }

        public string Name { get; }
        public FSDirectory Directory { get; }
        public IndexWriter Writer { get; }
        public SearcherManager Searchers { get; }
        public ReaderChanges Changes { get; }
        public long CommittedThrough { get; set; }

        public static Generation Open(string path, string name, IndexWriterConfig config, RankingOptions ranking)
        {
            var directory = FSDirectory.Open(path);
            var writer = new IndexWriter(directory, config);
            var data = writer.CommitData;
            var committed = data is not null && data.TryGetValue(AppliedThroughKey, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;
            var changes = new ReaderChanges();
            var searchers = new SearcherManager(writer, true, new ProductSearcherFactory(ranking, changes));
            return new Generation(name, directory, writer, searchers, committed, changes);
        }

        public void Dispose()
        {
            Searchers.Dispose();
            Writer.Dispose();
            Directory.Dispose();
        }
    }
}

// Every searcher of the index ranks with the same similarity the writer used; each new reader is versioned.
internal sealed class ProductSearcherFactory(RankingOptions ranking, ReaderChanges changes) : SearcherFactory
{
    public override IndexSearcher NewSearcher(IndexReader reader)
    {
        changes.Opened(reader);
        return new(reader) { Similarity = new ProductSimilarity(ranking) };
    }
}

public readonly struct SearcherLease(SearcherManager manager, IndexSearcher searcher, ReaderChanges changes) : IDisposable
{
    public IndexSearcher Searcher { get; } = searcher;

    // This searcher's reader version (see ReaderChanges), and the products written since an earlier one.
    internal long Version => changes.VersionOf(Searcher.IndexReader);

    internal HashSet<int>? ChangedSince(long version) => changes.ChangedBetween(version, Version);

    public void Dispose() => manager.Release(Searcher);
}

// A full build of a new generation: add every product, then publish (the indexer picks it up).
public sealed class IndexBuild(SearchIndex index, string name, string path, FSDirectory directory, IndexWriter writer) : IDisposable
{
    private bool _published;

    public void Add(IEnumerable<SearchDocument> documents)
    {
        foreach (var document in documents) writer.AddDocument(SearchDocuments.ToLucene(document));
    }

    public void Publish(long appliedThrough)
    {
        writer.ForceMerge(1);
        writer.SetCommitData(new Dictionary<string, string> { [SearchIndex.AppliedThroughKey] = appliedThrough.ToString(CultureInfo.InvariantCulture) });
        writer.Commit();
        writer.Dispose();
        directory.Dispose();
        index.Publish(name, path);
        _published = true;
    }

    public void Dispose()
    {
        if (_published) return;
        writer.Dispose();
        directory.Dispose();
        try { System.IO.Directory.Delete(path, recursive: true); }
        catch (IOException) { }
    }
}

public sealed class SearchIndexUnavailableException() : InvalidOperationException("The search index is being built; try again in a moment.");
