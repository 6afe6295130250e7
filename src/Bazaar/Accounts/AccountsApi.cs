using System.Globalization;
using System.Security.Claims;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Accounts;

public sealed record AccountMailSent(string Message);

public static class AccountsApi
{
    public const string SignInRateLimit = "sign-in";
    public const string RegistrationRateLimit = "registration";
    public const string PasswordResetRateLimit = "password-reset";

    // One answer whether or not the address has an account, so the answer does not tell.
    public static readonly AccountMailSent RegistrationAnswer =
        new("Check your e-mail: we have sent a message to that address to finish. New accounts can sign in now.");
    public static readonly AccountMailSent ResetAnswer =
        new("If an account uses that e-mail address, we have sent it a link to choose a new password.");

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/account").WithTags("Accounts");
        api.MapPost("/register", Register).RequireRateLimiting(RegistrationRateLimit);
        api.MapPost("/sign-in", SignIn).RequireRateLimiting(SignInRateLimit);
        api.MapPost("/sign-out", SignOut).RequireAuthorization();
        api.MapGet("/me", Me).RequireAuthorization();
        api.MapPost("/change-password", ChangePassword).RequireAuthorization();
        api.MapPost("/forgot-password", ForgotPassword).RequireRateLimiting(PasswordResetRateLimit);
        api.MapPost("/reset-password", ResetPassword).RequireRateLimiting(SignInRateLimit);
        api.MapPost("/confirm-email", ConfirmEmail).RequireRateLimiting(SignInRateLimit);
        return app;
    }

    private static async Task<Results<Accepted<AccountMailSent>, ValidationProblem>> Register(
        RegisterInput input, Accounts accounts, CancellationToken ct)
    {
        try
        {
            await accounts.RegisterAsync(input, ct);
            return TypedResults.Accepted((string?)null, RegistrationAnswer);
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(SignInInput input, Accounts accounts, GuestHandOver handOver, HttpContext http, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(input, SignInThrottle.ClientOf(http));
        if (result is { Outcome: SignInOutcome.SignedIn, UserId: { } userId })
            await handOver.HandOverAsync(http, userId, input.Email ?? "", ct);
        return result.Outcome switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.Throttled => Throttled(http, result.RetryAfter),
            SignInOutcome.Disabled => TypedResults.Problem(CustomerDirectory.DisabledMessage, statusCode: StatusCodes.Status403Forbidden,
                title: "This account is disabled."),
            _ => TypedResults.Problem("The e-mail address or password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed."),
        };
    }

    private static async Task<NoContent> SignOut(Accounts accounts)
    {
        await accounts.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Me(ClaimsPrincipal user, UserManager<Customer> users, Accounts accounts) =>
        users.GetUserId(user) is { } id && await accounts.FindAsync(id) is { } view
            ? TypedResults.Ok(view)
            : ProblemResults.NotFound("The signed-in account no longer exists.");

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordInput input, ClaimsPrincipal user, UserManager<Customer> users, Accounts accounts, HttpContext http)
    {
        if (users.GetUserId(user) is not { } id) return ProblemResults.NotFound("The signed-in account no longer exists.");
        try
        {
            await accounts.ChangePasswordAsync(id, input, SignInThrottle.ClientOf(http));
            return TypedResults.NoContent();
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
        catch (SignInThrottledException e) { return Throttled(http, e.RetryAfter); }
    }

    private static async Task<Results<Accepted<AccountMailSent>, ValidationProblem>> ForgotPassword(
        ForgotPasswordInput input, Accounts accounts, CancellationToken ct)
    {
        try
        {
            await accounts.ForgotPasswordAsync(input, ct);
            return TypedResults.Accepted((string?)null, ResetAnswer);
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ValidationProblem>> ResetPassword(ResetPasswordInput input, Accounts accounts)
    {
        try
        {
            await accounts.ResetPasswordAsync(input);
            return TypedResults.NoContent();
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ValidationProblem>> ConfirmEmail(ConfirmEmailInput input, Accounts accounts)
    {
        try
        {
            await accounts.ConfirmEmailAsync(input);
            return TypedResults.NoContent();
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static ProblemHttpResult Throttled(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem($"Too many wrong passwords from this address; try again in {seconds} seconds.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts.");
    }
}
