using PypiForge.Cli.Tests.Support;

namespace PypiForge.Cli.Tests.Builds;

/// <summary>build --wait in a real pseudo-terminal (util-linux <c>script</c>) draws a live table with cursor movement
/// and colour, and ends with the summary; piped, it writes plain lines; NO_COLOR drops the colours.</summary>
[Collection(CliServerGroup.Name)]
public sealed class LiveDisplaySpecs(CliServer server)
{
    private const string Escape = "\u001b[";

    [Fact]
    public async Task On_a_terminal_the_live_table_redraws_in_place_and_ends_with_the_summary()
    {
        var run = await server.RunInTerminalAsync(["build", "pf-cext==1.0", "--no-deps", "--wait"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        // Spectre's live display hides the cursor while it redraws, and moves up over the previous frame.
        Assert.Contains(Escape + "?25l", run.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"\u001b\[\d*A", run.StdOut);
        Assert.Matches(@"\u001b\[(32|38;5;2)msucceeded", run.StdOut); // in green
        Assert.Matches(@"│ (Looking in indexes|Collecting|Processing|Downloading|Building wheel|Created wheel|Saved|Successfully built) ", run.StdOut); // pip's step
        Assert.Contains("Duration", run.StdOut, StringComparison.Ordinal);
        Assert.Contains(server.Target, run.StdOut, StringComparison.Ordinal);
        Assert.Contains("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_it_writes_one_plain_line_per_state_change_and_the_summary_without_escape_codes()
    {
        var run = await server.RunAsync("build", "pf-cext==1.0", "--no-deps", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(PypiforgeCli.HasEscapeCodes(run.StdOut + run.StdErr), run.ToString());
        Assert.Contains($"{server.Target}: succeeded after ", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("Duration", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_NO_COLOR_the_terminal_gets_no_colour_codes()
    {
        var run = await server.RunInTerminalAsync(["build", "pf-cext==1.0", "--no-deps", "--wait"], noColor: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("succeeded", run.StdOut, StringComparison.Ordinal);
        Assert.Contains(Escape + "?25l", run.StdOut, StringComparison.Ordinal); // still live
        Assert.DoesNotMatch(@"\u001b\[(3[0-7]|9[0-7]|38;[0-9;]+)m", run.StdOut);
    }
}
