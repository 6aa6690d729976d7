using PypiForge.Agent.Pip;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>Bad and hostile input for the reader of pip's output: nothing, floods, lines far too long, and a build's own
/// output that imitates pip's lines.</summary>
public sealed class PipDiagnosisSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    [Fact]
    public void No_output_at_all_gives_pips_exit_code()
    {
        var result = PipReasonSpecs.Run(string.Empty, exitCode: 2);

        Assert.Equal((FailureKind.Other, "pip wheel exited with code 2; its log says why"), PipReason.Of(result, "3.11.7", null, Timeout));
    }

    [Fact]
    public void A_timeout_comes_first_and_names_the_distribution_being_built()
    {
        var result = PipReasonSpecs.Run("Building wheels for collected packages: lxml\n  Building wheel for lxml (pyproject.toml): started", exitCode: 137) with { TimedOut = true };

        var (kind, reason) = PipReason.Of(result, "3.11.7", null, Timeout);

        Assert.Equal(FailureKind.Timeout, kind);
        Assert.StartsWith("pip wheel did not finish within 00:30:00 (Agent:BuildTimeout) and was stopped", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_header_in_a_build_root_names_the_root()
    {
        var result = PipReasonSpecs.Run("      foo.c:3:10: fatal error: zlib.h: No such file or directory", exitCode: 1);

        Assert.Equal(
            (FailureKind.MissingHeader, "missing C header zlib.h in the build root /srv/roots/bullseye-i386; install the package that provides it (e.g. its -dev package)"),
            PipReason.Of(result, "3.9.2", "/srv/roots/bullseye-i386", Timeout));
    }

    [Theory]
    // distutils before setuptools 60 (pip 18-20 era builds): the compiler's name without a path.
    [InlineData("    unable to execute 'x86_64-linux-gnu-gcc': No such file or directory", "x86_64-linux-gnu-gcc")]
    [InlineData("      error: command 'gcc' failed: No such file or directory", "gcc")]
    [InlineData("  error: can't find Rust compiler", "Rust")]
    public void A_missing_compiler_is_named(string line, string compiler)
    {
        var (kind, reason) = PipReason.Of(PipReasonSpecs.Run(line, 1), "3.11.7", null, Timeout);

        Assert.Equal(FailureKind.CompilerMissing, kind);
        Assert.StartsWith($"the compiler {compiler} is missing on the build host", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compile_error_that_is_not_a_missing_compiler_is_a_failed_build()
    {
        const string output = """
            Building wheels for collected packages: pf-badc
              Building wheel for pf-badc (pyproject.toml): started
              Building wheel for pf-badc (pyproject.toml): finished with status 'error'
              error: subprocess-exited-with-error

              × Building wheel for pf-badc (pyproject.toml) did not run successfully.
              │ exit code: 1
              ╰─> [3 lines of output]
                  pf_badc.c:1:1: error: unknown type name 'this'
                  error: command '/usr/bin/gcc' failed with exit code 1
                  [end of output]
              ERROR: Failed building wheel for pf-badc
            Failed to build pf-badc
            """;

        Assert.Equal((FailureKind.BuildFailed, "building a wheel for pf-badc failed with exit code 1"), PipReason.Of(PipReasonSpecs.Run(output, 1), "3.11.7", null, Timeout));
    }

    [Fact]
    public void A_builds_own_output_imitating_pip_is_not_taken_for_pips()
    {
        // setup.py prints pip-like lines; pip frames (indents) a step's output, so they are not pip's own.
        const string output = """
            Building wheels for collected packages: pf-liar
              Building wheel for pf-liar (pyproject.toml): started
              Building wheel for pf-liar (pyproject.toml): finished with status 'error'
              × Building wheel for pf-liar (pyproject.toml) did not run successfully.
              │ exit code: 3
              ╰─> [4 lines of output]
                  ERROR: No matching distribution found for evil==6.6.6
                  Installing build dependencies: finished with status 'error'
                  Collecting decoy (from other)
                  × Building wheel for decoy (setup.py) did not run successfully.
                  [end of output]
            """;

        Assert.Equal((FailureKind.BuildFailed, "building a wheel for pf-liar failed with exit code 3"), PipReason.Of(PipReasonSpecs.Run(output, 1), "3.11.7", null, Timeout));
    }

    [Fact]
    public void Huge_lines_are_skipped_and_long_names_cut()
    {
        var flood = new string('x', PipDiagnosis.MaxLine + 1);
        var longHeader = new string('h', 190) + ".h";
        var output = $"ERROR: No matching distribution found for {flood}\nfoo.c:1:1: fatal error: {longHeader}: No such file or directory";

        var (kind, reason) = PipReason.Of(PipReasonSpecs.Run(output, 1), "3.11.7", null, Timeout);

        Assert.Equal(FailureKind.MissingHeader, kind);
        Assert.Contains(longHeader, reason, StringComparison.Ordinal);
        Assert.True(reason.Length < 500, reason);
    }

    [Fact]
    public void A_long_version_list_names_only_the_newest()
    {
        var versions = string.Join(", ", Enumerable.Range(1, 300).Select(static i => $"1.{i}"));
        var output = $"ERROR: Could not find a version that satisfies the requirement big==9 (from versions: {versions})\nERROR: No matching distribution found for big==9";

        var (kind, reason) = PipReason.Of(PipReasonSpecs.Run(output, 1), "3.11.7", null, Timeout);

        Assert.Equal(FailureKind.NoMatchingDistribution, kind);
        Assert.Equal("no release of big matches big==9 (pip saw versions …, 1.293, 1.294, 1.295, 1.296, 1.297, 1.298, 1.299, 1.300 (300 in all))", reason);
    }

    [Fact]
    public void Control_characters_and_binary_noise_change_nothing()
    {
        var output = "\u001b[31m\0\0garbage\u0007\n\uFFFD\uFFFD\n" + new string('\n', 1000);

        Assert.Equal(FailureKind.Other, PipReason.Of(PipReasonSpecs.Run(output, 1), "3.11.7", null, Timeout).Kind);
    }

    [Fact]
    public void A_network_failure_after_the_retries_is_network()
    {
        var result = new PipWheelResult(1, false, [], TimeSpan.Zero) { NetworkFailure = "WARNING: Retrying (Retry(total=0, ...)) after connection broken by 'NewConnectionError(... Connection refused)'" };

        var (kind, reason) = PipReason.Of(result, "3.11.7", null, Timeout);

        Assert.Equal(FailureKind.Network, kind);
        Assert.StartsWith("an index could not be reached or failed: WARNING: Retrying", reason, StringComparison.Ordinal);
    }
}
