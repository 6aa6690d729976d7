using System.Diagnostics;
using System.Text;

namespace PypiForge.Tests.Support;

/// <summary>A built PypiForge program run as its own process (<c>dotnet X.dll args</c>), stdin closed, its output kept.</summary>
public abstract class DotnetProcess : IAsyncDisposable
{
    private readonly StringBuilder output = new();

    protected DotnetProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => Process.Id;

    public bool HasExited => Process.HasExited;

    public int ExitCode => Process.ExitCode;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    protected Process Process { get; }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> with the test's environment plus <paramref name="env"/>.</summary>
    protected static Process Launch(string dll, string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Waits (bounded) for the process to exit; returns false if it is still running.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL, like <c>kill -9</c>: no shutdown; its children go too, so none outlives the test.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGKILL of this process alone, as an operator's <c>kill -9 PID</c>: its children get only what the
    /// process arranged for them beforehand.</summary>
    public async Task KillAloneAsync()
    {
        Process.Kill(entireProcessTree: false);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            await KillAsync();
        }

        Process.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
