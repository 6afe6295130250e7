using System.Collections.Concurrent;
using System.Threading.Channels;
using Bazaar.Data;
using Bazaar.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Inventory;

// The queue strategy: per SKU, one in-process consumer takes waiting requests in arrival order and writes
// them in batches, one transaction per batch (group commit). On PostgreSQL the batch locks the stock row
// first, so batches from several nodes take turns.
//
// The consumer is the only reader of its SKU's queue, so nothing may end it but the node stopping: a batch that fails
// in any way answers its waiters (503 when the database is unavailable), and the consumer pauses, doubling the pause
// with each failure in a row, and takes the next batch. Every waiter also has a deadline (Inventory:QueueWaitTimeout).
public sealed class ReservationQueue(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptions<InventoryOptions> options,
    BackgroundMetrics restarts,
    ILogger<ReservationQueue> log) : IAsyncDisposable
{
    private const string Worker = "reservation-queue";
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    // A request in the queue belongs to its caller until a batch takes it, and to the batch from then on: a caller who
    // stops waiting (deadline, or the client gone) first tries to take it back. Only a request taken back is surely not
    // written; one the batch has is answered by the batch, whatever it wrote.
    private sealed class Waiting(HoldRequest request)
    {
        private const int Queued = 0, Taken = 1, Withdrawn = 2;
        private int _state = Queued;

        public HoldRequest Request { get; } = request;

        public TaskCompletionSource<HoldAttempt> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued;
    }

    private readonly ConcurrentDictionary<string, Channel<Waiting>> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _consumers = [];

    internal async Task<HoldAttempt> EnqueueAsync(HoldRequest request, CancellationToken ct)
    {
        var queue = _queues.GetOrAdd(request.Sku, sku =>
        {
            var channel = Channel.CreateUnbounded<Waiting>(new UnboundedChannelOptions { SingleReader = true });
            _consumers.Add(Task.Run(() => ConsumeAsync(sku, channel.Reader)));
            return channel;
        });
        // The answer is not tied to the caller's token: once a batch has taken the request, the batch decides, and a
        // hold written for a caller who left expires like any abandoned one.
        var waiting = new Waiting(request);
        if (!queue.Writer.TryWrite(waiting)) throw new InvalidOperationException("The reservation queue is closed.");
        var wait = options.Value.QueueWaitTimeout;
        try
        {
            return await waiting.Answer.Task.WaitAsync(wait, clock, ct);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (waiting.TryWithdraw())
            {
                if (e is OperationCanceledException) throw;
                throw new DependencyUnavailable(DependencyUnavailable.Database,
                    $"The hold on {request.Sku} could not be written within {wait.TotalSeconds:0.#} s; nothing was held.");
            }
        }
        // A batch is writing it: its answer is the truth (a caller who left is answered too, so that the gate keeps or
        // returns its token as the batch decided). The batch is given one more deadline; past that, the answer says
        // the hold may have been written.
        try
        {
            return await waiting.Answer.Task.WaitAsync(wait, clock);
        }
        catch (TimeoutException)
        {
            throw new DependencyUnavailable(DependencyUnavailable.Database,
                $"The hold on {request.Sku} was still being written after {2 * wait.TotalSeconds:0.#} s: it may have been held. "
                + "Look at the cart before adding it again.", changedNothing: false);
        }
    }

    private async Task ConsumeAsync(string sku, ChannelReader<Waiting> reader)
    {
        var batch = new List<Waiting>();
        var failures = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (!await reader.WaitToReadAsync(_stopping.Token)) return;
                    batch.Clear();
                    while (batch.Count < options.Value.QueueBatchSize && reader.TryRead(out var next))
                        if (next.TryTake()) batch.Add(next); // else its caller stopped waiting: nothing is written for it
                    if (batch.Count > 0) await WriteBatchAsync(sku, batch);
                    if (failures > 0) log.LogInformation("The reservation queue for {Sku} writes again after {Failures} failure(s)", sku, failures);
                    failures = 0;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    failures++;
                    foreach (var waiting in batch) waiting.Answer.TrySetException(e);
                    restarts.Restarted(Worker);
                    var pause = FirstPause * Math.Pow(2, Math.Min(failures - 1, 10));
                    if (pause > LongestPause) pause = LongestPause;
                    log.LogWarning(e, "The reservation queue for {Sku} failed ({Failures} in a row); {Count} request(s) answered with the error; "
                        + "it takes the next batch in {Pause}", sku, failures, batch.Count, pause);
                    try { await Task.Delay(pause, clock, _stopping.Token); }
                    catch (OperationCanceledException) { return; }
                }
            }
        }
        finally
        {
            while (reader.TryRead(out var left)) left.Answer.TrySetCanceled();
        }
    }

    private async Task WriteBatchAsync(string sku, List<Waiting> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
            var results = await ReserveBatchAsync(db, sku, batch.Select(w => w.Request).ToList(), clock.GetUtcNow(), options.Value, _stopping.Token);
            for (var i = 0; i < batch.Count; i++) batch[i].Answer.TrySetResult(results[i]);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested && DependencyUnavailable.Classify(e) is null)
        {
            // A batch that cannot commit as a whole is retried one request at a time: slower, never wrong. (With the
            // database unavailable each would fail the same way, so that goes to the consumer's pause instead.)
            log.LogWarning(e, "Batch of {Count} holds on {Sku} failed; retrying one by one", batch.Count, sku);
            foreach (var waiting in batch)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<BazaarDb>();
                    waiting.Answer.TrySetResult(await HoldWriter.ReserveOneAsync(db, waiting.Request, clock.GetUtcNow(), options.Value, _stopping.Token));
                }
                catch (Exception single)
                {
                    waiting.Answer.TrySetException(single);
                }
            }
        }
    }

    private static async Task<IReadOnlyList<HoldAttempt>> ReserveBatchAsync(BazaarDb db, string sku, IReadOnlyList<HoldRequest> requests, DateTimeOffset now, InventoryOptions options, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The quotas' locks come before the stock row's (the lock order of HoldQuotas).
        var quotas = await HoldQuotas.ReadAsync(db, requests, ct);
        // SQLite transactions here are IMMEDIATE (the writer lock is already ours); PostgreSQL needs the row lock.
        var stock = db.Database.IsNpgsql()
            ? await db.StockItems.FromSql($"SELECT * FROM stock_items WHERE sku = {sku} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(ct)
            : await db.StockItems.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == sku, ct);
        if (stock is null) return requests.Select(_ => HoldAttempt.Refused(new UnknownSku(sku))).ToList();

        var keys = requests.Select(r => r.ShopperKey).Distinct().ToArray();
        // The live holds are locked too, so a release racing this batch waits for it instead of being overwritten.
        var live = db.Database.IsNpgsql()
            ? await db.Reservations.FromSql($"SELECT * FROM reservations WHERE sku = {sku} AND status = 'Active' AND shopper_key = ANY({keys}) FOR UPDATE").ToDictionaryAsync(r => r.ShopperKey, ct)
            : await db.Reservations.Where(r => r.Sku == sku && r.Status == ReservationStatus.Active && keys.Contains(r.ShopperKey)).ToDictionaryAsync(r => r.ShopperKey, ct);

        var available = stock.OnHand - stock.Reserved;
        var taken = 0;
        var outcomes = new List<(HoldRequest Request, Reservation? Reservation, Exception? Error)>(requests.Count);
        foreach (var request in requests)
        {
            live.TryGetValue(request.ShopperKey, out var reservation);
            var held = reservation?.Quantity ?? 0;
            if (request.PurchaseLimit is { } limit && held + request.Quantity > limit)
            {
                outcomes.Add((request, null, new PurchaseLimitExceeded(sku, limit, held)));
                continue;
            }
            if (quotas?.Check(request) is { } capped)
            {
                outcomes.Add((request, null, capped));
                continue;
            }
            if (request.Quantity > available - taken)
            {
                outcomes.Add((request, null, new InsufficientStock(sku, request.Quantity, available - taken)));
                continue;
            }
            taken += request.Quantity;
            quotas?.Take(request);
            if (reservation is null)
            {
                reservation = Reservation.Begin(ReservationMove.Hold, sku, request.ShopperKey, request.Quantity, now,
                    HoldWriter.ExpiryFor(now, now, options));
                reservation.ClientAddress = request.Quota?.Client;
                db.Reservations.Add(reservation);
                live[request.ShopperKey] = reservation;
            }
            else
            {
                // Safe to change the tracked row: it is locked (PostgreSQL) or the writer lock is ours (SQLite).
                reservation.Quantity += request.Quantity;
                reservation.ExpiresAt = HoldWriter.ExpiryFor(reservation.CreatedAt, now, options);
            }
            db.StockMovements.Add(HoldWriter.Movement(request, MovementKind.Reserved, 0, request.Quantity, reservation, "added to cart", now));
            outcomes.Add((request, reservation, null));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (request, reservation, _) in outcomes)
            if (reservation is not null && request.Alongside is { } alongside) await alongside(db, ct);
        if (taken > 0)
        {
            if (!await StockItem.ReserveWhereAvailableAsync(db.StockItems, sku, taken, now, ct)) throw new InvalidOperationException($"Stock of {sku} changed under a locked batch.");
        }
        await tx.CommitAsync(ct);

        // Quantities are read after the loop: a shopper with two requests in one batch sees the final hold.
        return outcomes.Select(o => o.Reservation is { } r
            ? HoldAttempt.Held(new Hold(r.Id, sku, r.Quantity, r.ExpiresAt))
            : HoldAttempt.Refused(o.Error!)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var queue in _queues.Values) queue.Writer.TryComplete();
        await Task.WhenAll(_consumers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
