using Bazaar.Inventory;

namespace Bazaar.Tests.Inventory;

// The reservation's transition table, exhaustively: every (status, move) pair, a new reservation included, either
// moves as the table says or is refused and changes nothing; and nothing outside the table can write a status.
public class ReservationTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<ReservationStatus?, ReservationMove> EveryPair()
    {
        var data = new TheoryData<ReservationStatus?, ReservationMove>();
        foreach (var move in Enum.GetValues<ReservationMove>())
        {
            data.Add(null, move);
            foreach (var status in Enum.GetValues<ReservationStatus>()) data.Add(status, move);
        }
        return data;
    }

    // A reservation in `status`, reached along the table (a hold, then the move that ends it).
    private static Reservation In(ReservationStatus status)
    {
        var hold = Reservation.Begin(ReservationMove.Hold, "SKU-1", "g:1", 2, Now.AddMinutes(-5), Now.AddMinutes(25));
        var ending = ReservationTransitions.Table.FirstOrDefault(t => t.From == ReservationStatus.Active && t.To == status);
        if (ending is not null) hold.Apply(ending.Move, Now.AddMinutes(-1));
        Assert.Equal(status, hold.Status);
        return hold;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_status_and_move_goes_where_the_table_says_or_is_refused(ReservationStatus? status, ReservationMove move)
    {
        var expected = ReservationTransitions.Find(status, move);
        if (status is null)
        {
            if (expected is null)
            {
                Assert.Throws<InvalidReservationMove>(() => Reservation.Begin(move, "SKU-1", "g:1", 1, Now, Now));
                return;
            }
            var created = Reservation.Begin(move, "SKU-1", "g:1", 1, Now, Now);
            Assert.Equal(expected.To, created.Status);
            Assert.Equal(ReservationTransitions.IsFinal(expected.To) ? Now : null, created.EndedAt);
            return;
        }

        var reservation = In(status.Value);
        var endedBefore = reservation.EndedAt;
        if (expected is null)
        {
            var refused = Assert.Throws<InvalidReservationMove>(() => reservation.Apply(move, Now));
            Assert.Equal((status, move), (refused.From, refused.Move));
            Assert.Equal((status.Value, endedBefore), (reservation.Status, reservation.EndedAt));
            return;
        }
        reservation.Apply(move, Now);
        Assert.Equal(expected.To, reservation.Status);
        Assert.Equal(ReservationTransitions.IsFinal(expected.To) ? Now : null, reservation.EndedAt);
    }

    [Fact]
    public void A_reservation_ends_exactly_once_and_only_from_active()
    {
        var endings = ReservationTransitions.Table.Where(t => t.From is not null).ToList();
        Assert.All(endings, t => Assert.Equal(ReservationStatus.Active, t.From));
        Assert.Equal(
            new HashSet<ReservationStatus> { ReservationStatus.Committed, ReservationStatus.Released, ReservationStatus.Expired },
            Enum.GetValues<ReservationStatus>().Where(ReservationTransitions.IsFinal).ToHashSet());
        Assert.Equal(ReservationTransitions.Table.Count, ReservationTransitions.Table.Select(t => (t.From, t.Move)).Distinct().Count());
    }

    [Theory]
    [InlineData(nameof(Reservation.Status))]
    [InlineData(nameof(Reservation.EndedAt))]
    public void Only_the_table_can_write_a_reservations_status(string property)
    {
        // Production code that wants another status has to go through Begin or Apply (or HoldEnding's UPDATE, whose
        // WHERE and SET are a row of the table): the setter is not reachable from outside the entity.
        var setter = typeof(Reservation).GetProperty(property)!.SetMethod;
        Assert.True(setter is null || !setter.IsPublic, $"Reservation.{property} has a public setter.");
    }
}
