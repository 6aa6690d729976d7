using PypiForge.Agent.Pip;
using PypiForge.Agent.Sandbox;
using PypiForge.Agent.Targets;
using PypiForge.Packaging;

namespace PypiForge.Agent.Tests.Support;

/// <summary>
/// A bash script standing in for a Python interpreter: it ignores the <c>-m pip wheel ...</c>
/// arguments and does what a test needs (exit codes, floods, hangs, children).
/// </summary>
public sealed class FakeInterpreter : IDisposable
{
    private readonly TempDirectory _directory = new("pypiforge-fake-python-");

    public FakeInterpreter(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Path = _directory.Combine("python");
        File.WriteAllText(Path, "#!/bin/bash\n" + body + "\n");
        // Readable and executable by everyone: in a build sandbox it runs as an unprivileged user of its own.
        const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(Path, Everyone);
        File.SetUnixFileMode(_directory.Path, Everyone);
        Target = new BuildTarget(
            "cp311-cp311-linux_x86_64", Path, "3.11.7", new WheelTag("cp311", "cp311", "linux_x86_64"), [new WheelTag("cp311", "cp311", "linux_x86_64")])
        {
            // In a build sandbox the script's own folder is shown read-only, as a real interpreter's prefix is.
            Environment = new BuildEnvironment(null, ElfMachine.Host, [_directory.Path]),
        };
    }

    /// <summary>The script's path.</summary>
    public string Path { get; }

    /// <summary>A directory for files the script and the test share (pid files).</summary>
    public string Scratch => _directory.Path;

    public BuildTarget Target { get; }

    /// <summary>A request in a fresh work directory inside <paramref name="work"/>.</summary>
    public PipWheelRequest Request(TempDirectory work, TimeSpan? timeout = null) =>
        Requests.For(Target, work, ["pf-pure"], new Uri("http://127.0.0.1:9/simple/"), timeout ?? TimeSpan.FromSeconds(60));

    public void Dispose() => _directory.Dispose();
}
