using System.Net;
using PypiForge.Server.Hosting;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>pypiserver's command line works here, so an operator can swap the binary in; what has no clean
/// equivalent is refused with the reason (issue 16, migration).</summary>
public sealed class PypiserverCommandLineSpecs
{
    [Theory]
    [InlineData("-p 9000", "--urls http://localhost:9000")]
    [InlineData("--port=9000 -i 0.0.0.0", "--urls http://0.0.0.0:9000")]
    [InlineData("--interface ::1", "--urls http://[::1]:8080")]
    [InlineData("-P /etc/pypi/htpasswd", "--Auth:HtpasswdFile /etc/pypi/htpasswd")]
    [InlineData("--passwords .", "")]
    [InlineData("-a update", "--Auth:AnonymousRead true")]
    [InlineData("-a update,download,list", "--Auth:AnonymousRead false")]
    [InlineData("-o", "--Uploads:Overwrite Always")]
    [InlineData("--fallback-url https://mirror.example/simple/", "--Upstream:Url https://mirror.example/simple/")]
    [InlineData("--disable-fallback", "--Upstream:Fallback None")]
    [InlineData("--Catalog:Root=/srv/a --Upstream:PageTtl -00:00:01", "--Catalog:Root /srv/a --Upstream:PageTtl -00:00:01")]
    public void Its_switches_become_configuration_keys(string pypiserver, string keys)
    {
        var command = ServerCommandLine.Read(pypiserver.Split(' '), TextWriter.Null, TextWriter.Null);

        Assert.Null(command.ExitCode);
        Assert.Equal(keys, string.Join(' ', command.Args));
    }

    [Theory]
    [InlineData("-a .", "would let anyone upload")]
    [InlineData("-a update,download", "listing and downloading private together")]
    [InlineData("--hash-algo sha256", "--hash-algo is a pypiserver option PypiForge does not support")]
    [InlineData("-p 9000 --urls http://localhost:9001", "both say where to listen")]
    [InlineData("-p ninety", "give a port number")]
    public void What_has_no_clean_equivalent_is_refused_with_the_reason(string pypiserver, string reason)
    {
        var error = new StringWriter();
        var command = ServerCommandLine.Read(pypiserver.Split(' '), TextWriter.Null, error);

        Assert.Equal(2, command.ExitCode);
        Assert.Contains(reason, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_port_and_a_package_folder_serves_the_folder_to_pip()
    {
        var work = TempDirectory.Create("pypiserver");
        var packages = Path.Combine(work, "packages");
        Directory.CreateDirectory(packages);
        File.Copy(DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl"), Path.Combine(packages, "pf_pure-1.0-py2.py3-none-any.whl"));
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["run", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-fallback",
            "packages", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false"], port: port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var target = Path.Combine(work, "installed");
        var pip = await PythonClient.PipAsync(PythonInterpreter.System.Path,
            "install", "--no-cache-dir", "--target", target, "--index-url", $"http://127.0.0.1:{port}/simple/", "pf-pure==1.0");
        Assert.True(pip.ExitCode == 0, pip.Combined + server.Output);
        Assert.True(File.Exists(Path.Combine(target, "pf_pure.py")));

        // --disable-fallback: a project that is not here is not looked for upstream.
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"http://127.0.0.1:{port}/simple/not-here/"))).StatusCode);
    }

    [Fact]
    public async Task Passwords_and_authenticate_make_a_private_index()
    {
        var work = TempDirectory.Create("pypiserver-auth");
        var htpasswd = await UploadClient.HtpasswdAsync(work, ("alice", "alice-pw", "B"));
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "127.0.0.1",
            "-P", htpasswd, "-a", "update,download,list", "--disable-fallback", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false"], port: port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        using var client = new HttpClient();
        var index = new Uri($"http://127.0.0.1:{port}/simple/");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(index)).StatusCode);
        using var signedIn = new HttpRequestMessage(HttpMethod.Get, index) { Headers = { Authorization = UploadClient.Basic("alice", "alice-pw") } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(signedIn)).StatusCode);
    }
}
