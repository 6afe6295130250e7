using System.ComponentModel.DataAnnotations;

namespace Bazaar.Platform;

// Who the shop is, as invoices, packing slips and the contact page print it (Store:Name, Store:Address, ...).
public sealed class StoreDetailsOptions
{
    public const string Section = "Store";

    [Required, StringLength(120, MinimumLength = 1)]
    public string Name { get; set; } = "Bazaar";

    // Lines of the postal address, separated by new lines (or "\n" in an environment variable).
    [StringLength(500)]
    public string Address { get; set; } = "";

    [EmailAddress, StringLength(254)]
    public string? Email { get; set; }

    [StringLength(40)]
    public string? Phone { get; set; }

    // The VAT or sales-tax registration number printed on invoices.
    [StringLength(40)]
    public string? TaxId { get; set; }

    // Put before every invoice number: "INV-" gives INV-000001.
    [Required, RegularExpression("^[A-Za-z0-9-/]{0,12}$", ErrorMessage = "Store:InvoicePrefix: up to 12 letters, digits, '-' or '/'.")]
    public string InvoicePrefix { get; set; } = "INV-";

    public IReadOnlyList<string> AddressLines =>
        Address.Replace("\\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
