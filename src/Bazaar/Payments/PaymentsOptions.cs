using System.ComponentModel.DataAnnotations;

namespace Bazaar.Payments;

public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    // How long to wait for the gateway before treating a call as timed out (it is retried with the same key).
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Transient gateway failures are tried again this many times in all, with a growing pause.
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
