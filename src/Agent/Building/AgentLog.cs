using Microsoft.Extensions.Logging;

namespace PypiForge.Agent.Building;

/// <summary>The build agent (embedded and remote): event ids 100-199 (one range per feature, listed in docs/logging.md).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(100, LogLevel.Information, "Building {Requirements} for {Target} (build {BuildId})")]
    public static partial void Starting(ILogger logger, string buildId, string target, string requirements);

    [LoggerMessage(101, LogLevel.Warning, "Could not remove the build folder {Path} ({Problem}); remove it by hand")]
    public static partial void CleanupFailed(ILogger logger, string path, string problem);

    [LoggerMessage(102, LogLevel.Warning, "{Key} ({Interpreter}) is not a usable build target: {Problem}")]
    public static partial void TargetUnusable(ILogger logger, string key, string interpreter, string problem);

    [LoggerMessage(103, LogLevel.Information, "Build target {Target} ready: {Interpreter} (Python {Version}) on {Environment}")]
    public static partial void TargetReady(ILogger logger, string target, string interpreter, string version, string environment);

    [LoggerMessage(104, LogLevel.Warning, "Interpreter {Interpreter} has the same tags as {Existing} ({Target}); it is not used")]
    public static partial void TargetDuplicate(ILogger logger, string interpreter, string existing, string target);

    [LoggerMessage(105, LogLevel.Warning, "The server did not answer {Call} ({Problem}); trying again in {Delay} s")]
    public static partial void ServerUnavailable(ILogger logger, string call, string problem, double delay);

    [LoggerMessage(106, LogLevel.Warning, "Could not send {Count} log lines of build {BuildId} to the server ({Problem}); they are missing from its log")]
    public static partial void LogLinesLost(ILogger logger, int count, string buildId, string problem);

    [LoggerMessage(107, LogLevel.Information, "Remote agent for {Server}, queue storage {Storage} (schema {Schema})")]
    public static partial void RemoteStarted(ILogger logger, string server, string storage, string schema);

    [LoggerMessage(108, LogLevel.Error, "This agent will not build: it cannot make the build sandbox (Agent:Sandbox=Bubblewrap): {Problem}")]
    public static partial void SandboxUnavailable(ILogger logger, string problem);

    [LoggerMessage(109, LogLevel.Warning, "Agent:Sandbox=None: builds run WITHOUT a sandbox, with this agent's rights: any package's setup.py can read " +
        "its files and tokens and write into what it can reach. Only for machines that build nothing but trusted code.")]
    public static partial void SandboxOff(ILogger logger);

    [LoggerMessage(110, LogLevel.Error, "The server refused this agent's token ({Problem}): this token lacks the agent permission; create one with " +
        "`token create --permissions agent` on the server (e.g. `token create --user agent --permissions read,agent`) and give it to the agent as Agent:Token (--token)")]
    public static partial void TokenLacksAgentPermission(ILogger logger, string problem);

    [LoggerMessage(111, LogLevel.Information, "Removed {Count} build folders from {Folder}, left by builds that were killed with their agent")]
    public static partial void StaleBuildFoldersRemoved(ILogger logger, int count, string folder);

    [LoggerMessage(120, LogLevel.Warning, "Build {BuildId} for {Target}: an index could not be reached or failed ({Failure}); running pip again in {Seconds} s (attempt {Attempt} of {Attempts})")]
    public static partial void RetryingTransient(ILogger logger, string buildId, string target, string failure, double seconds, int attempt, int attempts);
}
