namespace Bazaar.Platform;

// What the node is doing before it can serve a full store: shown by /health/ready and the storefront banner.
public sealed class StoreReadiness
{
    private volatile string _stage = "starting";
    private volatile bool _ready;
    private int _processed;
    private int _total;

    private readonly TaskCompletionSource _whenReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready;

    public Task WhenReady => _whenReady.Task;
    public string Stage => _stage;
    public int Processed => Volatile.Read(ref _processed);
    public int Total => Volatile.Read(ref _total);

    public void Report(string stage, int processed = 0, int total = 0)
    {
        _stage = stage;
        Volatile.Write(ref _processed, processed);
        Volatile.Write(ref _total, total);
    }

    public void MarkReady()
    {
        _stage = "ready";
        _ready = true;
        _whenReady.TrySetResult();
    }
}
