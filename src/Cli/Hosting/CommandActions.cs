using System.CommandLine;
using Grpc.Core;

namespace PypiForge.Cli.Hosting;

/// <summary>Runs a command that calls the server: opens the connection from the global options and turns every way it
/// can fail into one line on stderr and the documented exit code (<see cref="ExitCodes"/>).</summary>
public static class CommandActions
{
    /// <param name="permission">The permission the command's calls need, named in the message when the server refuses.</param>
    public static void SetCallAction(this Command command, string permission, Func<CliContext, ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, cancellation) =>
        {
            using var context = CliContext.From(parse);
            if (context is null)
            {
                return ExitCodes.Usage;
            }

            try
            {
                return await action(context, parse, cancellation);
            }
            catch (UsageException usage)
            {
                CliContext.Error.WriteLine("pypiforge: " + usage.Message);
                return ExitCodes.Usage;
            }
            catch (RpcException) when (cancellation.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (RpcException failure)
            {
                var (exitCode, message) = CallFailures.Describe(failure, context.Server, permission, context.HasToken);
                CliContext.Error.WriteLine("pypiforge: " + message);
                return exitCode;
            }
        });
    }
}
