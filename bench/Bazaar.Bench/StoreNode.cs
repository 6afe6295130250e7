using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Bazaar.Bench;

// One store process (src/Bazaar.Web, Release build) on a loopback port.
public sealed class StoreNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();
    private long _peakRssKb;

    public Uri BaseAddress { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    public int Pid => _process.Id;

    private StoreNode(Process process, Uri baseAddress, IReadOnlyDictionary<string, string> environment)
    {
        _process = process;
        BaseAddress = baseAddress;
        Environment = environment;
    }

    // The admin every benchmark's store is started with.
    public const string AdminEmail = "bench-admin@bazaar.local";
    public const string AdminPassword = "bench-admin-password-1";

    // The embedded shape (SQLite and the index under dataDir) as benchmarks start it: production settings, the
    // benchmark's admin, warnings only, and the load generator's address trusted.
    public static Dictionary<string, string> EmbeddedEnvironment(string dataDir) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Database__Provider"] = "Sqlite",
        ["Database__DataDirectory"] = dataDir,
        ["Accounts__AdminEmail"] = AdminEmail,
        ["Accounts__AdminPassword"] = AdminPassword,
        // Benchmarks talk plain http to loopback.
        ["Https__Required"] = "false",
        // Benchmarks pay through the sandbox gateway's page, named explicitly as production settings require.
        ["Payments__Gateway"] = "Sandbox",
        ["Payments__WebhookSecret"] = WebhookSecret,
        ["Payments__Sandbox__AttemptsPerClientPerMinute"] = "100000",
        ["Logging__LogLevel__Default"] = "Warning",
        [LoadGeneratorSetting] = LoadGeneratorAddress,
    };

    // Every benchmark buyer connects from loopback: to the store they are thousands of shoppers behind one client
    // address, which the per-client caps and limits (Cart:...) exist to stop. The benchmark is a trusted load
    // generator, so its address is one of Cart:UnlimitedClients; the per-shopper caps still apply.
    public const string LoadGeneratorSetting = "Cart__UnlimitedClients__0";
    public const string LoadGeneratorAddress = "127.0.0.1";

    public const string WebhookSecret = "bench-webhook-secret-0123456789abcdef";

    public static string StoreDirectory => Path.Combine(Repo.Root, "src", "Bazaar.Web", "bin", "Release", "net10.0");

    public static async Task BuildAsync()
    {
        var (code, output) = await Repo.RunAsync("dotnet", ["build", "src/Bazaar.Web", "-c", "Release", "-nologo", "-v", "q"]);
        if (code != 0) throw new InvalidOperationException("Building the store failed:\n" + output);
    }

    public static async Task<StoreNode> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan readyWithin)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = StoreDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(StoreDirectory, "Bazaar.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var node = new StoreNode(process, new Uri($"http://127.0.0.1:{port}"), environment);
        var log = node._log;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + readyWithin;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode) return node;
            }
            catch (HttpRequestException) { }
            // A probe that times out on a busy machine (a first start importing the catalogue) is asked again.
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await node.DisposeAsync();
        lock (log) throw new InvalidOperationException("The store did not become ready:\n" + log);
    }

    // A client signed in as the benchmark's admin.
    public async Task<HttpClient> SignInAdminAsync()
    {
        var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };
        (await admin.PostAsJsonAsync("/api/account/sign-in", new { email = AdminEmail, password = AdminPassword })).EnsureSuccessStatusCode();
        return admin;
    }

    // What the store printed (warnings and errors only, at the benchmark's log level).
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    // Peak resident set size so far (VmHWM), sampled by the caller while the load runs and at the end.
    public long SamplePeakRssKb()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    _peakRssKb = Math.Max(_peakRssKb, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException) { }
        return _peakRssKb;
    }

    // User plus system CPU time the store has used so far (from /proc/{pid}/stat, in clock ticks of 10 ms).
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static int FreePort()
    {
        // Below the ephemeral range, so the port cannot collide with outgoing connections.
        for (var port = 18000 + Random.Shared.Next(0, 4000); port < 32000; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("No free port below 32000.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
