using System.Text.Json;

namespace Bazaar.Tests.Fixtures;

// Reads the sample catalogue the test hosts import, so tests derive expectations from the data itself.
public static class SampleCatalog
{
    public static IReadOnlyList<JsonElement> ValidRecords()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(StoreFactory.SampleCatalog));
        return doc.RootElement.EnumerateArray()
            .Where(p => p.TryGetProperty("title", out var t) && t.GetString() is { Length: > 0 }
                     && p.TryGetProperty("price", out var price) && price.ValueKind == JsonValueKind.Number && price.GetDecimal() >= 0)
            .Select(p => p.Clone())
            .ToList();
    }
}
