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
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    return StoreHost.RefuseToStart(e);
}

// WebApplicationFactory needs a public entry point type.
public partial class Program;
