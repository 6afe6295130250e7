namespace Bazaar.Bench;

// The scaled-out shape the chaos runs use: scripts/cluster.sh (N published nodes behind nginx, PostgreSQL primary and
// replica, Redis, on loopback) in a state folder of the run's own, stopped by the same script when the run ends.
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly string _dir;
    private bool _stopped;

    private ChaosCluster(string dir, Dictionary<string, string> env)
    {
        _dir = dir;
        Env = env;
        Url = new Uri(env["BAZAAR_CLUSTER_URL"]);
        var nodes = int.Parse(env["BAZAAR_CLUSTER_NODES"], System.Globalization.CultureInfo.InvariantCulture);
        NodeUrls = Enumerable.Range(1, nodes).Select(i => new Uri(env[$"BAZAAR_CLUSTER_NODE_{i}_URL"])).ToList();
    }

    // What `scripts/cluster.sh env` prints: nginx's URL, each node's, the connection strings, the admin.
    public Dictionary<string, string> Env { get; }
    public Uri Url { get; }
    public IReadOnlyList<Uri> NodeUrls { get; }
    public string AdminEmail => Env["BAZAAR_CLUSTER_ADMIN_EMAIL"];
    public string AdminPassword => Env["BAZAAR_CLUSTER_ADMIN_PASSWORD"];

    private static string Script => Path.Combine(Repo.Root, "scripts", "cluster.sh");

    // The published Release build every run copies (publishing takes minutes; the cluster would do it per run).
    // `reuse`: take the last run's build as it is (--no-publish), e.g. for a series of runs of one commit.
    public static async Task<string> PublishAsync(bool reuse)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bazaar-chaos-publish");
        if (reuse && File.Exists(Path.Combine(dir, "Bazaar.Web.dll"))) return dir;
        var (code, output) = await Repo.RunAsync("dotnet", ["publish", "src/Bazaar.Web", "-c", "Release", "-o", dir, "--nologo", "-v", "quiet"],
            timeout: TimeSpan.FromMinutes(20));
        if (code != 0) throw new InvalidOperationException("dotnet publish failed:\n" + output);
        return dir;
    }

    // `dir`: the state folder (null: a new temporary one); the build is copied into it, so the cluster does not publish.
    public static async Task<ChaosCluster> StartAsync(string? dir, string publish, int nodes, IEnumerable<string> settings)
    {
        dir ??= Directory.CreateTempSubdirectory("bazaar-chaos-cluster.").FullName;
        await Repo.RunAsync("cp", ["-a", publish, Path.Combine(dir, "publish")]);
        var args = new List<string> { "start", "--nodes", nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-publish" };
        foreach (var s in settings) args.AddRange(["--set", s]);
        var (code, output) = await Repo.RunAsync(Script, args, Environment(dir), TimeSpan.FromMinutes(20));
        if (code != 0)
        {
            await Repo.RunAsync(Script, ["stop"], Environment(dir));
            throw new InvalidOperationException("scripts/cluster.sh start failed:\n" + output);
        }
        var (_, env) = await Repo.RunAsync(Script, ["env"], Environment(dir));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in env.Split('\n'))
        {
            var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !text.StartsWith('#')) values[text[..eq]] = text[(eq + 1)..].Trim().Trim('\'', '"');
        }
        Console.WriteLine($"cluster: {values["BAZAAR_CLUSTER_URL"]} ({nodes} nodes) in {dir}");
        return new ChaosCluster(dir, values);
    }

    // kill-node I, start-node I, down|up postgres|redis.
    public async Task RunAsync(params string[] args)
    {
        var (code, output) = await Repo.RunAsync(Script, args, Environment(_dir), TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException($"scripts/cluster.sh {string.Join(' ', args)} failed:\n" + output);
    }

    // Stops one server abruptly (same port and data kept) or starts it again.
    public Task DownAsync(string server) => RunAsync("down", server);

    public Task UpAsync(string server) => RunAsync("up", server);

    // The store's own `audit` command against the cluster's database.
    public async Task<(bool Ok, List<string> Violations)> AuditAsync()
    {
        var env = StoreNode.EmbeddedEnvironment(Path.Combine(_dir, "audit-data"));
        env["Database__Provider"] = "Postgres";
        env["ConnectionStrings__Postgres"] = Env["BAZAAR_PG_CONNECTION"];
        env["Accounts__AdminEmail"] = AdminEmail;
        env["Accounts__AdminPassword"] = AdminPassword;
        var (code, output) = await Repo.RunAsync("dotnet", [Path.Combine(_dir, "publish", "Bazaar.Web.dll"), "audit"], env);
        var violations = output.Split('\n').Where(l => l.Contains("VIOLATION", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        if (code != 0 && violations.Count == 0) violations.Add("audit failed to run: " + output.Trim());
        return (code == 0, violations);
    }

    public async Task CopyLogsAsync(string prefix)
    {
        for (var i = 1; i <= NodeUrls.Count; i++)
        {
            var log = Path.Combine(_dir, $"node{i}", "node.log");
            if (File.Exists(log)) File.Copy(log, $"{prefix}.node{i}.log", overwrite: true);
        }
        await Task.CompletedTask;
    }

    private static Dictionary<string, string> Environment(string dir) => new() { ["BAZAAR_CLUSTER_DIR"] = dir };

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Repo.RunAsync(Script, ["stop"], Environment(_dir));
    }
}
