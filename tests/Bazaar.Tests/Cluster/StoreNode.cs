using System.Diagnostics;
using System.Net.Sockets;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Cluster;

// One store node as its own process (the Bazaar.Web.dll next to the tests), on a loopback port, so that a test can
// kill it with SIGKILL the way a crash would. Its console goes to a log file in its data directory.
public sealed class StoreNode : IAsyncDisposable
{
    private readonly Process _process;

    public int Port { get; }
    public string DataDirectory { get; }
    public string LogFile => Path.Combine(DataDirectory, "node.log");
    public Uri Address => new($"http://127.0.0.1:{Port}");
    public int ProcessId => _process.Id;

    private StoreNode(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public static StoreNode Start(TestDatabase database, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "bazaar-tests", "node-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Bazaar.Web.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Testing";
        env["Urls"] = $"http://127.0.0.1:{port}";
        env["Database__Provider"] = database.Provider;
        env[$"ConnectionStrings__{database.Provider}"] = database.ConnectionString;
        env["Database__DataDirectory"] = data;
        env["Database__SeedCatalogPath"] = StoreFactory.SampleCatalog;
        env["Accounts__AdminEmail"] = StoreFactory.AdminEmail;
        env["Accounts__AdminPassword"] = StoreFactory.AdminPassword;
        env["Https__Required"] = "false";
        env["Payments__Gateway"] = "Sandbox";
        env["Payments__WebhookSecret"] = StoreFactory.WebhookSecret;
        env["Recommendations__DemoOrdersOnFirstStart"] = "0";
        // Every shopper of these tests comes from 127.0.0.1 (through the proxy): the per-client limits have their
        // own tests.
        env["Checkout__PlacementsPerShopperPerMinute"] = "100000";
        env["Checkout__RequestsPerShopperPerMinute"] = "100000";
        env["Checkout__RequestsPerClientPerMinute"] = "100000";
        env["Cart__UnlimitedClients__0"] = "127.0.0.1";
        env["Cart__NewGuestsPerClientPerMinute"] = "100000";
        env["Cart__AddsPerClientPerMinute"] = "100000";
        env["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = Process.Start(start)!;
        var log = new StreamWriter(Path.Combine(data, "node.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new StoreNode(process, port, data);
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) Assert.Fail($"Node {Port} exited ({_process.ExitCode}) before it was ready: {Tail()}");
            try
            {
                if ((await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.True(DateTime.UtcNow < deadline, $"Node {Port} not ready after {timeout}: {Tail()}");
            await Task.Delay(200);
        }
    }

    // SIGKILL: no shutdown, requests in flight are cut off.
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        Assert.True(_process.WaitForExit(10_000), $"Node {Port} (pid {ProcessId}) did not die");
    }

    public string Tail() => File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(15)) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // Free loopback ports below 32768 (above it the kernel hands out ephemeral ports for outgoing connections).
    public static int[] FreePorts(int count)
    {
        var ports = new List<int>();
        for (var port = Random.Shared.Next(20000, 30000); ports.Count < count && port < 32768; port++)
        {
            try
            {
                var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                ports.Add(port);
            }
            catch (SocketException) { }
        }
        Assert.Equal(count, ports.Count);
        return [.. ports];
    }
}
