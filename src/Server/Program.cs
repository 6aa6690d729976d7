using PypiForge.Server.Hosting;

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
