using PypiForge.Server.Auth;
using PypiForge.Server.Hosting;

if (args is ["token", ..])
{
    return TokenCommands.Run(args[1..], Console.Out, Console.Error);
}

// --help, --version, pypiserver's switches translated, unknown switches refused.
var command = ServerCommandLine.Read(args, Console.Out, Console.Error);
if (command.ExitCode is { } answered)
{
    return answered;
}

return await StartupFailure.ReportAsync("PypiForge", command.Args, Console.Error, async () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        Args = command.HostArgs,
        // appsettings.json sits next to the binary; ./packages stays relative to where the server is started.
        ContentRootPath = AppContext.BaseDirectory,
    });
    builder.AddPypiForgeServer(command.Args);

    var app = builder.Build();
    app.MapPypiForge();
    return await app.RunPypiForgeAsync();
});

/// <summary>Entry point; public so tests can host the real app.</summary>
public partial class Program;
