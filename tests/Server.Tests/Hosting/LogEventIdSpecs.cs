using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PypiForge.Agent.Building;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>Every [LoggerMessage] of the server and the agent has an event id of its own, inside its feature's range
/// as docs/logging.md lists it, so an operator filtering on one id meets one message.</summary>
public sealed partial class LogEventIdSpecs
{
    private static readonly Assembly[] Assemblies = [typeof(PypiForgeServer).Assembly, typeof(AgentOptions).Assembly];

    [Fact]
    public void Every_log_message_has_an_explicit_event_id()
    {
        var messages = Messages();
        var missing = messages.Where(static m => m.Id < 0).Select(static m => m.Name).ToList();

        Assert.True(messages.Count > 50, $"Only {messages.Count} [LoggerMessage] methods found; the reflection misses some");
        Assert.True(missing.Count == 0, "Give these messages an EventId from their feature's range (docs/logging.md): " + string.Join(", ", missing));
    }

    [Fact]
    public void No_two_log_messages_share_an_event_id_across_the_server_and_the_agent()
    {
        var collisions = Messages().Where(static m => m.Id >= 0).GroupBy(static m => m.Id).Where(static g => g.Count() > 1)
            .Select(static g => $"{g.Key}: {string.Join(" and ", g.Select(static m => m.Name))}")
            .ToList();

        Assert.True(collisions.Count == 0, "Event ids used twice: " + string.Join("; ", collisions));
    }

    [Fact]
    public void Each_event_id_lies_in_the_range_docs_logging_md_gives_its_feature()
    {
        var ranges = Ranges();
        var outside = new List<string>();
        foreach (var message in Messages())
        {
            var range = ranges.Where(r => message.Namespace == r.Namespace || message.Namespace.StartsWith(r.Namespace + ".", StringComparison.Ordinal))
                .MaxBy(static r => r.Namespace.Length);
            if (range is null)
                outside.Add($"{message.Name} ({message.Namespace} has no range; add a row to docs/logging.md)");
            else if (message.Id < range.From || message.Id > range.To)
                outside.Add($"{message.Name} is {message.Id}, outside {range.Namespace}'s {range.From}-{range.To}");
        }

        Assert.True(outside.Count == 0, string.Join("; ", outside));
    }

    [Fact]
    public void The_documented_ranges_do_not_overlap()
    {
        var ranges = Ranges().OrderBy(static r => r.From).ToList();

        Assert.True(ranges.Count >= 10, "docs/logging.md lists too few ranges; did its table change shape?");
        for (var i = 1; i < ranges.Count; i++)
            Assert.True(ranges[i].From > ranges[i - 1].To, $"{ranges[i - 1].Namespace} and {ranges[i].Namespace} overlap");
    }

    private static List<LogMessage> Messages() =>
    [
        .. from assembly in Assemblies
           from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
           let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
           where attribute is not null
           select new LogMessage($"{type.FullName}.{method.Name}", type.Namespace ?? string.Empty, attribute.EventId),
    ];

    private static List<IdRange> Ranges()
    {
        var path = Path.Combine(DistFixtures.RepositoryRoot, "docs", "logging.md");
        return
        [
            .. from line in File.ReadLines(path)
               let match = RangeRow().Match(line)
               where match.Success
               select new IdRange(match.Groups["ns"].Value, int.Parse(match.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture),
                   int.Parse(match.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }

    [GeneratedRegex(@"^\| `(?<ns>[\w.]+)`[^|]*\| (?<from>\d+)-(?<to>\d+) \|", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex RangeRow();

    private sealed record LogMessage(string Name, string Namespace, int Id);

    private sealed record IdRange(string Namespace, int From, int To);
}
