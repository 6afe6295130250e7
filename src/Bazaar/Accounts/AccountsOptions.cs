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

    // How often a session is checked against its account: a disabled account, a changed password or a reset ends the
    // account's other sessions within this long, on every node.
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    // Sign-in attempts allowed per client address per minute.
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    // Wrong passwords one client may try against one account before it has to wait (SignInThrottle).
    [Range(1, 1000)]
    public int SignInFreeFailuresPerAccount { get; set; } = 5;

    // Wrong passwords one client may try across all accounts before it has to wait.
    [Range(1, 100_000)]
    public int SignInFreeFailuresPerClient { get; set; } = 20;

    // The first wait after the free failures; each further failure doubles it, up to SignInBackOffMax.
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SignInBackOffStart { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan SignInBackOffMax { get; set; } = TimeSpan.FromMinutes(15);

    // Registrations accepted per client address per hour.
    [Range(1, 100_000)]
    public int RegistrationsPerHour { get; set; } = 10;

    // Password-reset mails requested per client address per hour.
    [Range(1, 100_000)]
    public int PasswordResetsPerHour { get; set; } = 10;

    // The store's address as shoppers reach it (https://shop.example.com), used for links in account mails. Empty:
    // the address of the request that caused the mail (Development); set it in Production so that a forged Host
    // header cannot point a reset link elsewhere.
    [Url]
    public string? PublicUrl { get; set; }
}
