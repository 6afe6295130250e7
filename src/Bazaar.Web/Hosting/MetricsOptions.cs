using System.ComponentModel.DataAnnotations;

namespace Bazaar.Web.Hosting;

// Who may read /metrics. Outside Development it is closed unless one of these is set: a port the scraper reaches
// and the public does not (list it in Urls too), or a bearer token the scraper sends.
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    [Range(1, 65535)]
    public int? Port { get; set; }

    [MinLength(16, ErrorMessage = "Metrics:BearerToken must be at least 16 characters.")]
    public string? BearerToken { get; set; }
}
