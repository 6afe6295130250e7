using System.ComponentModel.DataAnnotations;

namespace Bazaar.Platform;

// Store:Currency: the one currency every price, order, payment and refund is in (docs/decisions/0009). Amounts are held
// to the cent, so a currency with three decimals (BHD, KWD, ...) cannot be the store's.
public sealed class StoreCurrencyOptions : IValidatableObject
{
    public const string Section = "Store";

    [Required, RegularExpression("^[A-Z]{3}$", ErrorMessage = "Store:Currency must be a three-letter ISO 4217 code in capitals, such as USD.")]
    public string Currency { get; set; } = "USD";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StoreCurrency.DecimalsOf(Currency) > 2)
            yield return new ValidationResult($"Store:Currency: {Currency} has three decimals; Bazaar holds amounts to the cent.", [nameof(Currency)]);
    }
}
