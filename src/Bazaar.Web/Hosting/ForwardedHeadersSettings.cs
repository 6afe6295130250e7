using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Bazaar.Web.Hosting;

// The reverse proxies (nginx in the scaled-out shape) whose X-Forwarded-For and X-Forwarded-Proto the store believes.
// Anyone else's forwarded headers are ignored, so a client cannot claim another address or claim to be on HTTPS.
// Loopback is always trusted (a proxy on the same host).
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    // Proxy addresses, e.g. "10.0.0.5".
    public List<string> KnownProxies { get; set; } = [];

    // Proxy networks in CIDR form, e.g. "10.0.0.0/24".
    public List<string> KnownNetworks { get; set; } = [];

    // Proxies in front of each other (a load balancer before nginx is 2).
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address.");
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"ForwardedHeaders:KnownNetworks: '{network}' is not a network such as 10.0.0.0/24.");
    }
}
