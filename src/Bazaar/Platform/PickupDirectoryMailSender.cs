using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.Platform;

// Writes each mail as an RFC 5322 text file (.eml, opens in any mail program) to Mail:PickupDirectory. The body can
// hold a reset link, so it goes to the file only; the log line names the recipient by pseudonym.
public sealed class PickupDirectoryMailSender(IOptions<MailOptions> options, TimeProvider clock,
    ILogger<PickupDirectoryMailSender> log) : IMailSender
{
    private long _sequence;

    public async Task SendAsync(StoreMail mail, CancellationToken ct)
    {
        var folder = Path.GetFullPath(options.Value.PickupDirectory!);
        Directory.CreateDirectory(folder);
        var now = clock.GetUtcNow();
        // Names sort in sending order, also when the clock stands still (a test's fake clock).
        var name = $"{now:yyyyMMdd'T'HHmmss.fffffff}-{Interlocked.Increment(ref _sequence):D10}-{Guid.NewGuid():N}.eml";
        var text = new StringBuilder()
            .Append("Date: ").Append(now.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("To: ").Append(mail.To).Append("\r\n")
            .Append("Subject: ").Append(mail.Subject).Append("\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
            .Append(mail.Body.ReplaceLineEndings("\r\n"))
            .ToString();
        // Written under a temporary name first, so a reader never sees half a message.
        var path = Path.Combine(folder, name);
        await File.WriteAllTextAsync(path + ".tmp", text, ct);
        File.Move(path + ".tmp", path);
        log.LogInformation("Mail '{Subject}' to recipient {Recipient} written to {File}", mail.Subject, mail.RecipientPseudonym, name);
    }
}
