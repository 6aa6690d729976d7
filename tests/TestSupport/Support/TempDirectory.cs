using IODirectory = System.IO.Directory;
using IOPath = System.IO.Path;

namespace PypiForge.Tests.Support;

/// <summary>Fresh folders under the system temp folder: <see cref="Create"/>/<see cref="Delete"/> for a path a test
/// keeps, or an instance that deletes its folder on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "pypiforge-agent-tests-")
    {
        Path = IODirectory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>A new folder <c>pypiforge-tests/&lt;purpose&gt;-&lt;guid&gt;</c> under the temp folder.</summary>
    public static string Create(string purpose)
    {
        var path = IOPath.Combine(IOPath.GetTempPath(), "pypiforge-tests", $"{purpose}-{Guid.NewGuid():N}");
        IODirectory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a folder and everything in it, if it can.</summary>
    public static void Delete(string path)
    {
        try
        {
            if (IODirectory.Exists(path))
            {
                IODirectory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A process that a failed test left behind may still hold a file; the OS temp cleaner takes it later.
        }
    }

    public string Combine(params string[] parts) => IOPath.Combine([Path, .. parts]);

    public void Dispose() => Delete(Path);
}
