using Microsoft.AspNetCore.Components;

namespace Bazaar.Web.Components;

// A component with its own DI scope, so its own DbContext (static rendering runs the layout's and the page's loads at
// once), whose scope outlives every load still running in it. Blazor disposes a component whose load has not finished
// (a page that answers 404 is rendered again as the not-found page; a shopper navigates away); disposing the scope
// under a running query handed its pooled DbContext back mid-command, and the next request to rent it hung on a
// connection in an unknown state. Loads go through RunAsync: disposal cancels them and waits for them first.
public abstract class ScopedDataComponent : OwningComponentBase
{
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];

    protected async Task<T> RunAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> load)
    {
        var task = load(ScopedServices, _disposing.Token);
        lock (_gate) _running.Add(task);
        try
        {
            return await task;
        }
        finally
        {
            lock (_gate) _running.Remove(task);
        }
    }

    protected Task RunAsync(Func<IServiceProvider, CancellationToken, Task> load) =>
        RunAsync<bool>(async (services, ct) =>
        {
            await load(services, ct);
            return true;
        });

    protected override async ValueTask DisposeAsyncCore()
    {
        await _disposing.CancelAsync();
        Task[] running;
        lock (_gate) running = [.. _running];
        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception) when (_disposing.IsCancellationRequested)
        {
            // Cancelled or failed: nobody is left to show the outcome to; what matters is that it has stopped.
        }
        _disposing.Dispose();
        await base.DisposeAsyncCore();
    }
}
