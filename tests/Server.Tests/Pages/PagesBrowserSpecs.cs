using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.V1;
using PypiForge.Server.Catalog;
using PypiForge.Server.Files;
using PypiForge.Server.Tests.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Pages;

/// <summary>The pages in a real headless Chromium against a real server with its embedded python3 agent: search, a
/// project's matrix after a real build, a build's log arriving while pip runs, and a hostile project whose metadata
/// and build log carry markup.</summary>
public sealed class PagesBrowserSpecs : IClassFixture<PagesBrowserSpecs.Fixture>
{
    private const string Hostile = "<script>window.__pwned=1</script>";
    private const string HostileImage = "<img src=x onerror=\"window.__pwned=2\">";
    private readonly Fixture fixture;

    public PagesBrowserSpecs(Fixture fixture) => this.fixture = fixture;

    [Fact]
    public async Task A_person_searches_opens_a_project_and_watches_its_build_log_arrive_then_sees_the_wheel_in_the_matrix()
    {
        var server = fixture.Server;
        var build = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-live==1.0" } });
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(fixture.Gate.Connections > 0), TimeSpan.FromMinutes(2)), "setup.py never started");

        var live = await BrowserScript.RunAsync("live", new { build = new Uri(server.Host.BaseUri, "builds/" + build.Id).ToString(), screenshots = BrowserScript.Screenshots }, e =>
        {
            // The page is open while setup.py waits at the gate: now let the build go on.
            if (e.GetProperty("event").GetString() == "opened")
            {
                fixture.Gate.Answer = "go";
            }

            return Task.CompletedTask;
        });

        var opened = live.GetProperty("opened");
        Assert.True(opened.GetProperty("streaming").GetBoolean(), live.ToString());
        Assert.Equal("running", opened.GetProperty("state").GetString());
        Assert.DoesNotContain("Successfully built pf-live", opened.GetProperty("log").GetString());
        Assert.Contains("Successfully built pf-live", live.GetProperty("liveText").GetString());
        Assert.Equal("succeeded", live.GetProperty("finalState").GetString());
        Assert.Contains("Successfully built pf-live", live.GetProperty("log").GetString());

        var browse = await BrowserScript.RunAsync("browse", new { @base = server.Host.BaseUri.ToString(), query = "pf-li", project = "pf-live", screenshots = BrowserScript.Screenshots });
        Assert.Contains(browse.GetProperty("results").EnumerateArray(), r => r.GetProperty("href").GetString() == "/project/pf-live/");
        Assert.EndsWith("/project/pf-live/", browse.GetProperty("url").GetString());
        Assert.Equal($"pip install --index-url {server.Host.IndexUrl} pf-live", browse.GetProperty("pip").GetString());
        var release = Assert.Single(browse.GetProperty("cells").EnumerateArray());
        Assert.Equal("1.0", release.GetProperty("release").GetString());
        var cell = Assert.Single(release.GetProperty("cells").EnumerateArray());
        Assert.Equal(BuildServer.Cp311, cell.GetProperty("target").GetString());
        Assert.Equal("cell-served", cell.GetProperty("kind").GetString());
        Assert.Equal("/packages/pf_live-1.0-py3-none-any.whl", cell.GetProperty("href").GetString());
    }

    [Fact]
    public async Task A_hostile_projects_metadata_and_build_log_show_as_text_and_run_nothing()
    {
        var server = fixture.Server;
        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-hostile==1.0" } });
        var build = await server.WaitForEndAsync(requested.Id);
        Assert.Equal(BuildState.Failed, build.State);

        // Uploader and yank reason as an upload and a yank would record them.
        var catalog = server.Host.Services.GetRequiredService<PackageCatalog>();
        var wheel = catalog.Current.Projects["pf-hostile"].Files.Single(f => f.FileName.EndsWith(".whl", StringComparison.Ordinal));
        await server.Host.Services.GetRequiredService<PackageManager>().SetYankedAsync([wheel], Hostile, CancellationToken.None);
        catalog.Apply([catalog.Current.FilesByPath[wheel.RelativePath] with { UploadedBy = HostileImage }], []);

        var urls = new Dictionary<string, string>
        {
            ["project"] = new Uri(server.Host.BaseUri, "project/pf-hostile/").ToString(),
            ["build"] = new Uri(server.Host.BaseUri, "builds/" + build.Id).ToString(),
            ["builds"] = new Uri(server.Host.BaseUri, "builds/?project=pf-hostile").ToString(),
        };
        foreach (var url in urls.Values)
        {
            var html = await server.Host.Client.GetStringAsync(url);
            Assert.DoesNotContain("<script>window", html);
            Assert.DoesNotContain("<img", html);
            Assert.DoesNotContain("<b>bold", html);
        }

        var projectHtml = await server.Host.Client.GetStringAsync(urls["project"]);
        Assert.Contains(HtmlEncoder.Default.Encode(HostileImage), projectHtml);
        Assert.Contains(HtmlEncoder.Default.Encode("yanked: " + Hostile), projectHtml);
        Assert.Contains("class=\"cell-failed\"", projectHtml);

        var seen = await BrowserScript.RunAsync("hostile", new { urls, screenshots = BrowserScript.Screenshots });
        Assert.Empty(seen.GetProperty("dialogs").EnumerateArray());
        Assert.Empty(seen.GetProperty("violations").EnumerateArray());
        foreach (var page in seen.GetProperty("pages").EnumerateArray())
        {
            var name = page.GetProperty("name").GetString();
            Assert.True(page.GetProperty("pwned").ValueKind == JsonValueKind.Null, name + ": a script ran");
            Assert.Equal(0, page.GetProperty("images").GetInt32());
            Assert.Equal(0, page.GetProperty("bold").GetInt32());
            Assert.Equal(["/-/pages/site.js"], page.GetProperty("scripts").EnumerateArray().Select(static s => s.GetString()));
        }

        var text = seen.GetProperty("pages").EnumerateArray().ToDictionary(static p => p.GetProperty("name").GetString()!, static p => p.GetProperty("text").GetString()!);
        Assert.Contains(HostileImage, text["project"]);
        Assert.Contains(Hostile, text["project"]);
        Assert.Contains(Hostile, text["build"]);
        Assert.Contains("<b>bold</b> failure", text["build"]);
    }

    /// <summary>One server with its python3 agent for the class: pf-live (its setup.py waits at a gate) and pf-hostile
    /// (its setup.py prints markup and fails), plus a pf-hostile wheel to yank.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public BuildGate Gate { get; } = new("wait");

        public BuildServer Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var staging = TempDirectory.Create("pages-browser");
            var liveSetup = $$"""
                import time
                from setuptools import setup
                while {{Gate.Knock()}} == "wait":
                    time.sleep(0.2)
                setup(name="pf-live", version="1.0", py_modules=[])
                """;
            var hostileSetup = """
                import sys
                print('<script>window.__pwned=1</script>', flush=True)
                print('<img src=x onerror="window.__pwned=2">', file=sys.stderr, flush=True)
                raise SystemExit('<b>bold</b> failure <script>window.__pwned=1</script>')
                """;
            Server = await BuildServer.StartAsync([
                TestDists.Sdist(staging, "pf-live-1.0", "pf-live", "1.0", setupPy: liveSetup),
                TestDists.Sdist(staging, "pf-hostile-1.0", "pf-hostile", "1.0", setupPy: hostileSetup),
                TestDists.Wheel(staging, "pf-hostile", "0.9"),
            ]);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Gate.Dispose();
        }
    }
}
