using PypiForge.Server.Hosting;

namespace PypiForge.Server.Catalog;

/// <summary>A change to the state folder (yank, uploader, fresh allowance, project status, ...) could not be written durably, so it was not made:
/// the caller must answer with an error, never with "done".</summary>
public sealed class StateNotSavedException : IOException
{
    public StateNotSavedException(string stateDirectory, Exception inner)
        : base(Describe(stateDirectory, inner), inner)
    {
        StateDirectory = stateDirectory;
        HResult = inner.HResult;
    }

    public string StateDirectory { get; }

    /// <summary>True when the state folder's disk (or quota) is full.</summary>
    public bool IsDiskFull => DiskSpace.IsFull(InnerException);

    private static string Describe(string stateDirectory, Exception inner) => DiskSpace.IsFull(inner)
        ? $"{DiskSpace.NoSpaceIn(stateDirectory)}; the change was not saved and not made. An operator must free space."
        : $"The state could not be written to {stateDirectory} ({inner.Message}); the change was not saved and not made.";
}
