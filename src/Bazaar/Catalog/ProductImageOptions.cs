using System.ComponentModel.DataAnnotations;

namespace Bazaar.Catalog;

// Images the admin uploads (Catalog:Images). They are kept in Directory (default: "images" under
// Database:DataDirectory), which every node serving them must see (a shared folder when there are several).
public sealed class ProductImageOptions
{
    public const string Section = "Catalog:Images";

    public string? Directory { get; set; }

    // The largest file accepted; a bigger one is refused with 400 naming the file.
    [Range(10_000, 100_000_000)]
    public long MaxBytes { get; set; } = 5_000_000;

    // The largest picture accepted, in pixels per side, checked before it is decoded.
    [Range(100, 20_000)]
    public int MaxSide { get; set; } = 8_000;

    // Stored pictures are made at most this many pixels on their longer side.
    [Range(100, 4_000)]
    public int StoredSide { get; set; } = 1_200;
}
