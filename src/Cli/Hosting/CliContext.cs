using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Spectre.Console;

namespace PypiForge.Cli.Hosting;

/// <summary>One command's connection to the server and its output: built from the global options.</summary>
public sealed class CliContext : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    private readonly GrpcChannel channel;

    // JSON goes past Spectre, which would wrap long lines at the terminal's width.
    private readonly TextWriter stdout = Console.Out;

    private CliContext(Uri server, string? token, bool json)
    {
        Server = server;
        HasToken = token is not null;
        Json = json;
        Out = Terminal.CreateOut();
        channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            // A server that does not answer a connection (a firewall that drops) fails the command instead of hanging it.
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, EnableMultipleHttp2Connections = true },
            DisposeHttpClient = true,
        });
        Invoker = token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });
    }

    public Uri Server { get; }

    public bool HasToken { get; }

    public bool Json { get; }

    /// <summary>Tables, the live display and plain lines (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>One line a person can act on (stderr).</summary>
    public static TextWriter Error => Console.Error;

    public CallInvoker Invoker { get; }

    /// <summary>The context for a parsed command line, or null (and the reason on stderr) when --server is unusable.</summary>
    public static CliContext? From(ParseResult parse)
    {
        var server = ServerAddress.Parse(parse.GetValue(GlobalOptions.Server) ?? ServerAddress.Default, out var problem);
        if (server is null)
        {
            Error.WriteLine("pypiforge: " + problem);
            return null;
        }

        var token = parse.GetValue(GlobalOptions.Token) ?? Environment.GetEnvironmentVariable(GlobalOptions.TokenVariable);
        return new CliContext(server, string.IsNullOrWhiteSpace(token) ? null : token.Trim(), parse.GetValue(GlobalOptions.Json));
    }

    /// <summary>The API's own message as JSON (proto3 JSON mapping, default values included): one document per command.</summary>
    public void WriteJson(IMessage message) => stdout.WriteLine(Formatter.Format(message));

    /// <summary>A line of plain text on stdout (escaped: text from the server is never markup).</summary>
    public void Line(string text) => Out.WriteLine(text);

    public void Dispose() => channel.Dispose();
}
