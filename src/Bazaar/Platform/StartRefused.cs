namespace Bazaar.Platform;

// The store cannot open as configured; the message says what to do. The host prints it without a stack trace and
// exits 1.
public sealed class StartRefused(string message) : Exception(message);
