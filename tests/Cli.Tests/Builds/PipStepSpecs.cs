using PypiForge.Cli.Builds;

namespace PypiForge.Cli.Tests.Builds;

/// <summary>The live display's "step" column: which of pip's lines begin a step.</summary>
public sealed class PipStepSpecs
{
    [Theory]
    [InlineData("Collecting pf-pure==1.0", "Collecting pf-pure==1.0")]
    [InlineData("  Downloading http://127.0.0.1:8080/packages/pf-pure-1.0.tar.gz (1.2 kB)", "Downloading http://127.0.0.1:8080/packages/pf-pure-1.0.tar.gz (1.2 kB)")]
    [InlineData("  Installing build dependencies: started", "Installing build dependencies: started")]
    [InlineData("Building wheel for pf-pure (pyproject.toml): started", "Building wheel for pf-pure (pyproject.toml): started")]
    [InlineData("Successfully built pf-pure", "Successfully built pf-pure")]
    [InlineData("ERROR: No matching distribution found for pf-missing==1.0", "ERROR: No matching distribution found for pf-missing==1.0")]
    public void A_line_that_begins_a_step_is_the_step(string line, string step) => Assert.Equal(step, PipStep.From(line));

    [Theory]
    [InlineData("gcc -pthread -fPIC -c pf_cext.c -o build/pf_cext.o")]
    [InlineData("     |████████████████████████████████| 1.2 kB 3.4 MB/s")]
    [InlineData("")]
    public void Other_lines_leave_the_step_as_it_is(string line) => Assert.Null(PipStep.From(line));

    [Fact]
    public void A_long_step_is_shortened_for_its_cell()
    {
        var step = PipStep.From("Collecting " + new string('x', 200));

        Assert.NotNull(step);
        Assert.Equal(72, step.Length);
        Assert.EndsWith("…", step, StringComparison.Ordinal);
    }
}
