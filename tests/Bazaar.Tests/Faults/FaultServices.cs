using System.Diagnostics;

namespace Bazaar.Tests.Faults;

// The second PostgreSQL and Redis that ./test.sh starts for the fault tests only (BAZAAR_TEST_FAULT_SERVICES is that
// pair's scripts/services.sh state directory). The tests stop and start them with `services.sh down|up`, so every
// fault test class is in this one collection and never runs beside another; the rest of the suite, running in
// parallel, uses the first pair and never sees these outages.
public static class FaultServices
{
    public const string Collection = "Faults";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> State = new(ReadState);

    public static string? Directory => Environment.GetEnvironmentVariable("BAZAAR_TEST_FAULT_SERVICES") is { Length: > 0 } d ? d : null;

    public static void SkipUnlessConfigured() =>
        Assert.SkipWhen(Directory is null,
            "Fault tests need their own PostgreSQL and Redis: ./test.sh starts them and sets BAZAAR_TEST_FAULT_SERVICES "
            + "(or: BAZAAR_PG_SYNC_COMMIT=on BAZAAR_SERVICES_DIR=/tmp/svc-faults scripts/services.sh start; BAZAAR_TEST_FAULT_SERVICES=/tmp/svc-faults).");

    public static string PostgresServer => State.Value["BAZAAR_PG_CONNECTION"];

    public static string Redis => State.Value["BAZAAR_REDIS_CONNECTION"];

    public static Task StopAsync(string service) => RunAsync("down", service);

    public static Task StartAsync(string service) => RunAsync("up", service);

    private static async Task RunAsync(string verb, string service)
    {
        var start = new ProcessStartInfo("bash", [ScriptPath(), verb, service])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BAZAAR_SERVICES_DIR"] = Directory! },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"services.sh {verb} {service} failed: {await output}");
    }

    private static IReadOnlyDictionary<string, string> ReadState()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(Directory!, "env")))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith("export ", StringComparison.Ordinal) || eq < 0) continue;
            values[line[7..eq]] = line[(eq + 1)..].Trim('\'');
        }
        return values;
    }

    private static string ScriptPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "services.sh");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }
}
