using System.Globalization;
using System.Text;

namespace PypiForge.Server.Tests.Metrics;

/// <summary>One sample of the Prometheus text exposition format: <c>name{label="value",...} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.GetValueOrDefault(name) ?? string.Empty;
}

/// <summary>A small parser of the Prometheus text format (version 0.0.4): <c># TYPE</c> lines and samples, label values
/// with their escapes. Strict: a line it cannot read fails the test, so a malformed exposition does not pass unseen.</summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name → counter, gauge, histogram, summary or untyped.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || (line.StartsWith('#') && !line.StartsWith("# TYPE ", StringComparison.Ordinal)))
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.True(parts.Length == 4, "a malformed TYPE line: " + line);
                Assert.True(types.TryAdd(parts[2], parts[3]), "a second TYPE line for " + parts[2]);
                continue;
            }

            samples.Add(Sample(line));
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>Samples of <paramref name="name"/> whose labels include every pair given.</summary>
    public IEnumerable<PrometheusSample> Where(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Label(l.Label) == l.Value));

    /// <summary>The sum of the matching samples (0 when there is none: a series appears with its first event).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Where(name, labels).Sum(static s => s.Value);

    /// <summary>The one matching sample's value.</summary>
    public double One(string name, params (string Label, string Value)[] labels) =>
        Assert.Single(Where(name, labels)).Value;

    private static PrometheusSample Sample(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        Assert.True(i > 0 && !char.IsAsciiDigit(line[0]), "a sample without a valid metric name: " + line);
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')
                {
                    i++;
                }

                var label = line[start..i];
                Assert.True(label.Length > 0 && line[i] == '=' && line[i + 1] == '"', "a malformed label in: " + line);
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', var other => throw new FormatException($"bad escape \\{other} in: {line}") });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                Assert.True(labels.TryAdd(label, value.ToString()), "a label given twice in: " + line);
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var rest = line[i..].Trim().Split(' ');
        Assert.True(rest.Length is 1 or 2, "a sample without a value (or with more than a timestamp after it): " + line);
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
