namespace Bazaar.Catalog;

// Thrown by the catalogue's write rules; the API turns these into problem details.
public sealed class CatalogValidationException(IDictionary<string, string[]> errors)
    : Exception("The catalogue input is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

public sealed class CatalogConflictException(string message) : Exception(message);

public sealed class CatalogNotFoundException(string message) : Exception(message);
