using System.ComponentModel.DataAnnotations;

namespace Bazaar.Platform;

// Whether shoppers reach the store over HTTPS (directly or through a proxy that terminates TLS). On by default;
// appsettings.Development.json turns it off so that `dotnet run` works on http://127.0.0.1:5000.
public sealed class HttpsOptions
{
    public const string Section = "Https";

    // Redirects http to https, sends HSTS, marks every cookie Secure and gives cookies the __Host- prefix.
    public bool Required { get; set; } = true;

    // The port plain-http requests are redirected to (the public HTTPS port, usually the proxy's).
    [Range(1, 65535)]
    public int Port { get; set; } = 443;

    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    // A __Host- cookie is only ever sent over HTTPS, to this exact host, for the whole site: no subdomain or path
    // can plant or shadow it. Browsers refuse the prefix without Secure, so plain-http Development goes without.
    public string CookieName(string name) => Required ? "__Host-" + name : name;
}
