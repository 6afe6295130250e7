namespace Bazaar.Tests.Security;

// The account attack tests share one store and run one after another, so the timing comparisons do not compete
// with each other for the two cores.
[CollectionDefinition(Name)]
public sealed class AccountsSecurityCollection : ICollectionFixture<SecurityStore>
{
    public const string Name = "Accounts security";
}
