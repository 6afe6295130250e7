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
    private readonly string _dir;
    private readonly Dictionary<string, string> _env;

    private ThrowawayServices(string? dir, bool synchronousCommit)
    {
        _dir = dir ?? System.IO.Directory.CreateTempSubdirectory("bazaar-bench-services.").FullName;
        _env = new Dictionary<string, string> { ["BAZAAR_SERVICES_DIR"] = _dir };
        // The chaos harness stops PostgreSQL abruptly: it must not lose commits it acknowledged (services.sh).
        if (synchronousCommit) _env["BAZAAR_PG_SYNC_COMMIT"] = "on";
    }

    public Dictionary<string, string> Values { get; } = [];

    public string Directory => _dir;

    // `dir`: where the servers keep their data (an existing, empty folder, e.g. a small file system the caller mounted).
    public static async Task<ThrowawayServices> StartAsync(bool postgres, bool redis, string? dir = null, bool synchronousCommit = false)
    {
        var services = new ThrowawayServices(dir, synchronousCommit);
        var args = new List<string> { "start" };
        if (postgres) args.Add("--postgres");
        if (redis) args.Add("--redis");
        var env = services._env;
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

    // Stops one server abruptly (keeping its data and port) or starts it again: services.sh down|up postgres|redis.
    public async Task DownAsync(string server) => await ServicesAsync("down", server);

    public async Task UpAsync(string server) => await ServicesAsync("up", server);

    private async Task ServicesAsync(string verb, string server)
    {
        var (code, output) = await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "services.sh"), [verb, server], _env, TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"scripts/services.sh {verb} {server} failed:\n" + output);
    }

    public async ValueTask DisposeAsync()
    {
        await Repo.RunAsync(Path.Combine(Repo.Root, "scripts", "services.sh"), ["stop"], _env);
        try { System.IO.Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
