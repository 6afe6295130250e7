using System.Diagnostics;

namespace Bazaar.Tests.Faults;

// Started in Production with nothing configured, the store refused (rightly) but printed "Unhandled exception." and a
// 20-line stack trace around the two settings it needed; an operator should read what to set and nothing else.
public class SettingsRefusalTests
{
    [Fact]
    public async Task A_production_start_without_payment_settings_names_each_setting_without_a_stack_trace()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bazaar-tests", "unset-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var web = Path.Combine(AppContext.BaseDirectory, "Bazaar.Web.dll");
            var start = new ProcessStartInfo("dotnet", [web, "--urls", "http://127.0.0.1:0", "--Database:DataDirectory", directory])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
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
                Assert.Fail("The node started in Production without payment settings: " + await output);
            }

            Assert.Equal(1, node.ExitCode);
            var printed = await output + await errors;
            Assert.Contains("Bazaar cannot start", await errors, StringComparison.Ordinal);
            Assert.Contains("Payments:Gateway", await errors, StringComparison.Ordinal);
            Assert.Contains("Payments:WebhookSecret", await errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", printed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
