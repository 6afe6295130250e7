using System.ComponentModel.DataAnnotations;
using Bazaar.Platform;

namespace Bazaar.Store;

// Bounded storage: how long rows nobody needs any more are kept before StoragePurge deletes them.
public sealed class PurgeOptions
{
    public const string Section = "Purge";

    [Range(typeof(TimeSpan), "00:00:00.050", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    // Released and expired holds (sold ones, committed to orders, are kept with their orders).
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan EndedHoldsAfter { get; set; } = TimeSpan.FromDays(30);

    // A guest's cart that has not changed for this long and holds nothing.
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan GuestCartsAfter { get; set; } = TimeSpan.FromDays(30);

    // A guest's recently viewed products (as long as Redis keeps them when it holds the lists).
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan GuestViewsAfter { get; set; } = TimeSpan.FromDays(90);

    // A guest seen for one product view only: a visitor without cookies (a crawler, a link preview) gets a new guest
    // on every page, so these are most rows and worth nothing after a day.
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00")]
    public TimeSpan OneViewGuestsAfter { get; set; } = TimeSpan.FromDays(1);

    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;
}
