using System.ComponentModel.DataAnnotations;

namespace Bazaar.Inventory;

public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    // How long a cart line holds stock after the shopper's last cart activity.
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(30);

    // Activity extends a hold, but never beyond this long after the hold was first taken, so that a
    // shopper who keeps a tab open cannot sit on stock forever.
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromHours(2);

    public ReservationStrategy DefaultStrategy { get; set; } = ReservationStrategy.RowLock;

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 100_000)]
    public int SweepBatchSize { get; set; } = 500;

    // Largest group of queued reservations written in one transaction by the queue strategy.
    [Range(1, 10_000)]
    public int QueueBatchSize { get; set; } = 500;

    // How long a request waits in a SKU's queue (or gate) for its hold to be written before it is answered 503 with
    // Retry-After: the database being down or slow must not leave shoppers waiting for a page that never comes.
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan QueueWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Stock given to every product that has none when the demo catalogue is first loaded.
    public bool SeedDemoStock { get; set; } = true;
}
