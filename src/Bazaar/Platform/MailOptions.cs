namespace Bazaar.Platform;

public sealed class MailOptions
{
    public const string Section = "Mail";

    // When set, each mail is written as an .eml file to this folder instead of being sent (Development reads
    // confirmation and reset links there). Empty: mails are not delivered, only logged without their content.
    public string? PickupDirectory { get; set; }
}
