using Bazaar.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddStore();
var app = builder.Build();

try
{
    if (StoreCommands.IsCommand(args)) return await StoreCommands.RunAsync(app, args);
    app.UseStore();
    return await app.StartStoreAsync();
}
catch (Microsoft.Extensions.Options.OptionsValidationException e) when (StoreHost.OwnsProcess(app))
{
    return StoreHost.RefuseToStart(e.Failures);
}
catch (Bazaar.Platform.StartRefused e) when (StoreHost.OwnsProcess(app))
{
    return StoreHost.RefuseToStart([e.Message]);
}

// WebApplicationFactory needs a public entry point type.
public partial class Program;
