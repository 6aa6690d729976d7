using PypiForge.Agent.Targets;
using PypiForge.Agent.Tests.Support;
using PypiForge.Packaging;

namespace PypiForge.Agent.Tests.Targets;

public sealed class TargetDiscoverySpecs
{
    private readonly TargetDiscovery _discovery = Sandboxes.Discovery(Sandboxes.Bubblewrap());

    [Fact]
    public async Task Python3_on_PATH_is_resolved_to_its_real_interpreter()
    {
        var target = await _discovery.DiscoverAsync("python3", CancellationToken.None);

        Assert.Equal("cp311-cp311-linux_x86_64", target.Name);
        Assert.Equal(new WheelTag("cp311", "cp311", "linux_x86_64"), target.Tag);
        Assert.StartsWith("3.11.", target.PythonVersion, StringComparison.Ordinal);
        // The pyenv shim on PATH is a bash script; the target runs the interpreter behind it.
        Assert.True(Path.IsPathFullyQualified(target.Interpreter));
        Assert.DoesNotContain("/shims/", target.Interpreter, StringComparison.Ordinal);
        Assert.Contains(target.Tag, target.Supported);
        Assert.Contains(new WheelTag("py3", "none", "any"), target.Supported);
        Assert.Contains(target.Supported, tag => tag.Platform.StartsWith("manylinux", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3.10", "cp310-cp310-linux_x86_64", "3.10.")]
    [InlineData("2.7", "cp27-cp27mu-linux_x86_64", "2.7.")]
    [InlineData("3.6", "cp36-cp36m-linux_x86_64", "3.6.")]
    [InlineData("3.7", "cp37-cp37m-linux_x86_64", "3.7.")]
    [InlineData("3.13", "cp313-cp313-linux_x86_64", "3.13.")]
    public async Task Pyenv_interpreters_are_distinct_targets(string version, string name, string pythonVersion)
    {
        var interpreter = Pythons.Pyenv(version);

        var target = await _discovery.DiscoverAsync(interpreter, CancellationToken.None);

        Assert.Equal(name, target.Name);
        Assert.StartsWith(pythonVersion, target.PythonVersion, StringComparison.Ordinal);
        Assert.Contains(target.Tag, target.Supported);
        Assert.Contains(new WheelTag($"py{version[0]}", "none", "any"), target.Supported);
        Assert.StartsWith(Path.GetDirectoryName(Path.GetDirectoryName(interpreter))!, target.Interpreter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Python_2_targets_list_what_pip_19_supports()
    {
        var target = await _discovery.DiscoverAsync(Pythons.Pyenv("2.7"), CancellationToken.None);

        // pip 19's pep425tags returns tuples; they arrive as tags like any other.
        Assert.Contains(new WheelTag("cp27", "cp27mu", "manylinux1_x86_64"), target.Supported);
        Assert.Contains(new WheelTag("py2", "none", "any"), target.Supported);
        Assert.DoesNotContain(target.Supported, tag => tag.Interpreter.StartsWith("py3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_interpreter_is_named_with_what_to_do()
    {
        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/nonexistent/bin/python9", CancellationToken.None));

        Assert.Equal("/nonexistent/bin/python9", exception.Interpreter);
        Assert.Contains("/nonexistent/bin/python9 does not exist", exception.Message, StringComparison.Ordinal);
        Assert.Contains("configure the right path", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_missing_from_PATH_lists_the_directories_searched()
    {
        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("python-pypiforge-nonexistent", CancellationToken.None));

        Assert.Contains("no executable named 'python-pypiforge-nonexistent' in any PATH directory", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/bin", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_that_fails_is_not_a_python()
    {
        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/bin/false", CancellationToken.None));

        Assert.Contains("'/bin/false'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a working Python interpreter", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_printing_garbage_is_quoted()
    {
        using var fake = new FakeInterpreter("echo 'Hello, I am not Python' ; echo 'some warning' >&2");

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync(fake.Path, CancellationToken.None));

        Assert.Contains("printed 'Hello, I am not Python' instead of a target description", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_that_fails_shows_its_error_output()
    {
        using var fake = new FakeInterpreter("echo 'ImportError: No module named site' >&2 ; exit 7");

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync(fake.Path, CancellationToken.None));

        Assert.Contains("exited with code 7", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ImportError: No module named site", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_printing_nothing_is_not_a_python()
    {
        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => _discovery.DiscoverAsync("/bin/true", CancellationToken.None));

        Assert.Contains("exited without printing anything", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_python_without_pip_cannot_build()
    {
        // The real script, run with pip hidden: a Python whose pip is missing.
        using var fake = new FakeInterpreter($"exec {Pythons.Pyenv("3.10")} -c 'import sys; sys.modules[\"pip\"] = None; exec(sys.argv[1])' \"$2\"");
        // The script's Python is no part of the fake's own folder: the operator's extra read-only folders show it.
        var discovery = Sandboxes.Discovery(Sandboxes.Bubblewrap(o => o.SandboxReadOnlyPaths.Add(Path.GetDirectoryName(Path.GetDirectoryName(Pythons.Pyenv("3.10")))!)));

        var exception = await Assert.ThrowsAsync<TargetDiscoveryException>(
            () => discovery.DiscoverAsync(fake.Path, CancellationToken.None));

        Assert.Contains("cannot import pip", exception.Message, StringComparison.Ordinal);
        Assert.Contains("-m ensurepip", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_is_cancellable()
    {
        using var fake = new FakeInterpreter("exec sleep 300");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _discovery.DiscoverAsync(fake.Path, cancellation.Token));
    }
}
