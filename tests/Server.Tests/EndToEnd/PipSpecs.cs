using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.EndToEnd;

/// <summary>Today's and yesterday's pip, in fresh environments, installing from the real server over loopback.</summary>
[Collection(PipServerGroup.Name)]
public sealed class PipSpecs(PipServerFixture fixture)
{
    private ServerHost Server => fixture.Server;

    [Fact]
    public async Task Pip_23_installs_a_dependency_chain_over_json_reading_metadata_files_and_honouring_requires_python()
    {
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv311"), "venv"));

        var install = await PythonClient.PipAsync(python, "install", "-vv", "--no-cache-dir", "--index-url", Server.IndexUrl, "pf-dep");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("pf_pure-1.0-py2.py3-none-any.whl.metadata", install.Combined); // PEP 658: metadata before the wheel
        Assert.Contains("Successfully installed pf-dep-1.0 pf-pure-1.0", install.Combined); // 2.0 needs Python >= 3.99
        Assert.Contains("as application/vnd.pypi.simple.v1+json", FetchedPages(install.Combined));
        Assert.DoesNotContain("text/html", FetchedPages(install.Combined));
        var run = await PythonClient.RunAsync(python, ["-c", "import pf_pure, pf_dep; print(pf_pure.VALUE)"]);
        Assert.Equal("1.0", run.StdOut.Trim());
    }

    [Fact]
    public async Task Pip_installs_the_c_extension_wheel_built_here_and_it_imports()
    {
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venvcext"), "venv"));

        var install = await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--only-binary", ":all:", "--index-url", Server.IndexUrl, "pf-cext");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("pf_cext-1.0-cp311-cp311-linux_x86_64.whl", install.Combined);
        var run = await PythonClient.RunAsync(python, ["-c", "import pf_cext; print(pf_cext.add(2, 3))"]);
        Assert.True(run.ExitCode == 0, run.Combined);
        Assert.Equal("5", run.StdOut.Trim());
    }

    [Fact]
    public async Task Pip_22_which_asks_for_html_only_installs_from_the_html_pages()
    {
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.Pyenv("3.7"), Path.Combine(TempDirectory.Create("venv37"), "venv"));

        // pip 22.0 sends "Accept: text/html" and refuses any other page type, so success proves the HTML pages work.
        var install = await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--index-url", Server.IndexUrl, "pf-dep");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("pip 22.0.4", (await PythonClient.PipAsync(python, "--version")).StdOut);
        Assert.Contains("Successfully installed pf-dep-1.0 pf-pure-1.0", install.Combined);
    }

    [Fact]
    public async Task Pip_19_on_python_2_7_downloads_the_universal_wheel()
    {
        var python2 = PythonInterpreter.Pyenv("2.7");
        var target = TempDirectory.Create("dl27");

        var download = await PythonClient.PipAsync(python2.Path, "download", "--no-cache-dir", "--index-url", Server.IndexUrl, "-d", target, "pf-pure");

        Assert.True(download.ExitCode == 0, download.Combined);
        Assert.True(File.Exists(Path.Combine(target, "pf_pure-1.0-py2.py3-none-any.whl")), download.Combined);
        Assert.Equal(File.ReadAllBytes(DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl")), File.ReadAllBytes(Path.Combine(target, "pf_pure-1.0-py2.py3-none-any.whl")));
    }

    [Fact]
    public async Task Pip_reads_the_index_from_a_pip_conf_as_in_the_original_set_up()
    {
        var venv = Path.Combine(TempDirectory.Create("venvconf"), "venv");
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, venv);
        // A site-wide pip.conf inside the environment: pip reads it with no flag at all.
        await File.WriteAllTextAsync(Path.Combine(venv, "pip.conf"), $"[global]\nindex-url = {Server.IndexUrl}\ntrusted-host = {Server.BaseUri.Host}\nno-cache-dir = true\n");
        var target = TempDirectory.Create("dlconf");

        var download = await PythonClient.RunAsync(python, ["-m", "pip", "download", "--no-deps", "-d", target, "pf-pure==1.0", "--only-binary", ":all:"],
            extraEnv: new Dictionary<string, string?> { ["PIP_CONFIG_FILE"] = null });

        Assert.True(download.ExitCode == 0, download.Combined);
        Assert.Contains(Server.IndexUrl, download.Combined);
        Assert.True(File.Exists(Path.Combine(target, "pf_pure-1.0-py2.py3-none-any.whl")));
    }

    [Fact]
    public async Task Pip_downloads_an_sdist_and_fetches_its_build_backend_from_the_index()
    {
        var target = TempDirectory.Create("dlsdist");

        var download = await PythonClient.PipAsync(PythonInterpreter.System.Path, "download", "--no-cache-dir", "--no-deps", "--no-binary", "pf-pure",
            "--index-url", Server.IndexUrl, "-d", target, "pf-pure==1.0");

        Assert.True(download.ExitCode == 0, download.Combined);
        Assert.Contains("Installing build dependencies", download.Combined);
        Assert.Equal(File.ReadAllBytes(DistFixtures.Path("pf-pure-1.0.tar.gz")), File.ReadAllBytes(Path.Combine(target, "pf-pure-1.0.tar.gz")));
    }

    [Fact]
    public async Task A_file_dropped_into_the_folder_is_installable_without_restart()
    {
        var name = "Dotted.Name_Pkg-0.1-py3-none-any.whl";
        var staging = Path.Combine(TempDirectory.Create("drop"), name);
        File.Copy(DistFixtures.Path(name), staging);
        File.Move(staging, Path.Combine(Server.Root, name));
        var target = TempDirectory.Create("dldrop");

        ProcessResult? download = null;
        var visible = await ServerHost.EventuallyAsync(async () =>
        {
            download = await PythonClient.PipAsync(PythonInterpreter.System.Path, "download", "--no-cache-dir", "--no-deps", "--index-url", Server.IndexUrl, "-d", target, "dotted.name-pkg");
            return download.ExitCode == 0;
        }, TimeSpan.FromSeconds(20));

        Assert.True(visible, download?.Combined);
        Assert.True(File.Exists(Path.Combine(target, name)));
    }

    // pip -v prints the Content-Type of each index page it fetched ("Fetched page ... as <type>").
    private static string FetchedPages(string log) =>
        string.Join('\n', log.Split('\n').Where(l => l.Contains("Fetched page", StringComparison.Ordinal)));
}
