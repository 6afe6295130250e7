using System.ComponentModel.DataAnnotations;

namespace Bazaar.Accounts;

public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    // The first admin, created (or promoted) on start-up when both are set.
    [EmailAddress]
    public string? AdminEmail { get; set; }

    [MinLength(8)]
    public string? AdminPassword { get; set; }

    // Sign-in attempts allowed per client address per minute.
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
