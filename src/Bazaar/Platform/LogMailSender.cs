using Microsoft.Extensions.Logging;

namespace Bazaar.Platform;

// Used while no mail transport is configured: the mail is not delivered, and the log says so without the address
// or the body (which may hold a reset link).
public sealed class LogMailSender(ILogger<LogMailSender> log) : IMailSender
{
    public Task SendAsync(StoreMail mail, CancellationToken ct)
    {
        log.LogWarning("Mail '{Subject}' to recipient {Recipient} not delivered: no mail transport is configured (Mail:PickupDirectory)",
            mail.Subject, mail.RecipientPseudonym);
        return Task.CompletedTask;
    }
}
