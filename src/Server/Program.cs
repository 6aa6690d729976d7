using PypiForge.Server.Auth;
using PypiForge.Server.Hosting;

if (args.Length > 0 && args[0] == "token")
{
    return TokenCommands.Run(args[1..], Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json sits next to the binary; ./packages stays relative to where the server is started.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddPypiForgeServer(args);

var app = builder.Build();
app.MapPypiForge();
return await app.RunPypiForgeAsync();

/// <summary>Entry point; public so tests can host the real app.</summary>
public partial class Program;
