using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>The real publishing tools (Debian's twine and flit) against a real server with htpasswd users and tokens.</summary>
public sealed class PublishToolSpecs : IAsyncLifetime
{
    private string folder = null!;
    private ServerHost server = null!;

    private string Legacy => new Uri(server.BaseUri, "legacy/").ToString();

    public async Task InitializeAsync()
    {
        folder = TempDirectory.Create("publish");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("alice", "alice-pw", "B"), ("bob", "bob-pw", "m"));
        server = await ServerHost.StartAsync(null, "--htpasswd", htpasswd, "--Auth:TrustLoopback", "Never");
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(folder);
    }

    [Fact]
    public async Task Twine_uploads_a_wheel_and_an_sdist_with_a_password_and_pip_installs_them()
    {
        var result = await UploadClient.TwineAsync(Legacy, "alice", "alice-pw",
            DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl"), DistFixtures.Path("pf-pure-1.0.tar.gz"));

        Assert.True(result.ExitCode == 0, result.Combined);
        Assert.Equal(["pf-pure-1.0.tar.gz", "pf_pure-1.0-py2.py3-none-any.whl"], UploadClient.FilesIn(server.Root));
        using var page = JsonDocument.Parse(await server.Client.GetStringAsync("/simple/pf-pure/?format=application/vnd.pypi.simple.v1%2Bjson"));
        var files = page.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.True(f.TryGetProperty("upload-time", out _)));
        var catalog = server.Services.GetRequiredService<PypiForge.Server.Catalog.PackageCatalog>();
        Assert.True(catalog.TryGetProject("pf-pure", out var project));
        Assert.All(project.Files, f => Assert.Equal("alice", f.UploadedBy));

        var target = Path.Combine(folder, "pip-target");
        var pip = await PythonClient.PipAsync(PythonInterpreter.System.Path,
            "install", "--no-cache-dir", "--target", target, "-i", server.IndexUrl, "pf-pure==1.0");
        Assert.True(pip.ExitCode == 0, pip.Combined);
        Assert.True(File.Exists(Path.Combine(target, "pf_pure.py")));
    }

    [Fact]
    public async Task The_same_upload_again_succeeds_and_a_different_file_of_that_name_is_refused_as_PyPI_does()
    {
        var wheel = DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl");
        Assert.Equal(0, (await UploadClient.TwineAsync(Legacy, "bob", "bob-pw", wheel)).ExitCode);

        var again = await UploadClient.TwineAsync(Legacy, "bob", "bob-pw", wheel);
        Assert.True(again.ExitCode == 0, again.Combined);

        var impostor = Path.Combine(folder, "other", "pf_pure-1.0-py2.py3-none-any.whl");
        Directory.CreateDirectory(Path.GetDirectoryName(impostor)!);
        TestDists.Wheel(Path.GetDirectoryName(impostor)!, "pf_pure", "1.0", "py2.py3-none-any", metadata: TestDists.Metadata("pf-pure", "1.0", extra: "Keywords: impostor\n"));
        var refused = await UploadClient.TwineAsync(Legacy, "bob", "bob-pw", impostor);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("400", refused.Combined, StringComparison.Ordinal);
        Assert.Contains("File already exists", refused.Combined, StringComparison.Ordinal);
        Assert.Equal(Hash(wheel), Hash(Path.Combine(server.Root, "pf_pure-1.0-py2.py3-none-any.whl")));
    }

    [Fact]
    public async Task Twine_uploads_with_an_API_token_as_user___token__()
    {
        var (_, secret) = server.Services.GetRequiredService<TokenStore>().Create("ci-bot", Permissions.Read | Permissions.Upload, "CI");

        var result = await UploadClient.TwineAsync(Legacy, "__token__", secret, DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl"));

        Assert.True(result.ExitCode == 0, result.Combined);
        Assert.Contains("pf_dep-1.0-py2.py3-none-any.whl", UploadClient.FilesIn(server.Root));
        Assert.DoesNotContain(server.Logs.Messages(), m => m.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Twine_with_a_wrong_password_is_told_the_sign_in_failed_and_nothing_is_stored()
    {
        var result = await UploadClient.TwineAsync(Legacy, "alice", "not-her-password", DistFixtures.Path("pf_dep-1.0-py2.py3-none-any.whl"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("401", result.Combined, StringComparison.Ordinal);
        Assert.Contains("Sign-in failed", result.Combined, StringComparison.Ordinal);
        Assert.Empty(UploadClient.FilesIn(server.Root));
        Assert.DoesNotContain(server.Logs.Messages(), m => m.Contains("not-her-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flit_publish_builds_and_uploads_a_project()
    {
        var result = await UploadClient.FlitPublishAsync(folder, "pf-flit", "0.3", Legacy, "bob", "bob-pw");

        Assert.True(result.ExitCode == 0, $"flit publish (apt-get install flit) failed: {result.Combined}");
        Assert.Equal(["pf-flit-0.3.tar.gz", "pf_flit-0.3-py2.py3-none-any.whl"], UploadClient.FilesIn(server.Root));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/simple/pf-flit/")).StatusCode);
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
