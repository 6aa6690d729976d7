using Spectre.Console;

namespace PypiForge.Cli.Hosting;

/// <summary>Where output goes and what it may do there: colours, tables and the live display on a terminal; plain lines
/// without escape codes when stdout is a file or a pipe; no colour when NO_COLOR is set (https://no-color.org).</summary>
public static class Terminal
{
    /// <summary>Wide enough that a table written to a file or a pipe keeps one line per row.</summary>
    private const int RedirectedWidth = 240;

    public static IAnsiConsole CreateOut()
    {
        var redirected = Console.IsOutputRedirected;
        var noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // Spectre detects the rest (TERM, colour depth, the window's width); a redirected stdout is told explicitly so
            // that no cursor or colour code ever reaches a file.
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>Whether the live display (cursor movement) may be used.</summary>
    public static bool IsLive(IAnsiConsole console) => console.Profile.Capabilities.Ansi;

    /// <summary>Whether a question can be asked: a person at a terminal on both ends.</summary>
    public static bool CanAsk => !Console.IsInputRedirected && !Console.IsOutputRedirected;
}
