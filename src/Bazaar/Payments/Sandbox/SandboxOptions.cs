using System.ComponentModel.DataAnnotations;

namespace Bazaar.Payments.Sandbox;

// The sandbox gateway's own settings (Payments:Sandbox).
public sealed class SandboxOptions
{
    public const string Section = "Payments:Sandbox";

    // Where its webhooks go. Empty: this node's own address (the store's /api/payments/webhook).
    public string? WebhookUrl { get; set; }

    // How often each node's sender looks for webhooks to deliver.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan WebhookInterval { get; set; } = TimeSpan.FromSeconds(1);

    // A failed delivery is tried again after 2, 4, 8 ... seconds, this many times in all, then given up.
    [Range(1, 30)]
    public int WebhookMaxAttempts { get; set; } = 10;

    // Card tries that fail (declined or invalid) on one payment before its page refuses more: card testing.
    [Range(1, 100)]
    public int AttemptsPerPayment { get; set; } = 5;

    // Card tries one client address may make per minute on this node, over all payments.
    [Range(1, 100_000)]
    public int AttemptsPerClientPerMinute { get; set; } = 20;
}
