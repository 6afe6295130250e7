namespace Bazaar.Orders;

// Carries out the Effects column of OrderTransitions.Table: an order move does what its row lists, performed here and
// nowhere else (the facade's methods only say which move they make and with what units or amount).
//
// Each effect has one phase. Capture and refund call the gateway before the move is recorded (a capture that fails
// leaves the order unshipped; a refund is reserved on the payment row first, so concurrent refunds never pass the
// capture). The rest run inside the move's transaction, in the lock order of ADR 0011: the payment row, then stock
// rows, then back-orders. A void is claimed in the transaction (nothing can be captured after it) and told to the
// gateway after the commit.
internal sealed class OrderEffectRunner(Inventory.Inventory inventory, Payments.Payments payments,
    Discounts.Discounts discounts)
{
    public enum Phase
    {
        BeforeMove,
        InMove,
        AfterCommit,
    }

    // What a move's effects need besides the order: who and why, the units it is about, the amount to refund.
    public sealed class Args
    {
        public required string Actor { get; init; }
        public required string Reason { get; init; }

        // RestockReturned: the units received back (set by the move, which decides them).
        public IReadOnlyDictionary<string, int> Units { get; set; } = new Dictionary<string, int>();

        // RefundPayment: the amount to give back; after it, what is left to refund.
        public decimal RefundAmount { get; init; }
        public decimal RefundLeft { get; set; }

        // RefundPayment: the request's Idempotency-Key, if it sent one: a repeat after a crash refunds once.
        public string? RefundKey { get; init; }
    }

    // Every effect and the phases it acts in, in the order they run (ADR 0011's lock order within a phase).
    public static IReadOnlyList<(OrderEffects Effect, Phase Phase)> Steps { get; } =
    [
        (OrderEffects.CapturePayment, Phase.BeforeMove),
        (OrderEffects.RefundPayment, Phase.BeforeMove),
        (OrderEffects.VoidPayment, Phase.InMove),
        (OrderEffects.RestockUnshipped, Phase.InMove),
        (OrderEffects.RestockReturned, Phase.InMove),
        (OrderEffects.ClaimBackorders, Phase.InMove),
        (OrderEffects.ReleaseCoupon, Phase.InMove),
        (OrderEffects.VoidPayment, Phase.AfterCommit),
    ];

    // The effects a row lists that act in `phase`.
    public static OrderEffects In(Phase phase, OrderEffects effects) =>
        Steps.Where(s => s.Phase == phase && effects.HasFlag(s.Effect)).Aggregate(OrderEffects.None, (all, s) => all | s.Effect);

    // Runs the effects of `move` that act in `phase` on `order` (its lines loaded; only its id and lines are read).
    public async Task RunAsync(Phase phase, OrderTransition move, long orderId, IReadOnlyList<OrderLine> lines, Args args,
        CancellationToken ct)
    {
        foreach (var (effect, at) in Steps)
            if (at == phase && move.Effects.HasFlag(effect))
                await PerformAsync(effect, phase, orderId, lines, args, ct);
    }

    private async Task PerformAsync(OrderEffects effect, Phase phase, long id, IReadOnlyList<OrderLine> lines, Args args,
        CancellationToken ct)
    {
        switch (effect, phase)
        {
            case (OrderEffects.CapturePayment, Phase.BeforeMove):
                await payments.CaptureAsync(id, ct);
                return;
            case (OrderEffects.RefundPayment, Phase.BeforeMove):
                args.RefundLeft = await payments.RefundAsync(id, args.RefundAmount, ct, args.RefundKey);
                return;
            case (OrderEffects.VoidPayment, Phase.InMove):
                await payments.BeginVoidAsync(id, ct);
                return;
            case (OrderEffects.VoidPayment, Phase.AfterCommit):
                await payments.CompleteVoidAsync(id, ct);
                return;
            case (OrderEffects.RestockUnshipped, Phase.InMove):
                // Units still owed were never committed: their demand ends, and only committed units go back.
                var owed = lines.Any(l => l.QuantityBackordered > 0)
                    ? await inventory.CancelBackordersAsync(id, lines.Select(l => l.Sku).ToList(), ct)
                    : new Dictionary<string, int>();
                await inventory.ReturnToStockAsync(id,
                    lines.Select(l => (l.Sku, l.Quantity - l.QuantityShipped - owed.GetValueOrDefault(l.Sku))).ToList(),
                    args.Actor, args.Reason, ct);
                return;
            case (OrderEffects.RestockReturned, Phase.InMove):
                await inventory.ReturnToStockAsync(id, args.Units.Select(r => (r.Key, r.Value)).ToList(), args.Actor,
                    "return received", ct);
                return;
            case (OrderEffects.ClaimBackorders, Phase.InMove):
                if (lines.Any(l => l.QuantityBackordered > 0))
                    await inventory.ClaimBackordersAsync(id, lines.Select(l => l.Sku).ToList(), args.Actor, ct);
                return;
            case (OrderEffects.ReleaseCoupon, Phase.InMove):
                // A cancelled order does not use up its coupon: the use goes back (none held: nothing to do).
                await discounts.ReleaseAsync(id, ct);
                return;
            default:
                throw new InvalidOperationException($"No step performs {effect} {phase}.");
        }
    }
}
