using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace Bazaar.Accounts;

// NIST SP 800-63B (3.1.1.2): length decides, not composition; any character is allowed, long passphrases welcome;
// a password from a breach corpus or about the account itself is refused. Identity's own validator checks the
// minimum length (options in BazaarModules); this one the rest. Each error's description names the rule.
public sealed class PasswordPolicy : IPasswordValidator<Customer>
{
    public const int MinimumLength = 8;
    // An admin account opens the back office, so it needs more than the shopper's floor.
    public const int AdminMinimumLength = 12;
    // Long enough for any passphrase (NIST asks for at least 64), short enough that hashing stays cheap.
    public const int MaximumLength = 128;

    private static readonly Lazy<FrozenSet<string>> Common = new(LoadCommonPasswords);

    public async Task<IdentityResult> ValidateAsync(UserManager<Customer> manager, Customer user, string? password)
    {
        password ??= "";
        var errors = new List<IdentityError>();
        if (password.Length > MaximumLength)
            errors.Add(Error("PasswordTooLong", $"The password must be at most {MaximumLength} characters."));
        if (IsCommon(password))
            errors.Add(Error("PasswordCommon",
                "This password is on the list of common and breached passwords; choose another (a few unrelated words make a strong one)."));
        if (IsAboutTheAccount(password, user))
            errors.Add(Error("PasswordIsAccountName", "The password must not be your e-mail address or the name before its @."));
        if (password.Length > 0 && password.All(c => c == password[0]))
            errors.Add(Error("PasswordRepeated", "The password must not be one character repeated."));
        if (password.Length < AdminMinimumLength && !string.IsNullOrEmpty(user.Id) && await manager.IsInRoleAsync(user, Roles.Admin))
            errors.Add(Error("PasswordTooShortForAdmin", $"An admin's password must be at least {AdminMinimumLength} characters."));
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim().ToLowerInvariant());

    private static bool IsAboutTheAccount(string password, Customer user)
    {
        if (string.IsNullOrEmpty(user.Email)) return false;
        var localPart = user.Email.Split('@')[0];
        return password.Equals(user.Email, StringComparison.OrdinalIgnoreCase)
            || (localPart.Length >= MinimumLength && password.Equals(localPart, StringComparison.OrdinalIgnoreCase));
    }

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };

    private static FrozenSet<string> LoadCommonPasswords()
    {
        // The list ships inside the assembly (Accounts/PasswordLists, with its sources and licences).
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("Bazaar.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) passwords.Add(line);
        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
