using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Bazaar.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Accounts;

// Writes the account mails and hands them to the store's IMailSender in the background. Queued rather than sent
// in the request: a request that mails (a known address) must take as long as one that does not (an unknown
// one), whatever the mail transport costs. Each mail also waits a random moment before it goes, so the work of
// sending does not slow the end of the very request that queued it. A mail that cannot be sent is retried with back-off, then dropped
// with a warning (the shopper can ask again); a node that stops loses what is still queued, for the same reason.
public sealed class AccountMailer(
    IMailSender sender,
    IHttpContextAccessor http,
    IOptions<AccountsOptions> options,
    ILogger<AccountMailer> log) : BackgroundService
{
    private const int Attempts = 4;
    private static readonly TimeSpan[] SendDelay = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1000)];
    private readonly Channel<(StoreMail Mail, long Due)> _queue = Channel.CreateBounded<(StoreMail, long)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void ConfirmEmail(Customer customer, string token) => Enqueue(customer, "Confirm your e-mail address for Bazaar",
        $"""
        Hello {customer.DisplayName},

        Please confirm that this is your e-mail address by opening this link:

        {Link("/account/confirm-email", ("user", customer.Id), ("code", Encode(token)))}

        If you did not create a Bazaar account, ignore this message: the account stays unconfirmed.
        """);

    public void AlreadyRegistered(Customer customer) => Enqueue(customer, "You already have a Bazaar account",
        $"""
        Hello {customer.DisplayName},

        Someone asked to create a Bazaar account with this e-mail address, which already has one.
        If it was you, sign in: {Link("/account/sign-in")}
        If you have forgotten your password, choose a new one: {Link("/account/forgot-password")}
        If it was not you, you can ignore this message; nothing about your account has changed.
        """);

    public void ResetPassword(Customer customer, string token) => Enqueue(customer, "Reset your Bazaar password",
        $"""
        Hello {customer.DisplayName},

        To choose a new password, open this link (it works once, and only for a day):

        {Link("/account/reset-password", ("user", customer.Id), ("code", Encode(token)))}

        If you did not ask for this, ignore this message: your password stays as it is.
        """);

    public void PasswordChanged(Customer customer) => Enqueue(customer, "Your Bazaar password was changed",
        $"""
        Hello {customer.DisplayName},

        The password of your Bazaar account was just changed. If that was you, there is nothing to do.
        If it was not, choose a new password now: {Link("/account/forgot-password")}
        """);

    // Identity's tokens are not URL-safe as they come.
    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code)) return null;
        try { return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)); }
        catch (FormatException) { return null; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (mail, due) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            // Wall time, not the store's TimeProvider: a test's frozen clock must not hold mail back.
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, stoppingToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await sender.SendAsync(mail, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (attempt == Attempts)
                    {
                        log.LogError(e, "Account mail '{Subject}' to recipient {Recipient} dropped after {Attempts} attempts",
                            mail.Subject, mail.RecipientPseudonym, Attempts);
                        break;
                    }
                    log.LogWarning(e, "Sending account mail '{Subject}' to recipient {Recipient} failed; retrying",
                        mail.Subject, mail.RecipientPseudonym);
                    await Task.Delay(TimeSpan.FromSeconds(1 << attempt), stoppingToken);
                }
            }
        }
    }

    private void Enqueue(Customer customer, string subject, string body)
    {
        var delay = SendDelay[0] + (SendDelay[1] - SendDelay[0]) * Random.Shared.NextDouble();
        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        if (!_queue.Writer.TryWrite((new StoreMail(customer.Email!, subject, body), due)))
            log.LogWarning("Account mail '{Subject}' for user {UserId} not queued", subject, customer.Id);
    }

    private string Link(string path, params (string Name, string Value)[] query)
    {
        var origin = options.Value.PublicUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : http.HttpContext is { } context
                ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"
                : throw new InvalidOperationException("Account mails outside a request need Accounts:PublicUrl.");
        var link = origin + path;
        foreach (var (name, value) in query)
            link = QueryHelpers.AddQueryString(link, name, value);
        return link;
    }
}
