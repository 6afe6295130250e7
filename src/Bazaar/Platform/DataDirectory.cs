namespace Bazaar.Platform;

// The node's data directory (the SQLite database of the embedded shape, every node's search index) must take writes.
public static class DataDirectory
{
    // Why `path` cannot be written to, or null when a file can be created and removed in it (creating the directory
    // when it is missing). A real write, because permissions, read-only mounts, immutable flags and full disks all
    // look the same from here.
    public static string? Problem(string path)
    {
        var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return e.Message;
        }
    }
}
