using System.Diagnostics;

namespace Bazaar.Bench;

public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bazaar.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the Bazaar repository.");
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

// The throwaway PostgreSQL and Redis of scripts/services.sh, the same script ./test.sh uses.
public sealed class ThrowawayServices : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bazaar-bench-services.").FullName;

    public Dictionary<string, string> Values { get; } = [];

    public static async Task<ThrowawayServices> StartAsync(bool postgres, bool redis)
    {
        var services = new ThrowawayServices();
        var args = new List<string> { "start" };
        if (postgres) args.Add("--postgres");
        if (redis) args.Add("--redis");
        var env = new Dictionary<string, string> { ["BAZAAR_SERVICES_DIR"] = services._dir };
        var (code, output) = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "services.sh"), args, env);
        if (code != 0) throw new InvalidOperationException("scripts/services.sh start failed:\n" + output);
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(services._dir, "env")))
        {
            var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) services.Values[text[..eq]] = text[(eq + 1)..].Trim('\'', '"');
        }
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "services.sh"), ["stop"], new Dictionary<string, string> { ["BAZAAR_SERVICES_DIR"] = _dir });
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
