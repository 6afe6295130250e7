using System.Diagnostics;

namespace Bazaar.Tests.Cluster;

// A real nginx in front of store nodes, with the very config scripts/cluster.sh writes (its nginx-config command),
// in its own directory (config, logs, PID), stopped by its PID.
public sealed class NginxProxy : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private readonly Process _process;

    public string Directory { get; }
    public Uri Address { get; }
    public string AccessLog => Path.Combine(Directory, "access.log");

    private NginxProxy(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    // The port was free when the test picked it, minutes earlier; if something took it since (other test classes start
    // servers too), nginx exits at once, and it is tried again on another free port.
    public static async Task<NginxProxy> StartAsync(int port, params int[] nodePorts)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (proxy, failure) = await TryStartAsync(port, nodePorts);
            if (proxy is not null) return proxy;
            Assert.True(attempt < 3, failure);
            port = StoreNode.FreePorts(1)[0];
        }
    }

    private static async Task<(NginxProxy? Proxy, string Failure)> TryStartAsync(int port, int[] nodePorts)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bazaar-tests", "nginx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        await RunAsync("bash", [ClusterScript(), "nginx-config", dir, port.ToString(), .. nodePorts.Select(p => p.ToString())]);
        var start = new ProcessStartInfo(Binary, ["-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var proxy = new NginxProxy(Process.Start(start)!, dir, port);
        var errors = proxy._process.StandardError.ReadToEndAsync();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (proxy._process.HasExited)
            {
                var log = Path.Combine(dir, "error.log");
                var failure = $"nginx exited ({proxy._process.ExitCode}) on port {port}: {await errors} "
                    + (File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no error.log)");
                await proxy.DisposeAsync();
                return (null, failure);
            }
            try
            {
                await client.GetAsync(new Uri(proxy.Address, "/health/live"));
                return (proxy, "");
            }
            catch (HttpRequestException) { }
            Assert.True(DateTime.UtcNow < deadline, "nginx did not answer on port " + port);
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM, not SIGKILL: the master takes its workers down with it.
            _ = kill(_process.Id, 15);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        _process.Dispose();
        // Also the PID nginx wrote itself: once in a full run the test saw its started process gone while the master
        // ran on (and held its port for minutes after the test).
        var pidFile = Path.Combine(Directory, "nginx.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var master))
            _ = kill(master, 15);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {await error}");
    }

    private static string ClusterScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "cluster.sh");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("scripts/cluster.sh not found above " + AppContext.BaseDirectory);
    }
}
