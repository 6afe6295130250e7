using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Bazaar.Platform;

// The client a request comes from, as rate limits key it: the connection's address, which the forwarded-headers
// middleware rewrites to the real client's when the request came through a configured proxy.
public static class ClientAddress
{
    public const string Unknown = "unknown";

    // An IPv6 client is keyed by its /64: one subscriber usually holds a whole /64 and could otherwise take a fresh
    // address (and a fresh limit) for every request. IPv4 addresses mapped into IPv6 count as the IPv4 address.
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
