namespace Bazaar.Inventory;

// One move of a reservation: None means the row does not exist yet (Hold and Allocate create it).
public sealed record ReservationTransition(ReservationStatus? From, ReservationMove Move, ReservationStatus To);

// The one transition table of a reservation. Every status a reservation is written with comes from a row here: a new
// hold (Reservation.Begin), a move on a loaded row (Reservation.Apply), and the set-based endings (HoldEnding, whose
// conditional UPDATE takes its WHERE and SET from the row). A move not in the table throws InvalidReservationMove.
// A reservation ends exactly once: the three endings leave Active, and nothing leaves an ending.
public static class ReservationTransitions
{
    public static IReadOnlyList<ReservationTransition> Table { get; } =
    [
        // Added to a cart, or held again at checkout when a hold had run out.
        new(null, ReservationMove.Hold, ReservationStatus.Active),
        // Units that arrive for a paid back-order are sold to its order at once: the reservation is born committed.
        new(null, ReservationMove.Allocate, ReservationStatus.Committed),
        new(ReservationStatus.Active, ReservationMove.Commit, ReservationStatus.Committed),
        new(ReservationStatus.Active, ReservationMove.Release, ReservationStatus.Released),
        new(ReservationStatus.Active, ReservationMove.Expire, ReservationStatus.Expired),
    ];

    private static readonly Dictionary<(ReservationStatus?, ReservationMove), ReservationTransition> ByMove =
        Table.ToDictionary(t => (t.From, t.Move));

    public static ReservationTransition? Find(ReservationStatus? from, ReservationMove move) => ByMove.GetValueOrDefault((from, move));

    // The row for `move` from `from`, or InvalidReservationMove.
    public static ReservationTransition Require(ReservationStatus? from, ReservationMove move, long id = 0) =>
        Find(from, move) ?? throw new InvalidReservationMove(id, from, move);

    public static bool IsFinal(ReservationStatus status) => !Table.Any(t => t.From == status);
}

// What can happen to a reservation; which moves are allowed is ReservationTransitions.Table.
public enum ReservationMove
{
    Hold,
    Allocate,
    Commit,
    Release,
    Expire,
}

public sealed class InvalidReservationMove(long id, ReservationStatus? from, ReservationMove move)
    : Exception($"Reservation {id} is {from?.ToString() ?? "new"}: it cannot {move}.")
{
    public ReservationStatus? From { get; } = from;
    public ReservationMove Move { get; } = move;
}
