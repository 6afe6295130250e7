using Bazaar.Accounts;

namespace Bazaar.Web.Hosting;

// `admin create --email <address>` makes the first (or another) admin; `admin set-password --email <address>` gives an
// admin a new password. The password comes from BAZAAR_ADMIN_PASSWORD, else the first line of a redirected stdin,
// else a prompt that does not echo; never from the command line, where it would land in shell history and `ps`.
public static class AdminCommand
{
    public const string PasswordVariable = "BAZAAR_ADMIN_PASSWORD";
    private const string Usage = "usage: admin create --email <address> | admin set-password --email <address>\n" +
        $"  the password is read from {PasswordVariable}, from stdin, or asked for";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output,
        Func<string?>? environmentPassword = null)
    {
        if (args.Length != 3 || args[0] is not ("create" or "set-password") || args[1] != "--email")
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        var email = args[2];
        var password = (environmentPassword ?? (() => Environment.GetEnvironmentVariable(PasswordVariable)))()
            ?? await ReadPasswordAsync(input, output);
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("admin: no password given");
            return 2;
        }
        if (password == AccountsOptions.ShippedDevelopmentPassword
            && !services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            await output.WriteLineAsync("admin: that is the password shipped for Development; choose another");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var admins = scope.ServiceProvider.GetRequiredService<AdminAccounts>();
        try
        {
            if (args[0] == "create")
            {
                await admins.CreateAsync(email, password);
                await output.WriteLineAsync($"admin: created admin {email}");
            }
            else
            {
                await admins.SetPasswordAsync(email, password);
                await output.WriteLineAsync($"admin: new password set for {email}; its other sessions are signed out");
            }
            return 0;
        }
        catch (AccountValidationException e)
        {
            foreach (var message in e.Errors.SelectMany(kv => kv.Value)) await output.WriteLineAsync("admin: " + message);
            return 1;
        }
    }

    private static async Task<string?> ReadPasswordAsync(TextReader input, TextWriter output)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected) return await input.ReadLineAsync();
        var first = Prompt("Password: ");
        var second = Prompt("Again: ");
        if (first == second) return first;
        await output.WriteLineAsync("admin: the two passwords differ");
        return null;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
            else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
        }
        Console.WriteLine();
        return typed.ToString();
    }
}
