using System.Reflection;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace PypiForge.Cli.Tests.Support;

/// <summary>The built command line (<c>dotnet pypiforge.dll …</c>) run as its own process: stdin closed and stdout piped
/// (as in a script), or inside a real pseudo-terminal made by util-linux <c>script</c> (as a person at a terminal).</summary>
public static class PypiforgeCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The CLI in its own output folder (src/Cli/bin/CONFIGURATION/…), with the dependencies it ships with.</summary>
    public static string Dll { get; } = typeof(PypiforgeCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!;

    /// <summary>Runs with a clean environment as far as the CLI is concerned: only <paramref name="env"/> sets
    /// PYPIFORGE_SERVER, PYPIFORGE_TOKEN, NO_COLOR and TERM.</summary>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null)
    {
        using var limit = new CancellationTokenSource(Limit);
        var result = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments([Dll, .. args])
            .WithEnvironmentVariables(Environment(env))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, limit.Token);
        return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Runs inside a pseudo-terminal (<c>script -qfec CMD /dev/null</c>): stdin, stdout and stderr are the
    /// terminal, so everything the CLI wrote arrives in StdOut, escape codes included. <paramref name="typed"/> is what
    /// a person types. The exit code is the CLI's (-e).</summary>
    public static async Task<ProcessResult> RunInTerminalAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, string typed = "")
    {
        using var limit = new CancellationTokenSource(Limit);
        // A terminal as wide as a person's (script's own terminal has no size: 80 columns would wrap the tables).
        var command = "stty cols 200 rows 50 && " + string.Join(' ', new[] { "dotnet", Dll }.Concat(args).Select(Quote));
        var terminal = new Dictionary<string, string?>(env ?? new Dictionary<string, string?>()) { ["TERM"] = "xterm-256color" };
        var result = await CliWrap.Cli.Wrap("script")
            .WithArguments(["-qfec", command, "/dev/null"])
            .WithEnvironmentVariables(Environment(terminal))
            .WithStandardInputPipe(PipeSource.FromString(typed))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, limit.Token);
        return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Escape sequences a terminal acts on (CSI ... letter), e.g. colours and cursor movement.</summary>
    public static bool HasEscapeCodes(string text) => text.Contains('\u001b', StringComparison.Ordinal);

    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? env)
    {
        var all = new Dictionary<string, string?>
        {
            ["PYPIFORGE_SERVER"] = null,
            ["PYPIFORGE_TOKEN"] = null,
            ["NO_COLOR"] = null,
            ["TERM"] = null,
        };
        foreach (var (key, value) in env ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return all;
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
