namespace Bazaar.Checkout;

// The audit trail of the shipping and tax tables: who changed what, when, from what to what. Written in the
// transaction of the change; never edited.
public sealed class RateChange
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }

    // "shipping method standard", "tax rate US-CA".
    public required string Subject { get; set; }
    public required string Change { get; set; }
}
