using Microsoft.AspNetCore.Identity;

namespace Bazaar.Accounts;

// A signed-up shopper or an admin; roles say which.
public sealed class Customer : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Customer = "customer";
    public const string Admin = "admin";
}
