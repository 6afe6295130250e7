using Bazaar.Platform;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Sandbox;

// Card tries per client address per minute (SandboxOptions.AttemptsPerClientPerMinute; across nodes with Redis:
// RateCounters): one address testing stolen cards over many payments is stopped here; many tries on one payment, by
// its FailedAttempts.
public sealed class SandboxClientLimit(IOptions<SandboxOptions> options, RateCounters counters)
{
    // Null when the client may try a card now, otherwise how long until it may.
    public ValueTask<TimeSpan?> TakeAsync(string client) => counters.TakeAsync("Payments:Sandbox:AttemptsPerClientPerMinute", client,
        options.Value.AttemptsPerClientPerMinute, TimeSpan.FromMinutes(1));
}
