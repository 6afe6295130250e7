using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Accounts;

// Slows password guessing without locking the owner out. Failures count per account *and client* (one guesser
// against one account) and per client (one guesser against many accounts); past a few free failures each key
// waits, doubling from Accounts:SignInBackOffStart up to Accounts:SignInBackOffMax. The account itself is never
// locked: the owner on another client (another address) signs in as usual, so failed guesses cannot deny them.
// Counts live in this node's memory: behind N nodes a guesser gets at most N times the attempts, still
// slowed exponentially; a key is forgotten a day after its last failure.
public sealed class SignInThrottle(IOptions<AccountsOptions> options, TimeProvider clock, ILogger<SignInThrottle> log)
{
    private const int MaxKeys = 200_000;
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    // The client as the store sees it: the socket address, which UseForwardedHeaders rewrites to the address a
    // configured proxy reports.
    public static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    // How long this client must still wait before it may try this account again; zero when it may try now.
    public TimeSpan WaitBefore(string account, string client)
    {
        var now = clock.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in (string[])[AccountKey(account, client), ClientKey(client)])
            if (_failures.TryGetValue(key, out var f))
                lock (f)
                    if (f.NotBefore - now > wait) wait = f.NotBefore - now;
        return wait;
    }

    public void Failed(string account, string client)
    {
        var o = options.Value;
        Count(AccountKey(account, client), o.SignInFreeFailuresPerAccount);
        Count(ClientKey(client), o.SignInFreeFailuresPerClient);
    }

    // The owner got in from this client: their earlier typos there no longer count. The client's count across
    // accounts stays, so one success does not reset a guesser's record against others.
    public void Succeeded(string account, string client) => _failures.TryRemove(AccountKey(account, client), out _);

    private void Count(string key, int free)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxKeys) Prune(now);
        var f = _failures.GetOrAdd(key, _ => new Failures());
        lock (f)
        {
            if (now - f.LastFailure > ForgetAfter) f.Count = 0;
            f.Count++;
            f.LastFailure = now;
            if (f.Count <= free) return;
            var o = options.Value;
            var doublings = Math.Min(f.Count - free - 1, 30);
            var wait = TimeSpan.FromTicks(Math.Min(o.SignInBackOffStart.Ticks * (1L << doublings), o.SignInBackOffMax.Ticks));
            f.NotBefore = now + wait;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, f) in _failures)
            if (now - f.LastFailure > ForgetAfter && now > f.NotBefore) _failures.TryRemove(key, out _);
        if (_failures.Count >= MaxKeys)
        {
            // Millions of addresses guessing at once: keep the keys that wait longest, forget the rest.
            log.LogWarning("Sign-in throttle holds {Keys} keys; forgetting those without a wait", _failures.Count);
            foreach (var (key, f) in _failures)
                if (f.NotBefore <= now) _failures.TryRemove(key, out _);
        }
    }

    private static string AccountKey(string account, string client) => "a|" + account.Trim().ToUpperInvariant() + "|" + client;

    private static string ClientKey(string client) => "c|" + client;

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset LastFailure;
        public DateTimeOffset NotBefore;
    }
}
