using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Tests.Support;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>Another PypiForge on loopback as the upstream, and real pip through the proxy.</summary>
public sealed class UpstreamPipSpecs
{
    private const string PureWheel = "pf_pure-1.0-py2.py3-none-any.whl";

    private static async Task<ServerHost> StartUpstreamAsync(params string[] fixtures)
    {
        var root = TempDirectory.Create("upstream-root");
        foreach (var name in fixtures)
        {
            File.Copy(DistFixtures.Path(name), Path.Combine(root, name));
        }

        return await ServerHost.StartAsync(root);
    }

    private static async Task<ServerHost> StartProxyAsync(ServerHost upstream, string[] local, params string[] more)
    {
        var root = TempDirectory.Create("proxy-root");
        foreach (var name in local)
        {
            File.Copy(DistFixtures.Path(name), Path.Combine(root, name));
        }

        return await ServerHost.StartAsync(root, ["--fallback", "proxy", "--upstream", upstream.IndexUrl,
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), .. more]);
    }

    private static async Task<JsonElement> JsonPageAsync(ServerHost server, string project)
    {
        using var response = await server.Client.GetAsync($"simple/{project}/?format=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static Dictionary<string, JsonElement> FilesOf(JsonElement page) =>
        page.GetProperty("files").EnumerateArray().ToDictionary(static f => f.GetProperty("filename").GetString()!);

    [Fact]
    public async Task The_page_merges_local_and_upstream_files_in_json_and_html_with_upstream_details_passed_through()
    {
        await using var upstream = await StartUpstreamAsync(PureWheel, "pf-pure-1.0.tar.gz");
        await using var proxy = await StartProxyAsync(upstream, ["pf_pure-2.0-py3-none-any.whl", "pf-pure-1.0.tar.gz"], "--Upstream:AllowMerge", "pf-pure");

        var merged = await JsonPageAsync(proxy, "pf-pure");
        var original = FilesOf(await JsonPageAsync(upstream, "pf-pure"))[PureWheel];

        var files = FilesOf(merged);
        Assert.Equal(["pf-pure-1.0.tar.gz", PureWheel, "pf_pure-2.0-py3-none-any.whl"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["1.0", "2.0"], merged.GetProperty("versions").EnumerateArray().Select(static v => v.GetString()));
        Assert.Equal("../../packages/pf-pure-1.0.tar.gz", files["pf-pure-1.0.tar.gz"].GetProperty("url").GetString()); // local wins on a name
        var proxied = files[PureWheel];
        Assert.Equal($"../../upstream/pf-pure/{PureWheel}", proxied.GetProperty("url").GetString());
        foreach (var key in new[] { "hashes", "core-metadata", "size", "upload-time", "yanked" })
        {
            Assert.Equal(original.GetProperty(key).GetRawText(), proxied.GetProperty(key).GetRawText());
        }

        var html = await proxy.Client.GetStringAsync("simple/pf-pure/?format=html");
        Assert.Contains($"href=\"../../upstream/pf-pure/{PureWheel}#sha256={original.GetProperty("hashes").GetProperty("sha256").GetString()}\"", html);
        Assert.Contains("href=\"../../packages/pf_pure-2.0-py3-none-any.whl#sha256=", html);
        Assert.Contains("data-core-metadata=\"sha256=", html);

        var wheel = await proxy.Client.GetByteArrayAsync($"upstream/pf-pure/{PureWheel}");
        var metadata = await proxy.Client.GetByteArrayAsync($"upstream/pf-pure/{PureWheel}.metadata");
        Assert.Equal(await File.ReadAllBytesAsync(DistFixtures.Path(PureWheel)), wheel);
        Assert.Equal(original.GetProperty("core-metadata").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(metadata)));
    }

    [Fact]
    public async Task Pip_installs_a_local_package_and_its_upstream_dependency_through_one_index()
    {
        await using var upstream = await StartUpstreamAsync(PureWheel, "pf_pure-2.0-py3-none-any.whl");
        await using var proxy = await StartProxyAsync(upstream, ["pf_dep-1.0-py2.py3-none-any.whl"]);
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv-upstream"), "venv"));

        var install = await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--index-url", proxy.IndexUrl, "pf-dep");

        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("Successfully installed pf-dep-1.0 pf-pure-1.0", install.Combined);
        Assert.True(proxy.Services.GetRequiredService<UpstreamFileCache>().UpstreamFetches >= 1, "pf-pure did not come through the proxy");
        Assert.DoesNotContain(upstream.BaseUri.Authority, install.Combined); // pip only ever talked to the proxy
    }

    [Fact]
    public async Task In_redirect_mode_an_unknown_project_redirects_to_the_upstream_and_pip_follows()
    {
        await using var upstream = await StartUpstreamAsync(PureWheel);
        await using var proxy = await ServerHost.StartAsync(null, "--fallback", "redirect", "--upstream", upstream.IndexUrl);

        using var response = await proxy.Client.GetAsync("simple/pf-pure/");
        var target = TempDirectory.Create("dl-redirect");
        var download = await PythonClient.PipAsync(PythonInterpreter.System.Path, "download", "--no-cache-dir", "--no-deps",
            "--index-url", proxy.IndexUrl, "-d", target, "pf-pure");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(upstream.IndexUrl + "pf-pure/", response.Headers.Location?.ToString());
        Assert.True(download.ExitCode == 0, download.Combined);
        Assert.True(File.Exists(Path.Combine(target, PureWheel)), download.Combined);
    }

    [Fact]
    public async Task A_project_uploaded_here_is_not_merged_with_the_upstream_project_of_that_name()
    {
        await using var upstream = await StartUpstreamAsync(PureWheel);
        TestDists.Wheel(upstream.Root, "pf-dep", "9.0");
        Assert.True(await ServerHost.EventuallyAsync(async () => (await upstream.Client.GetAsync("simple/pf-dep/")).IsSuccessStatusCode));
        await using var proxy = await StartProxyAsync(upstream, ["pf_dep-1.0-py2.py3-none-any.whl"]);

        var page = await JsonPageAsync(proxy, "pf-dep");
        using var download = await proxy.Client.GetAsync("upstream/pf-dep/pf_dep-9.0-py3-none-any.whl");
        var other = await JsonPageAsync(proxy, "pf-pure");

        Assert.Equal(["pf_dep-1.0-py2.py3-none-any.whl"], FilesOf(page).Keys);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("private project", await download.Content.ReadAsStringAsync());
        Assert.Equal([PureWheel], FilesOf(other).Keys); // projects that are not here still come through
    }

    [Fact]
    public async Task A_project_whose_local_files_were_all_built_here_is_merged_with_the_upstream()
    {
        await using var upstream = await StartUpstreamAsync(PureWheel);
        TestDists.Wheel(upstream.Root, "pf-dep", "9.0");
        Assert.True(await ServerHost.EventuallyAsync(async () => (await upstream.Client.GetAsync("simple/pf-dep/")).IsSuccessStatusCode));
        var root = TempDirectory.Create("proxy-built");
        var local = "pf_dep-1.0-py2.py3-none-any.whl";
        File.Copy(DistFixtures.Path(local), Path.Combine(root, local));
        // What the build agent's publisher records for every wheel it publishes.
        Directory.CreateDirectory(Path.Combine(root, ".pypiforge"));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(DistFixtures.Path(local))));
        await File.WriteAllTextAsync(Path.Combine(root, ".pypiforge", "built-wheels.txt"), $"{sha256} {local}\n");
        await using var proxy = await ServerHost.StartAsync(root, "--fallback", "proxy", "--upstream", upstream.IndexUrl,
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"));

        var page = await JsonPageAsync(proxy, "pf-dep");

        Assert.Equal([local, "pf_dep-9.0-py3-none-any.whl"], FilesOf(page).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_upstream_release_with_only_an_sdist_is_built_here_for_a_configured_target_and_merged()
    {
        await using var upstream = await StartUpstreamAsync("pf-cext-1.0.tar.gz");
        foreach (var backend in await EndToEnd.PipServerFixture.BuildBackendWheelsAsync())
        {
            File.Copy(backend, Path.Combine(upstream.Root, Path.GetFileName(backend)));
        }

        const string target = "cp311-cp311-linux_x86_64";
        await using var proxy = await StartProxyAsync(upstream, [], "--Queue:EmbeddedAgent", "true", "--Agent:Interpreters:0", "python3",
            "--Upstream:BuildTargets", target);
        var scheduler = proxy.Services.GetRequiredService<PypiForge.Server.Builds.BuildScheduler>();
        var records = proxy.Services.GetRequiredService<PypiForge.Server.Builds.BuildRecords>();
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(scheduler.Targets().Any(t => t.Name == target)), TimeSpan.FromSeconds(30)),
            "the embedded agent did not register " + target);

        await JsonPageAsync(proxy, "pf-cext");
        JsonElement page = default;
        var built = await ServerHost.EventuallyAsync(async () =>
        {
            page = await JsonPageAsync(proxy, "pf-cext");
            return FilesOf(page).ContainsKey("pf_cext-1.0-cp311-cp311-linux_x86_64.whl");
        }, TimeSpan.FromMinutes(3));
        await JsonPageAsync(proxy, "pf-cext");

        Assert.True(built, string.Join('\n', proxy.Logs.Messages()));
        Assert.Contains("pf-cext-1.0.tar.gz", FilesOf(page).Keys); // the built wheel is merged with the upstream's files
        Assert.Single(records.List(state: null, project: null, skip: 0, take: int.MaxValue)); // requested once, however often the page is read
    }
}
