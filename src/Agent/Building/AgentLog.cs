using Microsoft.Extensions.Logging;

namespace PypiForge.Agent.Building;

internal static partial class AgentLog
{
    [LoggerMessage(100, LogLevel.Information, "Building {Requirements} for {Target} (build {BuildId})")]
    public static partial void Starting(ILogger logger, string buildId, string target, string requirements);

    [LoggerMessage(101, LogLevel.Warning, "Could not remove the build folder {Path} ({Problem}); remove it by hand")]
    public static partial void CleanupFailed(ILogger logger, string path, string problem);

    [LoggerMessage(102, LogLevel.Warning, "Interpreter {Interpreter} is not a usable build target: {Problem}")]
    public static partial void TargetUnusable(ILogger logger, string interpreter, string problem);

    [LoggerMessage(103, LogLevel.Information, "Build target {Target} ready: {Interpreter} (Python {Version})")]
    public static partial void TargetReady(ILogger logger, string target, string interpreter, string version);

    [LoggerMessage(104, LogLevel.Warning, "Interpreter {Interpreter} has the same tags as {Existing} ({Target}); it is not used")]
    public static partial void TargetDuplicate(ILogger logger, string interpreter, string existing, string target);
}
