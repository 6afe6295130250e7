using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Accounts;

public sealed record AccountView(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

public sealed record RegisterInput(string? Email, string? Password, string? DisplayName);

public sealed record SignInInput(string? Email, string? Password, bool RememberMe = false);

public enum SignInOutcome
{
    SignedIn,
    WrongCredentials,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, string? UserId);

public sealed class AccountValidationException(IDictionary<string, string[]> errors)
    : Exception("The account input is invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

// The accounts facade: registration, sign-in and the account view, over ASP.NET Core Identity.
public sealed class Accounts(UserManager<Customer> users, SignInManager<Customer> signIn, TimeProvider clock)
{
    public async Task<Customer> RegisterAsync(RegisterInput input, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var email = input.Email?.Trim() ?? "";
        if (email.Length == 0) errors["email"] = ["The e-mail address is required."];
        else if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length > 254)
            errors["email"] = [$"'{email}' is not an e-mail address."];
        if (string.IsNullOrEmpty(input.Password)) errors["password"] = ["The password is required."];
        if (input.DisplayName is { Length: > 100 }) errors["displayName"] = ["The display name must be at most 100 characters."];
        if (errors.Count > 0) throw new AccountValidationException(errors);

        if (await users.FindByEmailAsync(email) is not null)
            throw new AccountValidationException(new Dictionary<string, string[]> { ["email"] = ["An account with this e-mail address already exists."] });

        var customer = new Customer
        {
            UserName = email,
            Email = email,
            DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? email.Split('@')[0] : input.DisplayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(customer, input.Password!);
        if (!created.Succeeded)
            throw new AccountValidationException(new Dictionary<string, string[]>
            {
                [created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "email"] = created.Errors.Select(e => e.Description).ToArray(),
            });
        await users.AddToRoleAsync(customer, Roles.Customer);
        return customer;
    }

    public async Task<SignInResult> SignInAsync(SignInInput input)
    {
        var customer = string.IsNullOrWhiteSpace(input.Email) ? null : await users.FindByEmailAsync(input.Email.Trim());
        if (customer is null || string.IsNullOrEmpty(input.Password)) return new SignInResult(SignInOutcome.WrongCredentials, null);
        var result = await signIn.PasswordSignInAsync(customer, input.Password, input.RememberMe, lockoutOnFailure: true);
        return result.Succeeded ? new SignInResult(SignInOutcome.SignedIn, customer.Id)
            : new SignInResult(result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.WrongCredentials, null);
    }

    public Task SignInAsync(Customer customer) => signIn.SignInAsync(customer, isPersistent: false);

    public Task SignOutAsync() => signIn.SignOutAsync();

    public async Task<AccountView?> FindAsync(string userId)
    {
        var customer = await users.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId);
        if (customer is null) return null;
        var roles = await users.GetRolesAsync(customer);
        return new AccountView(customer.Id, customer.Email ?? "", customer.DisplayName, [.. roles.Order()], customer.CreatedAt);
    }
}
