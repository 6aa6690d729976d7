using System.Reflection;

namespace PypiForge.Server.Hosting;

/// <summary>Reads the server's command line before the host sees it: answers <c>--help</c> and <c>--version</c>,
/// translates pypiserver's switches (<see cref="PypiserverSwitches"/>) into configuration keys, and refuses what no
/// key knows. The configuration binder itself ignores an unknown switch, a single-dash word or a key without a value,
/// so a typo would otherwise start a server that does something other than what was asked.</summary>
internal static class ServerCommandLine
{
    /// <summary>Top-level keys the host reads (ASP.NET Core's own), besides the sections below and the short switches.</summary>
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName", "AllowedHosts", "shutdownTimeoutSeconds", "detailedErrors",
    };

    /// <summary>The configuration sections a <c>--Section:Key</c> switch may name.</summary>
    internal static readonly string[] Sections = ["Catalog", "Grpc", "Auth", "Uploads", "Upstream", "Queue", "Agent", "Limits", "Metrics", "Logging", "Kestrel"];

    private const string Usage = """
        PypiForge server: a Python package index (PEP 503/691 simple API, uploads, upstream fallback) that builds wheels.

        Usage:
          PypiForge.Server [options] [PACKAGE_FOLDER]     (dotnet run --project src/Server -- [options])
          PypiForge.Server token create|list|revoke ...   API tokens; `token` alone shows its usage
          PypiForge.Server --help | --version

        Options (each is a configuration key; `--Section:Key value` and `--Section:Key=value` set any key):
          --urls URLS           where the index listens (Urls)             default http://localhost:8080
          --grpc-port PORT      the gRPC port (Grpc:Port)                  default 50051
          --root DIR            the package folder (Catalog:Root)          default ./packages
          --state-dir DIR       tokens, catalog state, build logs (Catalog:StateDirectory)  default <root>/.pypiforge
          --htpasswd FILE       users (Auth:HtpasswdFile)
          --fallback MODE       none, redirect or proxy for projects not here (Upstream:Fallback)  default proxy
          --upstream URL        the upstream index (Upstream:Url)          default https://pypi.org/simple/
          --Auth:TrustLoopback Auto|Always|Never, --Uploads:Overwrite Never|Always|PreReleases,
          --Queue:EmbeddedAgent false, --Agent:Interpreters:0 python3.12, ...   (the README lists every key)

        pypiserver's switches are understood: -p/--port, -i/--interface, -P/--passwords, -a/--authenticate,
        -o/--overwrite, --fallback-url, --disable-fallback, a package folder and the `run` word
        (`PypiForge.Server run -p 8080 /opt/pypi/packages`).

        Environment: PYPIFORGE_ + the key with "__" for ":", e.g. PYPIFORGE_CATALOG__ROOT=/srv/pypi;
        the command line wins over the environment, which wins over appsettings.json.

        Exit codes: 0 after a normal stop, 2 when the command line or the configuration is wrong (the message names the key).
        """;

    /// <summary>Reads <paramref name="args"/>: either a command line for the host, or an exit code when this already
    /// answered (usage, version) or refused (with one line on <paramref name="error"/>).</summary>
    public static ServerCommand Read(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["help", ..] || args.Any(static a => a is "--help" or "-h" or "-?"))
        {
            output.WriteLine(Usage);
            return ServerCommand.Exit(0);
        }

        if (args.Any(static a => a == "--version"))
        {
            output.WriteLine("PypiForge " + Version);
            return ServerCommand.Exit(0);
        }

        var refusal = Translate(args is ["run", ..] ? args[1..] : args, out var translated);
        if (refusal is not null)
        {
            error.WriteLine("PypiForge cannot start: " + refusal);
            return ServerCommand.Exit(2);
        }

        foreach (var warning in EnvironmentNames.Misspelt(Environment.GetEnvironmentVariables(), Sections, HostKeys))
        {
            error.WriteLine("warning: " + warning);
        }

        return ServerCommand.Run([.. translated]);
    }

    /// <summary>The version the assembly was built as (with the commit, when the build knew it).</summary>
    public static string Version =>
        typeof(ServerCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServerCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>Whether <c>--name</c> sets a configuration key this server reads.</summary>
    internal static bool IsKnownSwitch(string name)
    {
        if (PypiForgeServer.SwitchMappings.ContainsKey(name))
        {
            return true;
        }

        if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
        {
            return false;
        }

        var key = name[2..];
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? HostKeys.Contains(key)
            : colon + 1 < key.Length && Sections.Contains(key[..colon], StringComparer.OrdinalIgnoreCase);
    }

    private static string? Translate(string[] args, out List<string> translated)
    {
        translated = [];
        var pypiserver = new PypiserverSwitches();
        var folders = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                // "Catalog:Root=/srv/pypi" is the binder's prefix-less form; anything else is the package folder.
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && IsKnownSwitch("--" + arg[..equals]))
                {
                    translated.AddRange(["--" + arg[..equals], arg[(equals + 1)..]]);
                }
                else
                {
                    folders.Add(arg);
                }

                continue;
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? arg[..separator] : arg;
            var inline = separator > 0 ? arg[(separator + 1)..] : null;
            var handled = pypiserver.TryRead(name, inline, args, ref i, out var problem);
            if (problem is not null)
            {
                return problem;
            }

            if (handled)
            {
                continue;
            }

            if (!IsKnownSwitch(name))
            {
                return $"unknown option '{name}'; `--help` lists the options (configuration keys are written --Section:Key, e.g. --Catalog:Root).";
            }

            if (inline is null && i + 1 >= args.Length)
            {
                return $"{name} needs a value, e.g. {name} VALUE.";
            }

            // As the binder reads it: the next word is the value, even one starting with '-' (a negative TimeSpan).
            translated.Add(name);
            translated.Add(inline ?? args[++i]);
        }

        return pypiserver.AppendTo(translated, folders);
    }
}

/// <summary>The outcome of <see cref="ServerCommandLine.Read"/>: run the host with <see cref="Args"/>, or exit.</summary>
internal sealed record ServerCommand(string[] Args, int? ExitCode)
{
    public static ServerCommand Run(string[] args) => new(args, null);

    public static ServerCommand Exit(int code) => new([], code);

    /// <summary>The arguments for the host builder's own settings: without <c>--urls</c>, which the server binds
    /// itself (<see cref="PypiForgeServer.AddPypiForgeServer"/>); given to the host too, Kestrel would warn on every
    /// start that it overrides it.</summary>
    public string[] HostArgs
    {
        get
        {
            var kept = new List<string>();
            for (var i = 0; i < Args.Length; i++)
            {
                if (string.Equals(Args[i], "--urls", StringComparison.OrdinalIgnoreCase))
                {
                    i++;
                    continue;
                }

                kept.Add(Args[i]);
            }

            return [.. kept];
        }
    }
}
