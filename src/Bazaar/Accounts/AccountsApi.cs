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
        RegisterInput input, Accounts accounts, Cart.Cart cart, HttpContext http, CancellationToken ct)
    {
        try
        {
            var customer = await accounts.RegisterAsync(input, ct);
            await accounts.SignInAsync(customer);
            await cart.MergeAsync(ShopperKeys.Guest(AnonymousShopper.IdOf(http)), ShopperKeys.Account(customer.Id), "customer:" + customer.Email, ct);
            var view = await accounts.FindAsync(customer.Id);
            return TypedResults.Created("/api/account/me", view!);
        }
        catch (AccountValidationException e) { return ProblemResults.Invalid(e.Errors); }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignIn(SignInInput input, Accounts accounts, Cart.Cart cart, HttpContext http, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(input);
        // The guest's cart and holds follow the shopper into the account.
        if (result is { Outcome: SignInOutcome.SignedIn, UserId: { } userId })
            await cart.MergeAsync(ShopperKeys.Guest(AnonymousShopper.IdOf(http)), ShopperKeys.Account(userId), "customer:" + input.Email, ct);
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
