namespace Bazaar.Tests.Security;

// The account attack tests share one store and run one after another, and after every other test class (no
// parallelisation): the timing comparisons must not compete for the two cores with the rest of the suite, which
// moved a sign-in median by 50 ms in a full run.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AccountsSecurityCollection : ICollectionFixture<SecurityStore>
{
    public const string Name = "Accounts security";
}
