namespace Bazaar.Platform;

// One step of a store's first start, written once the step is done: a start stopped part-way (Ctrl+C, a crash, the
// database gone) does the steps not written at the next start, and none twice. CatalogSeeder runs them.
public sealed class FirstStartStep
{
    // Begun (written before the first step), then the steps in order: import, demo-stock, demo-history, index.
    public const string Begun = "begun";
    public const string Import = "import";
    public const string DemoStock = "demo-stock";
    public const string DemoHistory = "demo-history";
    public const string Index = "index";

    public required string Name { get; set; }
    public DateTimeOffset CompletedAt { get; set; }
    public string? Detail { get; set; }
}
