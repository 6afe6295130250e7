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

    public static async Task<NginxProxy> StartAsync(int port, params int[] nodePorts)
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
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            Assert.False(proxy._process.HasExited, "nginx exited: " + await File.ReadAllTextAsync(Path.Combine(dir, "error.log")));
            try
            {
                await client.GetAsync(new Uri(proxy.Address, "/health/live"));
                return proxy;
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
