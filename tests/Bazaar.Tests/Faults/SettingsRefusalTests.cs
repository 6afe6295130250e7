using System.Diagnostics;

namespace Bazaar.Tests.Faults;

// Started in Production with nothing configured, or with no admin, the store refused (rightly) but printed "Unhandled
// exception." and a 20-line stack trace around what it needed; an operator should read what to do and nothing else.
public class SettingsRefusalTests
{
    [Fact]
    public async Task A_production_start_without_payment_settings_names_each_setting_without_a_stack_trace()
    {
        var (exitCode, errors, printed) = await StartInProductionAsync();
        Assert.Equal(1, exitCode);
        Assert.Contains("Bazaar cannot start", errors, StringComparison.Ordinal);
        Assert.Contains("Payments:Gateway", errors, StringComparison.Ordinal);
        Assert.Contains("Payments:WebhookSecret", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_start_without_an_admin_says_how_to_make_one_without_a_stack_trace()
    {
        var (exitCode, errors, printed) = await StartInProductionAsync(
            "--Payments:Gateway", "Sandbox", "--Payments:WebhookSecret", "settings-refusal-secret-0123456789");
        Assert.Equal(1, exitCode);
        Assert.Contains("Bazaar cannot start", errors, StringComparison.Ordinal);
        Assert.Contains("admin create --email", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Errors, string Printed)> StartInProductionAsync(params string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bazaar-tests", "unset-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var web = Path.Combine(AppContext.BaseDirectory, "Bazaar.Web.dll");
            var start = new ProcessStartInfo("dotnet", [web, "--urls", "http://127.0.0.1:0", "--Database:DataDirectory", directory, .. settings])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            };
            using var node = Process.Start(start)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await node.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                Assert.Fail("The node kept running in Production where it should refuse to start: " + await output);
            }
            return (node.ExitCode, await errors, await output + await errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
