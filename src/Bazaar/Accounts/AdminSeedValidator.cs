using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bazaar.Accounts;

// Outside Development no secret ships with the code: the admin seed needs a password of the operator's own.
public sealed class AdminSeedValidator(IHostEnvironment environment) : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions options)
    {
        var email = !string.IsNullOrWhiteSpace(options.AdminEmail);
        var password = !string.IsNullOrEmpty(options.AdminPassword);
        if (!email && password)
            return ValidateOptionsResult.Fail("Accounts:AdminPassword is set but Accounts:AdminEmail is not: set both to seed the first admin, or neither.");
        if (environment.IsDevelopment()) return ValidateOptionsResult.Success;
        if (options.AdminPassword == AccountsOptions.ShippedDevelopmentPassword)
            return ValidateOptionsResult.Fail("Accounts:AdminPassword is the password shipped for Development; outside Development set one of " +
                "your own, or remove Accounts:AdminEmail and Accounts:AdminPassword and create the admin with `admin create --email <address>`.");
        if (email && !password)
            return ValidateOptionsResult.Fail("Accounts:AdminPassword is empty but Accounts:AdminEmail is set: set the first admin's password, " +
                "or remove Accounts:AdminEmail and create the admin with `admin create --email <address>`.");
        return ValidateOptionsResult.Success;
    }
}
