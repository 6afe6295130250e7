using Bazaar.Accounts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bazaar.Tests.Security;

// The back-off's rules on a fake clock: free failures, then a wait that doubles up to the maximum, per account and
// client, and per client across accounts.
public class SignInBackOffTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SignInThrottle _throttle;

    public SignInBackOffTests() => _throttle = new SignInThrottle(Options.Create(new AccountsOptions
    {
        SignInFreeFailuresPerAccount = 3,
        SignInFreeFailuresPerClient = 10,
        SignInBackOffStart = TimeSpan.FromSeconds(1),
        SignInBackOffMax = TimeSpan.FromSeconds(10),
    }), _clock, NullLogger<SignInThrottle>.Instance);

    [Fact]
    public void Each_failure_past_the_free_ones_doubles_the_wait_up_to_the_maximum()
    {
        var waits = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            _throttle.Failed("owner@tests.local", "198.51.100.7");
            var wait = _throttle.WaitBefore("owner@tests.local", "198.51.100.7");
            waits.Add(wait.TotalSeconds);
            _clock.Advance(wait);
        }
        Assert.Equal([0, 0, 0, 1, 2, 4, 8, 10], waits);
    }

    [Fact]
    public void Another_client_and_another_account_do_not_wait_for_a_guessers_failures()
    {
        for (var i = 0; i < 6; i++) _throttle.Failed("owner@tests.local", "198.51.100.7");
        Assert.True(_throttle.WaitBefore("owner@tests.local", "198.51.100.7") > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, _throttle.WaitBefore("OWNER@tests.local ", "203.0.113.9"));
        Assert.Equal(TimeSpan.Zero, _throttle.WaitBefore("someone-else@tests.local", "198.51.100.7"));
    }

    [Fact]
    public void One_client_failing_on_many_accounts_waits_for_all_of_them()
    {
        for (var i = 0; i < 10; i++) _throttle.Failed($"user{i}@tests.local", "198.51.100.7");
        Assert.Equal(TimeSpan.Zero, _throttle.WaitBefore("fresh@tests.local", "198.51.100.7"));
        _throttle.Failed("user10@tests.local", "198.51.100.7");
        Assert.Equal(TimeSpan.FromSeconds(1), _throttle.WaitBefore("fresh@tests.local", "198.51.100.7"));
    }

    [Fact]
    public void A_success_forgets_that_clients_failures_on_the_account_and_a_day_forgets_the_rest()
    {
        for (var i = 0; i < 5; i++) _throttle.Failed("owner@tests.local", "198.51.100.7");
        _clock.Advance(TimeSpan.FromSeconds(10));
        _throttle.Succeeded("owner@tests.local", "198.51.100.7");
        _throttle.Failed("owner@tests.local", "198.51.100.7");
        Assert.Equal(TimeSpan.Zero, _throttle.WaitBefore("owner@tests.local", "198.51.100.7"));

        for (var i = 0; i < 5; i++) _throttle.Failed("owner@tests.local", "203.0.113.9");
        _clock.Advance(TimeSpan.FromDays(1.5));
        _throttle.Failed("owner@tests.local", "203.0.113.9");
        Assert.Equal(TimeSpan.Zero, _throttle.WaitBefore("owner@tests.local", "203.0.113.9"));
    }
}
