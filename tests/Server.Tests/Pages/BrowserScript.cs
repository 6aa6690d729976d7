using System.Text;
using System.Text.Json;
using CliWrap;

namespace PypiForge.Server.Tests.Pages;

/// <summary>Runs tests/browser/pages.js (real headless Chromium from Debian, driven by playwright-core from NODE_PATH,
/// which scripts/test.sh installs) and hands each JSON line it prints to the test as it comes.</summary>
public static class BrowserScript
{
    public const string DefaultNodeModules = "/var/cache/pypiforge/node/node_modules";

    /// <summary>Screenshots go with the test results (artifacts/test-results/screenshots).</summary>
    public static string Screenshots
    {
        get
        {
            var folder = Path.Combine(DistFixtures.RepositoryRoot, "artifacts", "test-results", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>Runs a scenario; <paramref name="onEvent"/> sees every line; returns the final "done" object.</summary>
    public static async Task<JsonElement> RunAsync(string scenario, object args, Func<JsonElement, Task>? onEvent = null, TimeSpan? timeout = null)
    {
        var nodeModules = Environment.GetEnvironmentVariable("NODE_PATH") is { Length: > 0 } set ? set : DefaultNodeModules;
        Assert.True(Directory.Exists(Path.Combine(nodeModules, "playwright-core")),
            $"playwright-core is not in {nodeModules}; scripts/test.sh installs it (or: cd {Path.GetDirectoryName(nodeModules)} && npm install playwright-core@1.65.1).");
        Assert.True(File.Exists("/usr/bin/chromium"), "chromium is not installed; apt-get install chromium (scripts/test.sh does).");
        var script = Path.Combine(DistFixtures.RepositoryRoot, "tests", "browser", "pages.js");
        var stderr = new StringBuilder();
        var lines = new List<JsonElement>();
        var pending = Task.CompletedTask;
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var result = await Cli.Wrap("node")
            .WithArguments([script, scenario, JsonSerializer.Serialize(args)])
            .WithEnvironmentVariables(e => e.Set("NODE_PATH", nodeModules))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                var element = JsonDocument.Parse(line).RootElement.Clone();
                lines.Add(element);
                if (onEvent is not null)
                {
                    pending = pending.ContinueWith(_ => onEvent(element), TaskScheduler.Default).Unwrap();
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(limit.Token);
        await pending;
        Assert.True(result.ExitCode == 0, $"pages.js {scenario} failed ({result.ExitCode}):\n{stderr}");
        return lines.Last(static l => l.GetProperty("event").GetString() == "done");
    }
}
