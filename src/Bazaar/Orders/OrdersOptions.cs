using System.ComponentModel.DataAnnotations;

namespace Bazaar.Orders;

public sealed class OrdersOptions
{
    public const string Section = "Orders";

    // An order whose payment has not gone through by then is cancelled and its payment closed at the gateway, so that
    // its page takes no card after. It holds no stock meanwhile (its units stay the cart's holds until it is paid).
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(10);

    // How often each node looks for unpaid orders to cancel and half-finished cancellations to finish.
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromSeconds(15);

    // How often each node sends what is waiting in the notification outbox.
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan NotificationInterval { get; set; } = TimeSpan.FromSeconds(2);
}
