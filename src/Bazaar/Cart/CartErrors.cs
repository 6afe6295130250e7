namespace Bazaar.Cart;

// A cap on what one cart (or one client) may hold was reached. Cap names the setting, so an operator who sees the
// refusal knows which number to change.
public sealed class CartCapReached(string cap, int limit, string message) : Exception(message)
{
    public string Cap { get; } = cap;
    public int Limit { get; } = limit;
}

// A refusal decided by a cart statement that ran inside a hold's transaction: thrown there so that the hold rolls back
// with it (and a queue batch is retried one request at a time), then unwrapped by the cart.
internal sealed class CartLineRefused(Exception refusal) : InvalidOperationException(refusal.Message, refusal)
{
    public Exception Refusal { get; } = refusal;
}
