using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>The supply-chain guard on the proxy: upstream releases younger than <c>Upstream:MinReleaseAge</c> are not
/// offered or served, <c>Upstream:AllowFresh</c> lets one through (logged), files here are never held, and a PEP 792
/// quarantined upstream project serves nothing. The upstream is another PypiForge (its upload-time is a file's time) or
/// the fake; the client is real pip where a user would have it.</summary>
public sealed partial class ReleaseCooldownSpecs
{
    private const string Project = "fake-proj";
    private const string Old = "fake_proj-1.0-py3-none-any.whl";
    private const string Fresh = "fake_proj-2.0-py3-none-any.whl";
    private const string Week = "7.00:00:00";

    private static Task<ServerHost> StartProxyAsync(string upstreamUrl, string? root, params string[] more) =>
        ServerHost.StartAsync(root, ["--fallback", "proxy", "--upstream", upstreamUrl, "--Upstream:Timeout", "00:00:05",
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), .. more]);

    /// <summary>A PypiForge upstream whose files were uploaded <paramref name="ages"/> ago (file name → age).</summary>
    private static async Task<ServerHost> StartAgedUpstreamAsync(params (string Project, string Version, TimeSpan Age)[] ages)
    {
        var root = TempDirectory.Create("upstream-aged");
        foreach (var (project, version, age) in ages)
        {
            File.SetLastWriteTimeUtc(TestDists.Wheel(root, project, version), DateTime.UtcNow - age);
        }

        return await ServerHost.StartAsync(root);
    }

    private static async Task<JsonElement> JsonPageAsync(ServerHost server, string project)
    {
        using var response = await server.Client.GetAsync($"simple/{project}/?format=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string[] FileNames(JsonElement page) =>
        [.. page.GetProperty("files").EnumerateArray().Select(static f => f.GetProperty("filename").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<string[]> HtmlFileNamesAsync(ServerHost server, string project) =>
        [.. Anchor().Matches(await server.Client.GetStringAsync($"simple/{project}/?format=html")).Select(static m => m.Groups[1].Value).Order(StringComparer.Ordinal)];

    private static async Task<ProcessResult> PipInstallAsync(ServerHost proxy, string requirement)
    {
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv-cooldown"), "venv"));
        return await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--index-url", proxy.IndexUrl, requirement);
    }

    private static string Utc(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task With_a_7_day_cooldown_pip_installs_the_30_day_old_release_and_never_sees_the_1_day_old_one()
    {
        await using var upstream = await StartAgedUpstreamAsync(("pf-aged", "1.0", TimeSpan.FromDays(30)), ("pf-aged", "2.0", TimeSpan.FromDays(1)));
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week);

        var install = await PipInstallAsync(proxy, "pf-aged");
        var page = await JsonPageAsync(proxy, "pf-aged");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("Successfully installed pf-aged-1.0", install.Combined);
        Assert.Equal(["pf_aged-1.0-py3-none-any.whl"], FileNames(page));
        Assert.Equal(["1.0"], page.GetProperty("versions").EnumerateArray().Select(static v => v.GetString()));
        Assert.Contains(proxy.Logs.Messages(), static m => m.Contains("held back by the cooldown", StringComparison.Ordinal) && m.Contains("pf_aged-2.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_AllowFresh_entry_lets_that_release_through_with_pip_and_every_use_is_logged()
    {
        await using var upstream = await StartAgedUpstreamAsync(("pf-aged", "1.0", TimeSpan.FromDays(30)), ("pf-aged", "2.0", TimeSpan.FromDays(1)),
            ("pf-aged", "3.0", TimeSpan.FromDays(2)));
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week, "--Upstream:AllowFresh", "other-project pf_Aged==2");

        var install = await PipInstallAsync(proxy, "pf-aged");
        var page = await JsonPageAsync(proxy, "pf-aged");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("Successfully installed pf-aged-2.0", install.Combined); // 3.0 is newer, but still held
        Assert.Equal(["pf_aged-1.0-py3-none-any.whl", "pf_aged-2.0-py3-none-any.whl"], FileNames(page));
        var uses = proxy.Logs.Messages().Where(static m => m.Contains("Upstream:AllowFresh entry 'pf_Aged==2' let pf-aged 2.0 through", StringComparison.Ordinal)).ToList();
        Assert.Contains(uses, static m => m.Contains("its project page", StringComparison.Ordinal));
        Assert.Contains(uses, static m => m.Contains("a download of pf_aged-2.0-py3-none-any.whl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_uploaded_here_is_never_held_while_the_upstream_fresh_one_is()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Old);
        upstream.AddFile(Project, "fake_proj-3.0-py3-none-any.whl");
        upstream.SetUploadTime("fake_proj-3.0-py3-none-any.whl", DateTimeOffset.UtcNow.AddHours(-1));
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week, "--Upstream:AllowMerge", Project);
        var wheel = TestDists.Wheel(TempDirectory.Create("to-upload"), Project, "2.0");

        using var upload = await UploadClient.PostAsync(proxy.Client, UploadClient.Form(wheel, Project, "2.0"));
        var page = await JsonPageAsync(proxy, Project);
        using var download = await proxy.Client.GetAsync("packages/" + Fresh);

        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        Assert.Equal([Old, Fresh], FileNames(page)); // uploaded a moment ago, offered; the hour-old upstream 3.0 is not
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public async Task A_direct_download_of_a_held_file_is_refused_404_saying_when_it_becomes_available()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Fresh);
        var uploaded = new DateTimeOffset(DateTime.UtcNow.AddDays(-1).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        upstream.SetUploadTime(Fresh, uploaded);
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week);

        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}");
        using var metadata = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}.metadata");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("held back by Upstream:MinReleaseAge", body);
        Assert.Contains("until " + Utc(uploaded.AddDays(7)), body);
        Assert.Contains($"{Project}==2.0", body); // what to add to Upstream:AllowFresh
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        Assert.Equal(0, upstream.HitsOn("/files/" + Fresh));
    }

    [Fact]
    public async Task With_MissingUploadTime_hold_a_file_without_an_upload_time_is_held_in_pages_and_downloads()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Old);
        upstream.AddFile(Project, Fresh);
        upstream.SetUploadTime(Fresh, null);
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week, "--Upstream:MissingUploadTime", "hold");

        var page = await JsonPageAsync(proxy, Project);
        using var response = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}");

        Assert.Equal([Old], FileNames(page));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Upstream:MissingUploadTime is hold", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_and_html_pages_offer_the_same_files_under_a_cooldown_and_pass_on_the_project_status()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        string[] names = [Old, Fresh, "fake-proj-2.0.tar.gz", "fake_proj-1.5-py3-none-any.whl"];
        foreach (var name in names)
        {
            upstream.AddFile(Project, name);
        }

        upstream.SetUploadTime(Fresh, DateTimeOffset.UtcNow.AddDays(-3));
        upstream.SetUploadTime("fake-proj-2.0.tar.gz", DateTimeOffset.UtcNow.AddDays(-3));
        upstream.SetUploadTime("fake_proj-1.5-py3-none-any.whl", DateTimeOffset.UtcNow.AddDays(-8));
        upstream.SetStatus(Project, "deprecated", "use other-proj");
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null, "--Upstream:MinReleaseAge", Week);

        var json = await JsonPageAsync(proxy, Project);
        var html = await proxy.Client.GetStringAsync($"simple/{Project}/?format=html");

        Assert.Equal(["fake_proj-1.0-py3-none-any.whl", "fake_proj-1.5-py3-none-any.whl"], FileNames(json));
        Assert.Equal(FileNames(json), await HtmlFileNamesAsync(proxy, Project));
        Assert.Equal("deprecated", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal("use other-proj", json.GetProperty("project-status").GetProperty("reason").GetString());
        Assert.Equal("1.4", json.GetProperty("meta").GetProperty("api-version").GetString());
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"deprecated\">", html);
        Assert.Contains("<meta name=\"pypi:project-status-reason\" content=\"use other-proj\">", html);
        Assert.Contains("<meta name=\"pypi:repository-version\" content=\"1.4\">", html);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_quarantined_upstream_project_serves_no_files(bool htmlUpstream)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, Old);
        upstream.SetStatus(Project, "quarantined", "malware reported");
        upstream.HtmlOnly = htmlUpstream;
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, null);

        var json = await JsonPageAsync(proxy, Project);
        var html = await proxy.Client.GetStringAsync($"simple/{Project}/?format=html");
        using var download = await proxy.Client.GetAsync($"upstream/{Project}/{Old}");

        Assert.Empty(FileNames(json));
        Assert.Empty(await HtmlFileNamesAsync(proxy, Project));
        Assert.Equal("quarantined", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"quarantined\">", html);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("quarantined", await download.Content.ReadAsStringAsync());
        Assert.Contains("malware reported", await download.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.HitsOn("/files/" + Old));
    }

    [Fact]
    public async Task A_wheel_built_here_from_an_upstream_release_shows_the_upload_time_of_its_sdist()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, "fake-proj-1.0.tar.gz");
        var sdistTime = new DateTimeOffset(2023, 5, 6, 7, 8, 9, TimeSpan.Zero);
        upstream.SetUploadTime("fake-proj-1.0.tar.gz", sdistTime);
        var root = TempDirectory.Create("proxy-built");
        var built = TestDists.Wheel(root, Project, "1.0", "cp311-cp311-linux_x86_64");
        Directory.CreateDirectory(Path.Combine(root, ".pypiforge"));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(built)));
        await File.WriteAllTextAsync(Path.Combine(root, ".pypiforge", "built-wheels.txt"), $"{sha256} {Path.GetFileName(built)}\n");
        await using var proxy = await StartProxyAsync(upstream.IndexUrl, root);

        var page = await JsonPageAsync(proxy, Project);

        var wheel = page.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("filename").GetString() == Path.GetFileName(built));
        Assert.Equal("2023-05-06T07:08:09.000000Z", wheel.GetProperty("upload-time").GetString());
    }

    [Theory]
    [InlineData("--Upstream:MinReleaseAge", "-1.00:00:00", "Upstream:MinReleaseAge")]
    [InlineData("--Upstream:MinReleaseAge", "400.00:00:00", "Upstream:MinReleaseAge")]
    [InlineData("--Upstream:MissingUploadTime", "sometimes", "Upstream:MissingUploadTime")]
    [InlineData("--Upstream:AllowFresh", "pf-pure==1.0==2", "Upstream:AllowFresh has 'pf-pure==1.0==2'")]
    [InlineData("--Upstream:AllowFresh", "-bad-name-", "Upstream:AllowFresh has '-bad-name-'")]
    public async Task A_bad_cooldown_setting_stops_start_up_naming_the_key(string key, string value, string message)
    {
        var work = TempDirectory.Create("badcooldown");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", key, value], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"the server started despite {key} {value}");
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(message, server.Output);
        Assert.DoesNotContain("   at ", server.Output);
    }

    [GeneratedRegex(@"<a href=""[^""#]*/([^/""#]+)#sha256=", RegexOptions.CultureInvariant)]
    private static partial Regex Anchor();
}
