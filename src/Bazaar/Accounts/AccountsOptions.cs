using System.ComponentModel.DataAnnotations;

namespace Bazaar.Accounts;

public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    // The password appsettings.Development.json ships for the local admin; anywhere else it is a known secret, so a
    // store outside Development refuses to start with it.
    public const string ShippedDevelopmentPassword = "change-me-admin-1";

    // The first admin, created on start-up when no account has this address yet. Only a seed: an existing account is
    // never promoted, and a changed password here does not change an existing admin's (`admin set-password` does).
    [EmailAddress]
    public string? AdminEmail { get; set; }

    [MinLength(8)]
    public string? AdminPassword { get; set; }

    // Sign-in attempts allowed per client address per minute.
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 10;
}
