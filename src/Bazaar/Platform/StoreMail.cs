using System.Security.Cryptography;
using System.Text;

namespace Bazaar.Platform;

// One message to a shopper: an order update or an account mail (confirm, reset, notices).
public sealed record StoreMail(string To, string Subject, string Body)
{
    // What log lines name instead of the address: the same address always gives the same short pseudonym, so
    // an operator can follow one recipient's mail without the log holding personal data.
    public string RecipientPseudonym =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(To.Trim().ToUpperInvariant())))[..12];
}
