using System.Net;
using System.Net.Sockets;

namespace Bazaar.Cart;

// Where a cart request came from, as the per-client caps and limits count it. An IPv6 client counts by its /64
// network: one subscriber is usually given a whole /64, so counting single addresses would give a hoarder billions of
// "clients". A request with no address (an in-process host) counts as the one client "unknown", which the settings
// may name among the unlimited clients like any address.
public sealed record CartClient(string Key, bool Unlimited)
{
    public const string Unknown = "unknown";

    public static CartClient For(IPAddress? address, CartOptions options)
    {
        if (address is null) return new CartClient(Unknown, options.UnknownIsUnlimited);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var unlimited = options.UnlimitedNetworks().Any(n => n.Contains(address));
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return new CartClient(address.ToString(), unlimited);
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new CartClient(new IPAddress(bytes) + "/64", unlimited);
    }
}
