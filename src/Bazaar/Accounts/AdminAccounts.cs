using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace Bazaar.Accounts;

// Admins come into being only by an explicit step: the `admin create` command, or the configured seed on a store that
// has no account with that address. An account someone registered is never promoted: registration does not prove
// that its owner is the operator who wrote the address into the configuration.
public sealed class AdminAccounts(UserManager<Customer> users, TimeProvider clock, ILogger<AdminAccounts> log)
{
    public async Task<bool> AnyAsync() => (await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0;

    public async Task<Customer> CreateAsync(string email, string password)
    {
        email = email.Trim();
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            throw Invalid("email", $"'{email}' is not an e-mail address.");
        if (await users.FindByEmailAsync(email) is not null)
            throw Invalid("email", $"An account with {email} already exists; an existing account is never made an admin. " +
                "Use another address (or `admin set-password` if it is already an admin).");
        var admin = new Customer { UserName = email, Email = email, DisplayName = "Administrator", CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded) throw Invalid("password", created.Errors.Select(e => e.Description).ToArray());
        await users.AddToRolesAsync(admin, [Roles.Admin, Roles.Customer]);
        return admin;
    }

    // Also ends the admin's other sessions (the security stamp changes).
    public async Task SetPasswordAsync(string email, string password)
    {
        var admin = await users.FindByEmailAsync(email.Trim());
        if (admin is null || !await users.IsInRoleAsync(admin, Roles.Admin))
            throw Invalid("email", $"There is no admin {email}.");
        var reset = await users.ResetPasswordAsync(admin, await users.GeneratePasswordResetTokenAsync(admin), password);
        if (!reset.Succeeded) throw Invalid("password", reset.Errors.Select(e => e.Description).ToArray());
    }

    // Accounts:AdminEmail and Accounts:AdminPassword on start-up. Says so in the log when the settings do not do what
    // an operator might expect, instead of silently doing nothing.
    public async Task SeedAsync(string email, string password)
    {
        var existing = await users.FindByEmailAsync(email);
        if (existing is null)
        {
            await CreateAsync(email, password);
            // No address in the log (here or below): the setting names it for whoever needs it.
            log.LogInformation("Created the first admin from Accounts:AdminEmail");
        }
        else if (!await users.IsInRoleAsync(existing, Roles.Admin))
            log.LogError("Accounts:AdminEmail belongs to an account that is not an admin; it is not promoted. Create the admin " +
                "with `admin create --email <address>` using an address nobody has registered");
        else if (!await users.CheckPasswordAsync(existing, password))
            log.LogWarning("Accounts:AdminPassword is not the password of the admin named by Accounts:AdminEmail and does not " +
                "change it: the setting only seeds the first admin. Change it with `admin set-password --email <address>`");
    }

    private static AccountValidationException Invalid(string field, params string[] messages) =>
        new(new Dictionary<string, string[]> { [field] = messages });
}
