using System.Diagnostics;
using System.Net;
using Bazaar.Tests.Fixtures;

namespace Bazaar.Tests.Faults;

// Storage that will not take writes: a read-only SQLite database answers 503 with Retry-After and changes nothing; a
// node started on a read-only data directory says so in one line and exits non-zero.
public class StorageFaultTests
{
    [Fact]
    public async Task A_read_only_sqlite_database_answers_503_and_writes_nothing()
    {
        Assert.SkipWhen(TestDatabase.UsesPostgres, "The SQLite pass has the read-only database (the PostgreSQL pass stops its server).");
        await using var store = new StoreFactory();
        await store.InitializeAsync();
        var sku = await store.CreateStockedProductAsync(5, "queue");
        await using var readOnly = new StoreFactory().SharingDatabaseWith(store)
            .With("ConnectionStrings:Sqlite", store.Database.ConnectionString + ";Mode=ReadOnly");
        await readOnly.InitializeAsync();

        var answers = await Burst.AddAsync(await Burst.ShoppersAsync(readOnly, 3, TimeSpan.FromSeconds(30)), sku);

        Assert.True(answers.All(a => a.Status == HttpStatusCode.ServiceUnavailable), Burst.Describe(answers));
        Assert.All(answers, a => Assert.False(string.IsNullOrEmpty(a.RetryAfter)));
        Assert.Equal(0, (await store.StockOfAsync(sku)).Reserved);
        Assert.Empty(await store.AuditAsync());
    }

    [Fact]
    public async Task A_node_on_a_read_only_data_directory_names_it_in_one_line_and_exits_non_zero()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bazaar-tests", "read-only-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // Root ignores permission bits, so root makes the directory immutable instead.
        var root = Environment.UserName == "root";
        Assert.SkipUnless(await RunAsync(root ? "chattr" : "chmod", root ? "+i" : "555", directory) == 0,
            "This file system cannot make a directory read-only for this user.");
        try
        {
            var web = Path.Combine(AppContext.BaseDirectory, "Bazaar.Web.dll");
            var start = new ProcessStartInfo("dotnet", [web, "--urls", "http://127.0.0.1:0", "--Database:DataDirectory", directory])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
            };
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await node.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                Assert.Fail("The node kept running on a read-only data directory: " + await output);
            }

            Assert.NotEqual(0, node.ExitCode);
            var lines = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.Contains(directory, line, StringComparison.Ordinal);
            Assert.Contains("not writable", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", await output, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync(root ? "chattr" : "chmod", root ? "-i" : "755", directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<int> RunAsync(string program, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
