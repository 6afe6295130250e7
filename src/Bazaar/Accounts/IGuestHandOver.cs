namespace Bazaar.Accounts;

// A module that keeps something for a guest which follows them into their account when they sign in (Cart: the cart
// and its holds; Recommendations: the products viewed). Accounts calls every one of them and knows none: the modules
// depend on Accounts, never the other way round.
public interface IGuestHandOver
{
    Task HandOverAsync(string guestKey, string accountKey, string actor, CancellationToken ct);
}
