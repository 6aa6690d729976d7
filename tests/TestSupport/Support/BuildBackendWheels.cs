using CliWrap;
using CliWrap.Buffered;

namespace PypiForge.Tests.Support;

/// <summary>The build back-ends isolated builds fetch from the index, as a real index would serve them: python3's own
/// bundled setuptools (ensurepip) and Debian's wheel (python3-wheel-whl).</summary>
public static class BuildBackendWheels
{
    public static async Task<string[]> FindAsync()
    {
        var ask = await Cli.Wrap("python3")
            .WithArguments(["-c", "import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'))"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        var bundled = ask.StandardOutput.Trim();
        var setuptools = Directory.Exists(bundled) ? Directory.GetFiles(bundled, "setuptools-*.whl") : [];
        var wheel = Directory.Exists("/usr/share/python-wheels") ? Directory.GetFiles("/usr/share/python-wheels", "wheel-*.whl") : [];
        if (setuptools.Length == 0 || wheel.Length == 0)
        {
            throw new InvalidOperationException(
                $"Need setuptools from {bundled} (python3's ensurepip) and wheel from /usr/share/python-wheels (apt-get install python3-wheel-whl); scripts/test.sh installs the latter.");
        }

        return [setuptools[0], wheel[0]];
    }
}
