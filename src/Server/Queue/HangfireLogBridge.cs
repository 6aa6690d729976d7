using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace PypiForge.Server.Queue;

/// <summary>Sends Hangfire's log to ASP.NET Core logging. Hangfire's log provider is process-wide while logger
/// factories belong to a host: a host that stopped must not break Hangfire components of another (tests run many).</summary>
internal sealed class HangfireLogBridge(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new BridgedLog(factory, name);

    private sealed class BridgedLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? logger;

        public bool Log(HangfireLevel logLevel, Func<string> messageFunc, Exception? exception = null)
        {
            try
            {
                logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    HangfireLevel.Trace => MsLogLevel.Trace,
                    HangfireLevel.Debug => MsLogLevel.Debug,
                    HangfireLevel.Info => MsLogLevel.Information,
                    HangfireLevel.Warn => MsLogLevel.Warning,
                    HangfireLevel.Error => MsLogLevel.Error,
                    _ => MsLogLevel.Critical,
                };
                if (messageFunc is null || !logger.IsEnabled(level))
                {
                    return logger.IsEnabled(level);
                }

#pragma warning disable CA1848, CA2254, CA1873 // Hangfire hands over finished messages; there is no template to generate.
                logger.Log(level, 0, exception, messageFunc());
#pragma warning restore CA1848, CA2254, CA1873
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
