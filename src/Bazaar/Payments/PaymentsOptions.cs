using System.ComponentModel.DataAnnotations;

namespace Bazaar.Payments;

public sealed class PaymentsOptions : IValidatableObject
{
    public const string Section = "Payments";
    public const string Sandbox = "Sandbox";

    // Which gateway takes the money. The only one built in is the sandbox, which takes none: it is chosen by default
    // in Development only; anywhere else it must be named here on purpose (and logs a warning at start), and a store
    // without a gateway does not start. A real provider's adapter adds its own name (ADR 0010).
    public string? Gateway { get; set; }

    // The secret shared with the gateway that signs its webhooks. Required outside Development (a Development store
    // with none makes up a random one at start).
    public string? WebhookSecret { get; set; }

    // A webhook whose signed timestamp is further than this from now is refused (401): a captured delivery cannot be
    // replayed later.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    // How long to wait for the gateway before treating a call as timed out (it is retried with the same key).
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Transient gateway failures are tried again this many times in all, with a growing pause.
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    // A payment whose capture was begun (or whose capture attempt succeeded) and that has not moved for this long is
    // taken to be left by a node that stopped half-way: the reconciler finishes it under the same gateway key.
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(1);

    // How often each node looks for such payments (it also does so as soon as it is ready after a start).
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    // Set at start from the environment (not configuration): the sandbox may run here without being named.
    internal bool IsDevelopment { get; set; }

    public bool UsesSandbox => string.Equals(Gateway, Sandbox, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Gateway))
            yield return new ValidationResult("Payments:Gateway is not set: outside Development the store needs a payment gateway. The only "
                + "one built in is Sandbox, which takes no money; set Payments:Gateway=Sandbox to run it anyway (for a demo or a test).");
        else if (!UsesSandbox)
            yield return new ValidationResult($"Payments:Gateway '{Gateway}' is not a gateway this store has (it has: {Sandbox}).");
        if (string.IsNullOrWhiteSpace(WebhookSecret) || WebhookSecret.Length < 24)
            yield return new ValidationResult("Payments:WebhookSecret must be set to the secret shared with the gateway (at least 24 characters).");
    }
}
