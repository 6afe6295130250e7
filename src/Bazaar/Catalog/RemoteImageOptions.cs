using System.ComponentModel.DataAnnotations;

namespace Bazaar.Catalog;

// Catalogue images on other hosts (Catalog:RemoteImages), served through the store: fetched once, kept in
// Directory (default: "remote-images" under Database:DataDirectory) and answered from there over the store's own
// scheme, so an https page never loads a plain-http picture and a dead host never shows as a broken image.
public sealed class RemoteImageOptions
{
    public const string Section = "Catalog:RemoteImages";

    public string? Directory { get; set; }

    // How long one fetch may take before the picture counts as missing (the page shows the placeholder).
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(10_000, 50_000_000)]
    public long MaxBytes { get; set; } = 5_000_000;

    // A picture that could not be fetched is not asked for again before this (every page view would wait on it).
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryFailedAfter { get; set; } = TimeSpan.FromHours(1);

    // Hosts on loopback, private and link-local addresses are refused unless this is set (the tests' own image
    // server; never the cloud's metadata address by a product's image URL).
    public bool AllowPrivateNetworks { get; set; }
}
