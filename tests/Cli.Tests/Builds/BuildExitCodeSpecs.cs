using PypiForge.Cli.Builds;
using PypiForge.Protos.V1;

namespace PypiForge.Cli.Tests.Builds;

/// <summary>build --wait's exit code from the ended build: 0 when every applicable target built, not applicable
/// targets counting as fine; 1 when one failed or was cancelled.</summary>
public sealed class BuildExitCodeSpecs
{
    [Theory]
    [InlineData(BuildState.Succeeded, new[] { BuildState.Succeeded, BuildState.Succeeded }, 0)]
    [InlineData(BuildState.Succeeded, new[] { BuildState.Succeeded, BuildState.NotApplicable }, 0)]
    [InlineData(BuildState.Failed, new[] { BuildState.Succeeded, BuildState.Failed }, 1)]
    [InlineData(BuildState.Failed, new[] { BuildState.NotApplicable, BuildState.Failed }, 1)]
    [InlineData(BuildState.Cancelled, new[] { BuildState.Succeeded, BuildState.Cancelled }, 1)]
    [InlineData(BuildState.Cancelled, new[] { BuildState.Queued }, 1)]
    public void The_exit_code_follows_the_applicable_targets(BuildState build, BuildState[] targets, int exitCode)
    {
        var ended = new Build { Id = "b1", State = build };
        ended.Targets.AddRange(targets.Select((state, i) => new TargetBuild { Target = $"t{i}", State = state }));

        Assert.Equal(exitCode, BuildStates.ExitCode(ended));
    }

    [Fact]
    public void The_reason_comes_first_then_the_errors_first_line()
    {
        Assert.Equal("missing C header foo.h on the build host", BuildStates.Reason(new TargetBuild { Reason = "missing C header foo.h on the build host", Error = "pip failed\nmore" }));
        Assert.Equal("pip could not build crcmod", BuildStates.Reason(new TargetBuild { Error = "pip could not build crcmod\nlog follows" }));
        Assert.Equal(string.Empty, BuildStates.Reason(new TargetBuild()));
    }
}
