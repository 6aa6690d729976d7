using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace PypiForge.Agent.Sandbox;

/// <summary>
/// Starts processes from one thread that lives as long as this process. <c>bwrap --die-with-parent</c> kills the
/// sandbox when its parent dies, and the kernel's "parent" (PR_SET_PDEATHSIG) is the thread that forked it: a build
/// started from a thread-pool thread was killed (exit 137, no output) whenever the pool retired that thread.
/// </summary>
public static class SpawnThread
{
    private static readonly BlockingCollection<Action> Work = [];

#pragma warning disable CA1810 // The thread must exist before the first start; a static constructor says so plainly.
    static SpawnThread()
#pragma warning restore CA1810
    {
        var thread = new Thread(static () =>
        {
            foreach (var start in Work.GetConsumingEnumerable())
                start();
        })
        {
            IsBackground = true,
            Name = "pypiforge-spawn",
        };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> (which starts a process, e.g. CliWrap's ExecuteAsync) on the spawn thread and returns its result.</summary>
    public static T Start<T>(Func<T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        T? result = default;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        Work.Add(() =>
        {
            try
            {
                result = start();
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        error?.Throw();
        return result!;
    }
}
