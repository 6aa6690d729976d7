using PypiForge.Agent.Pip;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>Which projects pip's output names as not built or not found: its own lines, from pip 18.1 to 25.</summary>
public sealed class PipFailuresSpecs
{
    [Theory]
    [InlineData("ERROR: Failed building wheel for pylibmc", "pylibmc")] // pip ≥ 19 while building
    [InlineData("  ERROR: Failed building wheel for pylibmc", "pylibmc")]
    [InlineData("  Failed building wheel for pylibmc", "pylibmc")] // pip 18.1
    [InlineData("Failed to build pylibmc", "pylibmc")] // the summary before pip exits
    [InlineData("Failed to build pylibmc py-radix", "pylibmc,py-radix")]
    [InlineData("ERROR: No matching distribution found for pf-missing==2.0", "pf-missing")]
    [InlineData("No matching distribution found for Dotted.Name_Pkg", "Dotted.Name_Pkg")]
    [InlineData("ERROR: Failed to build one or more wheels", "")]
    [InlineData("ERROR: Failed to build installable wheels for some pyproject.toml based projects (pylibmc)", "")]
    [InlineData("Successfully built pysendfile", "")]
    [InlineData("      Failed to build spam", "")] // a build's own output, which pip indents
    [InlineData("Failed building wheel for ../../etc/passwd", "")]
    [InlineData("Failed to build <script>", "")]
    public void A_line_names_the_projects_pip_could_not_build_or_find(string line, string expected)
    {
        var failures = new PipFailures();

        failures.Observe(line);

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), failures.Projects);
    }

    [Theory]
    [InlineData("ERROR: Failed building wheel for pylibmc", true)]
    [InlineData("  Failed building wheel for pylibmc", true)] // pip 18.1
    [InlineData("Failed to build pylibmc", true)]
    [InlineData("ERROR: No matching distribution found for pf-missing==2.0", false)] // found nothing: built nothing
    [InlineData("      Failed to build spam", false)] // a build's own output
    public void A_failed_wheel_build_is_told_from_a_distribution_not_found(string line, bool buildFailed)
    {
        var failures = new PipFailures();

        failures.Observe(line);

        Assert.Equal(buildFailed, failures.BuildFailed);
    }

    [Fact]
    public void A_project_named_twice_is_listed_once_in_the_order_pip_named_them()
    {
        var failures = new PipFailures();

        failures.Observe("  ERROR: Failed building wheel for pylibmc");
        failures.Observe("  ERROR: Failed building wheel for py_radix");
        failures.Observe("Successfully built pysendfile");
        failures.Observe("Failed to build pylibmc py-radix");

        Assert.Equal(["pylibmc", "py_radix"], failures.Projects);
    }

    [Fact]
    public void Only_the_first_few_projects_are_kept()
    {
        var failures = new PipFailures();

        failures.Observe("Failed to build " + string.Join(' ', Enumerable.Range(1, 50).Select(n => $"p{n}")));

        Assert.Equal(PipFailures.MaxProjects, failures.Projects.Count);
        Assert.Equal("p1", failures.Projects[0]);
    }
}
