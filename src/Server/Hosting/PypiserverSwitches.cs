using System.Globalization;

namespace PypiForge.Server.Hosting;

/// <summary>pypiserver's command line (<c>pypi-server run -p 8080 -P htpasswd.txt -a update /opt/pypi/packages</c>)
/// mapped onto this server's keys, so an operator can swap the binary in. A pypiserver switch without a clean
/// equivalent is refused with the reason, never ignored.</summary>
internal sealed class PypiserverSwitches
{
    /// <summary>pypiserver switches with no equivalent here, and what to do instead.</summary>
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["--server"] = "PypiForge is its own web server (Kestrel); drop it",
        ["--hash-algo"] = "PypiForge always links files with their sha256; drop it",
        ["--welcome"] = "the home page is PypiForge's own; drop it",
        ["--cache-control"] = "index pages are revalidated and files cached for long by design; drop it",
        ["--log-file"] = "PypiForge logs to the console (use the service manager's journal, or a redirect)",
        ["--log-stream"] = "PypiForge logs to the console",
        ["--log-frmt"] = "log levels are set with --Logging:LogLevel:Default",
        ["--log-req-frmt"] = "log levels are set with --Logging:LogLevel:Default",
        ["--log-res-frmt"] = "log levels are set with --Logging:LogLevel:Default",
        ["--log-err-frmt"] = "log levels are set with --Logging:LogLevel:Default",
        ["-v"] = "log levels are set with --Logging:LogLevel:Default Debug",
        ["--verbose"] = "log levels are set with --Logging:LogLevel:Default Debug",
        ["--backend"] = "PypiForge always serves the package folder it watches",
        ["--health-endpoint"] = "the health check is always at /health",
        ["-U"] = "pypiserver's update command has no equivalent; build or upload the new versions instead",
        ["--update"] = "pypiserver's update command has no equivalent; build or upload the new versions instead",
        ["-u"] = "pypiserver's update command has no equivalent; build or upload the new versions instead",
        ["-x"] = "pypiserver's update command has no equivalent; build or upload the new versions instead",
        ["--execute"] = "pypiserver's update command has no equivalent; build or upload the new versions instead",
        ["--blacklist-file"] = "there is no blacklist; keep such files out of the package folder",
        ["--auther"] = "users come from an htpasswd file (-P/--htpasswd) or API tokens",
        ["--mirror"] = "upstream projects are proxied and cached with --fallback proxy (the default)",
    };

    private string? port;
    private string? host;
    private readonly List<string> keys = [];

    /// <summary>Reads one pypiserver switch at <paramref name="i"/> (advancing past its value); false when
    /// <paramref name="name"/> is not one. <paramref name="problem"/> says why it cannot be used.</summary>
    public bool TryRead(string name, string? inline, string[] args, ref int i, out string? problem)
    {
        problem = null;
        if (Unsupported.TryGetValue(name, out var instead))
        {
            problem = $"{name} is a pypiserver option PypiForge does not support: {instead}.";
            return true;
        }

        switch (name)
        {
            case "-o" or "--overwrite":
                keys.AddRange(["--Uploads:Overwrite", "Always"]);
                return true;
            case "--disable-fallback":
                keys.AddRange(["--Upstream:Fallback", "None"]);
                return true;
            case "-p" or "--port" or "-i" or "--interface" or "--host" or "-P" or "--passwords" or "-a" or "--authenticate" or "--fallback-url":
                break;
            default:
                return false;
        }

        var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
        if (value is null)
        {
            problem = $"{name} needs a value.";
            return true;
        }

        switch (name)
        {
            case "-p" or "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
                {
                    problem = $"{name} is '{value}'; give a port number from 1 to 65535.";
                }

                port = value;
                break;
            case "-i" or "--interface" or "--host":
                // An IPv6 literal needs brackets in a URL.
                host = value.Contains(':', StringComparison.Ordinal) && !value.StartsWith('[') ? $"[{value}]" : value;
                break;
            case "-P" or "--passwords":
                // pypiserver's "-P ." means no password file (with "-a ."); here that is simply no htpasswd file.
                if (value != ".")
                {
                    keys.AddRange(["--Auth:HtpasswdFile", value]);
                }

                break;
            case "-a" or "--authenticate":
                problem = Authenticate(name, value);
                break;
            default:
                keys.AddRange(["--Upstream:Url", value]);
                break;
        }

        return true;
    }

    /// <summary>Adds the keys read, the listening address and the package folder to <paramref name="args"/>; returns
    /// a problem when they contradict each other or the other switches.</summary>
    public string? AppendTo(List<string> args, List<string> folders)
    {
        if (folders.Count > 1)
        {
            return $"PypiForge serves one package folder, but the command line names {folders.Count}: {string.Join(", ", folders.Select(static f => $"'{f}'"))}.";
        }

        if (folders.Count == 1)
        {
            if (!Directory.Exists(folders[0]))
            {
                return $"'{folders[0]}' is neither an option nor an existing package folder; `--help` lists the options.";
            }

            if (Sets(args, "Catalog:Root"))
            {
                return $"the package folder is given twice: '{folders[0]}' and --root (Catalog:Root); give one.";
            }

            args.AddRange(["--Catalog:Root", folders[0]]);
        }

        if (port is not null || host is not null)
        {
            if (Sets(args, "urls"))
            {
                return "-p/--port or -i/--interface and --urls both say where to listen; give one.";
            }

            // pypiserver listens on every interface by default; PypiForge stays on localhost unless -i says otherwise.
            args.AddRange(["--urls", $"http://{host ?? "localhost"}:{port ?? "8080"}"]);
        }

        args.AddRange(keys);
        return null;
    }

    /// <summary>pypiserver's <c>-a</c> lists the actions that need a sign-in (update, download, list; "." for none).
    /// Here uploads always need one (loopback excepted while no users exist) and reads need one or not as a whole.</summary>
    private string? Authenticate(string name, string value)
    {
        var actions = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = actions.Except(["update", "download", "list", "."], StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            return $"{name} '{value}': pypiserver's actions are update, download and list ('.' for none); '{unknown[0]}' is not one.";
        }

        if (actions.Contains(".") || !actions.Contains("update"))
        {
            return $"{name} '{value}' would let anyone upload; PypiForge asks every uploader to sign in (only uploads from this machine are open, and only while no users or tokens exist). Use -a update (the default) and an htpasswd file or API tokens.";
        }

        var reads = actions.Contains("download") || actions.Contains("list");
        if (reads && !(actions.Contains("download") && actions.Contains("list")))
        {
            return $"{name} '{value}': PypiForge makes listing and downloading private together; use -a update,download,list (or --Auth:AnonymousRead false).";
        }

        keys.AddRange(["--Auth:AnonymousRead", reads ? "false" : "true"]);
        return null;
    }

    private static bool Sets(List<string> args, string key) =>
        args.Exists(a => string.Equals(Key(a), key, StringComparison.OrdinalIgnoreCase));

    private static string? Key(string arg) =>
        PypiForgeServer.SwitchMappings.TryGetValue(arg, out var mapped) ? mapped : arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : null;
}
