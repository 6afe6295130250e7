namespace Bazaar.Checkout;

// The points in a checkout where a crash is interesting: between them, different parts of the work are durable.
public enum CheckoutStep
{
    // The order and its payment row are written but not committed.
    OrderWritten,

    // The order is committed; the payment has not been opened at the gateway.
    OrderCommitted,

    // The payment is open at the gateway; the shopper has not been sent to its page.
    PaymentOpened,

    // The gateway authorised; in the transaction that places the order, the order is Paid and the payment Authorised,
    // but the stock is not committed yet.
    PaymentAuthorised,

    // Everything of the placing transaction is written but not committed.
    OrderPaid,
}

public sealed class SimulatedCrash(CheckoutStep step) : Exception($"Simulated crash at {step}.")
{
    public CheckoutStep Step { get; } = step;
}

// Fault injection for tests: arm a step and the next checkout to reach it throws there, as if the node died.
// Unarmed (always, outside tests) it does nothing.
public sealed class CheckoutFaults
{
    private int _armed = -1;

    public void CrashOnceAt(CheckoutStep step) => Volatile.Write(ref _armed, (int)step);

    internal void At(CheckoutStep step)
    {
        if (Volatile.Read(ref _armed) == (int)step && Interlocked.CompareExchange(ref _armed, -1, (int)step) == (int)step)
            throw new SimulatedCrash(step);
    }
}
