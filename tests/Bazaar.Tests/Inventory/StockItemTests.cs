using Bazaar.Inventory;

namespace Bazaar.Tests.Inventory;

public class StockItemTests
{
    private static StockItem Stock(int onHand, int reserved = 0) => new() { Sku = "SKU-1", OnHand = onHand, Reserved = reserved };

    [Fact]
    public void Reserve_takes_units_from_available()
    {
        var stock = Stock(10);
        stock.Reserve(3);
        Assert.Equal(3, stock.Reserved);
        Assert.Equal(7, stock.Available);
    }

    [Fact]
    public void Reserve_fails_when_quantity_exceeds_available()
    {
        var stock = Stock(5, reserved: 4);
        var error = Assert.Throws<InsufficientStock>(() => stock.Reserve(2));
        Assert.Equal(1, error.Available);
        Assert.Equal(4, stock.Reserved);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Reserve_refuses_a_quantity_below_one(int quantity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Stock(5).Reserve(quantity));

    [Fact]
    public void Release_gives_units_back_but_never_more_than_reserved()
    {
        var stock = Stock(5, reserved: 2);
        stock.Release(2);
        Assert.Equal(5, stock.Available);
        Assert.Throws<InvalidOperationException>(() => stock.Release(1));
    }

    [Fact]
    public void Commit_removes_units_from_both_shelf_and_reservation()
    {
        var stock = Stock(5, reserved: 2);
        stock.Commit(2);
        Assert.Equal(3, stock.OnHand);
        Assert.Equal(0, stock.Reserved);
        Assert.Throws<InvalidOperationException>(() => stock.Commit(1));
    }

    [Fact]
    public void A_stock_count_cannot_go_below_what_carts_hold()
    {
        var stock = Stock(10, reserved: 6);
        Assert.Throws<InsufficientStock>(() => stock.AdjustTo(5));
        Assert.Equal(-4, stock.AdjustTo(6));
        Assert.Equal(0, stock.Available);
        Assert.Throws<ArgumentOutOfRangeException>(() => stock.AdjustTo(-1));
    }

    [Fact]
    public void Receiving_and_returns_add_to_the_shelf()
    {
        var stock = Stock(1);
        stock.Receive(4);
        stock.Return(1);
        Assert.Equal(6, stock.OnHand);
    }

    [Fact]
    public void A_hold_and_the_conditional_update_the_store_sends_refuse_exactly_the_same_requests()
    {
        // CanReserve is the WHERE of the UPDATE every hot path sends (StockItem.ReserveWhereAvailableAsync); Reserve is
        // the same rule on a loaded row. Walk every small shelf and request.
        for (var onHand = 0; onHand <= 4; onHand++)
            for (var reserved = 0; reserved <= onHand; reserved++)
                for (var quantity = 1; quantity <= 5; quantity++)
                {
                    var stock = new StockItem { Sku = "SKU-1", OnHand = onHand, Reserved = reserved };
                    var allowed = StockItem.CanReserve("SKU-1", quantity).Compile()(stock);
                    Assert.Equal(onHand - reserved >= quantity, allowed);
                    if (allowed) stock.Reserve(quantity);
                    else Assert.Throws<InsufficientStock>(() => stock.Reserve(quantity));
                    Assert.Equal(allowed ? reserved + quantity : reserved, stock.Reserved);
                    Assert.False(StockItem.CanReserve("SKU-2", 1).Compile()(stock));
                }
    }

    [Fact]
    public void A_reservation_ends_exactly_once()
    {
        var now = DateTimeOffset.UnixEpoch;
        var reservation = Reservation.Begin(ReservationMove.Hold, "SKU-1", "g:1", 1, now, now.AddMinutes(30));
        Assert.False(reservation.IsExpiredAt(now));
        Assert.True(reservation.IsExpiredAt(now.AddMinutes(30)));
        reservation.Apply(ReservationMove.Expire, now.AddMinutes(31));
        Assert.Throws<InvalidReservationMove>(() => reservation.Apply(ReservationMove.Release, now.AddMinutes(32)));
        Assert.Equal((ReservationStatus.Expired, now.AddMinutes(31)), (reservation.Status, reservation.EndedAt));
    }

    [Fact]
    public void Stock_labels_follow_availability_threshold_and_backorder()
    {
        StockLevel Level(int onHand, int reserved, bool backorderable = false) => new("S", 1, onHand, reserved, backorderable, 5, ReservationStrategy.RowLock, null);
        Assert.Equal("In stock", Level(20, 0).Label);
        Assert.Equal("Only 3 left", Level(5, 2).Label);
        Assert.Equal("Out of stock", Level(2, 2).Label);
        Assert.Equal("Back-order", Level(0, 0, backorderable: true).Label);
    }

    [Fact]
    public void Holds_extend_with_activity_but_never_past_the_cap()
    {
        var options = new InventoryOptions { ReservationTtl = TimeSpan.FromMinutes(30), MaxHold = TimeSpan.FromHours(2) };
        var created = DateTimeOffset.UnixEpoch;
        Assert.Equal(created.AddMinutes(40), HoldWriter.ExpiryFor(created, created.AddMinutes(10), options));
        Assert.Equal(created.AddHours(2), HoldWriter.ExpiryFor(created, created.AddMinutes(100), options));
    }
}
