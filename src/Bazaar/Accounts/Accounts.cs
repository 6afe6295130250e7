using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Accounts;

public sealed record AccountView(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt,
    bool EmailConfirmed);

public sealed record RegisterInput(string? Email, string? Password, string? DisplayName);

public sealed record SignInInput(string? Email, string? Password, bool RememberMe = false);

public sealed record ChangePasswordInput(string? CurrentPassword, string? NewPassword);

public sealed record ForgotPasswordInput(string? Email);

public sealed record ResetPasswordInput(string? UserId, string? Code, string? NewPassword);

public sealed record ConfirmEmailInput(string? UserId, string? Code);

public enum SignInOutcome
{
    SignedIn,
    WrongCredentials,
    Throttled,

    // The right password for an account the store disabled (told only to whoever knows the password).
    Disabled,
}

public sealed record SignInResult(SignInOutcome Outcome, string? UserId, TimeSpan RetryAfter = default);

public sealed class AccountValidationException(IDictionary<string, string[]> errors)
    : Exception("The account input is invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

// Too many wrong passwords from this client: it must wait before the next try.
public sealed class SignInThrottledException(TimeSpan retryAfter) : Exception("Too many wrong passwords; wait before trying again.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

// The accounts facade: registration, sign-in, passwords, e-mail confirmation and the account view, over ASP.NET
// Core Identity. Nothing it answers tells whether an e-mail address has an account: registration and forgotten
// passwords answer the same either way and mail the address instead, and a sign-in for an unknown address hashes
// a password like a wrong password does, so it takes as long.
public sealed class Accounts(
    UserManager<Customer> users,
    SignInManager<Customer> signIn,
    SignInThrottle throttle,
    AccountMailer mailer,
    [FromKeyedServices(Accounts.RegistrationTiming)] EvenTiming registrationTiming,
    [FromKeyedServices(Accounts.ForgotPasswordTiming)] EvenTiming forgotPasswordTiming,
    TimeProvider clock)
{
    public const string RegistrationTiming = "registration";
    public const string ForgotPasswordTiming = "forgot-password";

    private static string? _decoyHash;

    // Registers the address, or, when it already has an account, tells its owner by mail. The caller answers the
    // same in both cases ("check your e-mail") and signs nobody in: the owner of a new account confirms the address
    // from the mail and signs in.
    public async Task RegisterAsync(RegisterInput input, CancellationToken ct = default)
    {
        var started = EvenTiming.Start();
        var errors = new Dictionary<string, string[]>();
        var email = CheckEmail(input.Email, errors);
        if (string.IsNullOrEmpty(input.Password)) errors["password"] = ["The password is required."];
        if (input.DisplayName is { Length: > 100 }) errors["displayName"] = ["The display name must be at most 100 characters."];
        if (errors.Count > 0) throw new AccountValidationException(errors);

        var customer = new Customer
        {
            UserName = email,
            Email = email,
            DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? email.Split('@')[0] : input.DisplayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        // The password is judged before looking the address up, so a weak one is refused the same way for both.
        await CheckPasswordAsync(customer, input.Password!, "password");

        if (await users.FindByEmailAsync(email) is { } existing)
        {
            // As much work as creating the account would take: hashing the password.
            users.PasswordHasher.HashPassword(existing, input.Password!);
            mailer.AlreadyRegistered(existing);
            await registrationTiming.PadAsync(started, ct);
            return;
        }
        var created = await users.CreateAsync(customer, input.Password!);
        if (!created.Succeeded)
        {
            // Another registration of the same address won the race: its owner hears about this one.
            if (created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName")
                && await users.FindByEmailAsync(email) is { } winner)
            {
                mailer.AlreadyRegistered(winner);
                await registrationTiming.PadAsync(started, ct);
                return;
            }
            throw new AccountValidationException(new Dictionary<string, string[]>
            {
                [created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "email"] =
                    created.Errors.Select(e => e.Description).ToArray(),
            });
        }
        await users.AddToRoleAsync(customer, Roles.Customer);
        mailer.ConfirmEmail(customer, await users.GenerateEmailConfirmationTokenAsync(customer));
        // Creating an account writes rows that telling the owner of a taken address does not: both answers wait
        // until this path's usual time (EvenTiming) has passed.
        registrationTiming.Observe(started);
        await registrationTiming.PadAsync(started, ct);
    }

    // `client` is the caller's address (SignInThrottle.ClientOf), resolved at the edge.
    public async Task<SignInResult> SignInAsync(SignInInput input, string client)
    {
        var email = input.Email?.Trim() ?? "";
        var wait = throttle.WaitBefore(email, client);
        if (wait > TimeSpan.Zero) return new SignInResult(SignInOutcome.Throttled, null, wait);

        var customer = email.Length == 0 ? null : await users.FindByEmailAsync(email);
        if (customer is null || string.IsNullOrEmpty(input.Password))
        {
            // An unknown address costs what a wrong password costs, so timing does not tell them apart.
            users.PasswordHasher.VerifyHashedPassword(new Customer(), DecoyHash(), input.Password ?? "");
            throttle.Failed(email, client);
            return new SignInResult(SignInOutcome.WrongCredentials, null);
        }
        // No lockout: a locked account is a denial of service anyone can cause; SignInThrottle slows guessers instead.
        var result = await signIn.PasswordSignInAsync(customer, input.Password, input.RememberMe, lockoutOnFailure: false);
        // A disabled account is an Identity lockout with no end (CustomerDirectory.DisableAsync); Identity answers it before
        // looking at the password, so the password is checked here before saying so.
        if (result.IsLockedOut && await users.CheckPasswordAsync(customer, input.Password))
        {
            throttle.Succeeded(email, client);
            return new SignInResult(SignInOutcome.Disabled, null);
        }
        if (!result.Succeeded)
        {
            throttle.Failed(email, client);
            return new SignInResult(SignInOutcome.WrongCredentials, null);
        }
        throttle.Succeeded(email, client);
        return new SignInResult(SignInOutcome.SignedIn, customer.Id);
    }

    public async Task ChangePasswordAsync(string userId, ChangePasswordInput input, string client)
    {
        var customer = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("The signed-in account no longer exists.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(input.CurrentPassword)) errors["currentPassword"] = ["The current password is required."];
        if (string.IsNullOrEmpty(input.NewPassword)) errors["newPassword"] = ["The new password is required."];
        if (errors.Count > 0) throw new AccountValidationException(errors);

        // A stolen session must not become a way to guess the password: wrong current passwords count as failed sign-ins.
        var wait = throttle.WaitBefore(customer.Email!, client);
        if (wait > TimeSpan.Zero) throw new SignInThrottledException(wait);
        var changed = await users.ChangePasswordAsync(customer, input.CurrentPassword!, input.NewPassword!);
        if (changed.Errors.Any(e => e.Code == "PasswordMismatch"))
        {
            throttle.Failed(customer.Email!, client);
            throw new AccountValidationException(new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is wrong."] });
        }
        if (!changed.Succeeded) throw Invalid("newPassword", changed);
        // The new security stamp ends the account's other sessions; this one gets a fresh cookie.
        await signIn.RefreshSignInAsync(customer);
        mailer.PasswordChanged(customer);
    }

    // Mails a reset link when the address has an account; the caller answers the same either way.
    public async Task ForgotPasswordAsync(ForgotPasswordInput input, CancellationToken ct = default)
    {
        var started = EvenTiming.Start();
        var errors = new Dictionary<string, string[]>();
        var email = CheckEmail(input.Email, errors);
        if (errors.Count > 0) throw new AccountValidationException(errors);
        if (await users.FindByEmailAsync(email) is { } customer)
        {
            mailer.ResetPassword(customer, await users.GeneratePasswordResetTokenAsync(customer));
            forgotPasswordTiming.Observe(started);
        }
        else
        {
            // The same token work for nobody (a customer that is never saved), then the same wait.
            await users.GeneratePasswordResetTokenAsync(new Customer { Email = email, UserName = email, SecurityStamp = Guid.NewGuid().ToString() });
        }
        await forgotPasswordTiming.PadAsync(started, ct);
    }

    public async Task ResetPasswordAsync(ResetPasswordInput input)
    {
        if (string.IsNullOrEmpty(input.NewPassword))
            throw new AccountValidationException(new Dictionary<string, string[]> { ["newPassword"] = ["The new password is required."] });
        var token = AccountMailer.Decode(input.Code);
        var customer = string.IsNullOrEmpty(input.UserId) ? null : await users.FindByIdAsync(input.UserId);
        if (customer is null || token is null) throw InvalidLink();
        var reset = await users.ResetPasswordAsync(customer, token, input.NewPassword);
        if (!reset.Succeeded)
            throw reset.Errors.Any(e => e.Code == "InvalidToken") ? InvalidLink() : Invalid("newPassword", reset);
        // The link came by mail, so whoever used it reads that mailbox.
        if (!customer.EmailConfirmed)
        {
            customer.EmailConfirmed = true;
            await users.UpdateAsync(customer);
        }
        mailer.PasswordChanged(customer);
    }

    public async Task ConfirmEmailAsync(ConfirmEmailInput input)
    {
        var token = AccountMailer.Decode(input.Code);
        var customer = string.IsNullOrEmpty(input.UserId) ? null : await users.FindByIdAsync(input.UserId);
        if (customer is null || token is null) throw InvalidLink();
        if (!(await users.ConfirmEmailAsync(customer, token)).Succeeded) throw InvalidLink();
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    public async Task<AccountView?> FindAsync(string userId, CancellationToken ct = default)
    {
        var customer = await users.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (customer is null) return null;
        var roles = await users.GetRolesAsync(customer);
        return new AccountView(customer.Id, customer.Email ?? "", customer.DisplayName, [.. roles.Order()], customer.CreatedAt,
            customer.EmailConfirmed);
    }

    private static string CheckEmail(string? input, Dictionary<string, string[]> errors)
    {
        var email = input?.Trim() ?? "";
        if (email.Length == 0) errors["email"] = ["The e-mail address is required."];
        else if (email.Length > 254 || email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            errors["email"] = [$"'{email}' is not an e-mail address."];
        return email;
    }

    private async Task CheckPasswordAsync(Customer customer, string password, string field)
    {
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, customer, password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }
        if (problems.Count > 0) throw new AccountValidationException(new Dictionary<string, string[]> { [field] = [.. problems] });
    }

    private string DecoyHash() =>
        _decoyHash ??= users.PasswordHasher.HashPassword(new Customer(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    private static AccountValidationException Invalid(string field, IdentityResult result) =>
        new(new Dictionary<string, string[]> { [field] = result.Errors.Select(e => e.Description).ToArray() });

    private static AccountValidationException InvalidLink() =>
        new(new Dictionary<string, string[]> { ["code"] = ["This link is invalid or has expired; ask for a new one."] });
}
