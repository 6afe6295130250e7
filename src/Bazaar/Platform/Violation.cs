namespace Bazaar.Platform;

// One broken invariant found by an audit (each module audits its own tables; Store.StoreAudit gathers them).
public sealed record Violation(string Rule, string Subject, string Detail)
{
    public override string ToString() => $"{Rule}: {Subject}: {Detail}";
}
