namespace Bazaar.Platform;

// Where every mail to a shopper goes: order notifications and account mails alike. One implementation writes
// each message as a file to a pickup folder (Development and tests read them there), another only logs that
// a mail could not be delivered; an SMTP sender takes their place when one is configured.
public interface IMailSender
{
    Task SendAsync(StoreMail mail, CancellationToken ct);
}
