using PypiForge.Cli.Hosting;

return await CliApp.RunAsync(args);
