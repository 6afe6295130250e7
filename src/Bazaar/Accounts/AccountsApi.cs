using System.Security.Claims;
using Bazaar.Cart;
using Bazaar.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Accounts;

public static class AccountsApi
{
    public const string SignInRateLimit = "sign-in";

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/account").WithTags("Accounts");
        api.MapPost("/register", Register);
        api.MapPost("/sign-in", SignIn).RequireRateLimiting(SignInRateLimit);
        api.MapPost("/sign-out", SignOut).RequireAuthorization();
        api.MapGet("/me", Me).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Created<AccountView>, ValidationProblem>> Register(
        RegisterInput input, Accounts accounts, GuestHandOver handOver, HttpContext http, CancellationToken ct)
    {
        try
        {
            var customer = await accounts.RegisterAsync(input, ct);
            await accounts.SignInAsync(customer);
            await handOver.HandOverAsync(http, customer.Id, customer.Email!, ct);
            var view = await accounts.FindAsync(customer.Id);
            return TypedResults.Created("/api/account/me", view!);
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(SignInInput input, Accounts accounts, GuestHandOver handOver, HttpContext http, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(input);
        if (result is { Outcome: SignInOutcome.SignedIn, UserId: { } userId })
            await handOver.HandOverAsync(http, userId, input.Email ?? "", ct);
        return result.Outcome switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.LockedOut => TypedResults.Problem("Too many failed attempts; the account is locked for a few minutes.", statusCode: StatusCodes.Status423Locked, title: "Account locked."),
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
}
