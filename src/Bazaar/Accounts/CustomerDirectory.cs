using Bazaar.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Bazaar.Accounts;

public sealed record CustomerAccount(string Id, string Email, string DisplayName, DateTimeOffset CreatedAt, bool EmailConfirmed, bool Disabled,
    bool IsAdmin);

// The back office's view of the accounts: find them, and disable or enable one. A disabled account is an Identity
// lockout without an end: it cannot sign in, and its new security stamp ends the sessions it has (each is checked
// against the stamp every Accounts:SessionCheckInterval).
public sealed class CustomerDirectory(UserManager<Customer> users, ILogger<CustomerDirectory> log)
{
    public const string DisabledMessage = "This account is disabled. Contact the store if you think this is a mistake.";

    // A lockout end no clock reaches (finite, so both databases store it as it is).
    private static readonly DateTimeOffset DisabledUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static readonly ListShape Shape = new(["name", "email", "joined", "orders", "spent", "last-order"], "joined", DefaultDescending: true);

    // Sorts on the accounts' own columns, a page at a time in the database.
    public async Task<(IReadOnlyList<CustomerAccount> Items, int Total)> SearchAsync(string? text, ListQuery list, CancellationToken ct = default)
    {
        var accounts = Matching(text);
        var total = await accounts.CountAsync(ct);
        accounts = (list.Sort, list.Descending) switch
        {
            ("name", false) => accounts.OrderBy(c => c.DisplayName).ThenBy(c => c.Id),
            ("name", true) => accounts.OrderByDescending(c => c.DisplayName).ThenBy(c => c.Id),
            ("email", false) => accounts.OrderBy(c => c.NormalizedEmail).ThenBy(c => c.Id),
            ("email", true) => accounts.OrderByDescending(c => c.NormalizedEmail).ThenBy(c => c.Id),
            (_, false) => accounts.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
            _ => accounts.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id),
        };
        var page = await accounts.Skip(list.Skip).Take(list.PageSize).ToListAsync(ct);
        return (await ViewsAsync(page, ct), total);
    }

    // Every matching account's id, for sorts on figures another module keeps (orders, money spent).
    public async Task<IReadOnlyList<string>> IdsMatchingAsync(string? text, CancellationToken ct = default) =>
        await Matching(text).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);

    public async Task<IReadOnlyList<CustomerAccount>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        var wanted = ids.ToArray();
        var found = await users.Users.AsNoTracking().Where(c => EF.Parameter(wanted).Contains(c.Id)).ToListAsync(ct);
        var views = (await ViewsAsync(found, ct)).ToDictionary(v => v.Id);
        return ids.Where(views.ContainsKey).Select(id => views[id]).ToList();
    }

    public async Task<CustomerAccount?> FindAsync(string id, CancellationToken ct = default) => (await GetManyAsync([id], ct)).FirstOrDefault();

    // Refused for admins: the back office must not lock its own operators out (an admin is removed by the operator).
    public async Task<CustomerAccount> DisableAsync(string id, string actor)
    {
        var customer = await users.FindByIdAsync(id) ?? throw new AccountNotFound(id);
        if (await users.IsInRoleAsync(customer, Roles.Admin)) throw new AccountChangeRefused("An admin account cannot be disabled from the back office.");
        await users.SetLockoutEnabledAsync(customer, true);
        await users.SetLockoutEndDateAsync(customer, DisabledUntil);
        // Ends the sessions the account already has.
        await users.UpdateSecurityStampAsync(customer);
        log.LogInformation("Account {AccountId} disabled by {Actor}", id, actor);
        return (await FindAsync(id))!;
    }

    public async Task<CustomerAccount> EnableAsync(string id, string actor)
    {
        var customer = await users.FindByIdAsync(id) ?? throw new AccountNotFound(id);
        await users.SetLockoutEndDateAsync(customer, null);
        log.LogInformation("Account {AccountId} enabled by {Actor}", id, actor);
        return (await FindAsync(id))!;
    }

    private IQueryable<Customer> Matching(string? text)
    {
        var accounts = users.Users.AsNoTracking();
        if (string.IsNullOrWhiteSpace(text)) return accounts;
        var upper = text.Trim().ToUpperInvariant();
        var lower = text.Trim().ToLowerInvariant();
        return accounts.Where(c => c.NormalizedEmail!.Contains(upper) || c.DisplayName.ToLower().Contains(lower) || c.Id == text.Trim());
    }

    private async Task<IReadOnlyList<CustomerAccount>> ViewsAsync(IReadOnlyList<Customer> accounts, CancellationToken ct)
    {
        var admins = (await users.GetUsersInRoleAsync(Roles.Admin)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        ct.ThrowIfCancellationRequested();
        return accounts.Select(c => new CustomerAccount(c.Id, c.Email ?? "", c.DisplayName, c.CreatedAt, c.EmailConfirmed, IsDisabled(c),
            admins.Contains(c.Id))).ToList();
    }

    private static bool IsDisabled(Customer c) => c.LockoutEnabled && c.LockoutEnd is { } end && end.Year >= 9999;
}

public sealed class AccountNotFound(string id) : Exception($"There is no account {id}.");

public sealed class AccountChangeRefused(string message) : Exception(message);
