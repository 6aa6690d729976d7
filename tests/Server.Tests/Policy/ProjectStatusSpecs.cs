using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;
using PypiForge.Server.Tests.Upstream;

namespace PypiForge.Server.Tests.Policy;

/// <summary>A PEP 792 status set on a local project by an admin (PolicyService.SetProjectStatus): shown in both index
/// formats; a quarantined project lists no files, serves none (404 with the reason), accepts no upload and no built
/// wheel, and pip cannot install it; "active" lifts it; the status survives a restart and wins over the upstream's.</summary>
public sealed partial class ProjectStatusSpecs
{
    private const string Project = "pf-status";
    private const string JsonV1 = "application/vnd.pypi.simple.v1+json";

    private static async Task<(JsonElement Json, string Html)> PagesAsync(ServerHost server, string project = Project)
    {
        using var json = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/");
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonV1));
        using var jsonResponse = await server.Client.SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        using var html = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/");
        html.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var htmlResponse = await server.Client.SendAsync(html);
        return (JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync()).RootElement, await htmlResponse.Content.ReadAsStringAsync());
    }

    private static string[] JsonFiles(JsonElement page) =>
        [.. page.GetProperty("files").EnumerateArray().Select(static f => f.GetProperty("filename").GetString()!).Order(StringComparer.Ordinal)];

    private static string[] HtmlFiles(string html) =>
        [.. Anchor().Matches(html).Select(static m => m.Groups[1].Value).Order(StringComparer.Ordinal)];

    private static async Task<ServerHost> StartWithWheelAsync(string? root = null, params string[] args)
    {
        root ??= TempDirectory.Create("status-root");
        TestDists.Wheel(root, Project, "1.0");
        return await ServerHost.StartAsync(root, args);
    }

    private static Task<ProjectStatusInfo> SetAsync(GrpcChannel channel, string status, string reason = "") =>
        new PolicyService.PolicyServiceClient(channel).SetProjectStatusAsync(new SetProjectStatusRequest { Project = "PF_Status", Status = status, Reason = reason }).ResponseAsync;

    [Fact]
    public async Task A_quarantined_local_project_lists_serves_and_accepts_nothing_and_active_lifts_it()
    {
        await using var server = await StartWithWheelAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        const string wheel = "pf_status-1.0-py3-none-any.whl";

        var set = await SetAsync(channel, "quarantined", "malware reported");
        var (json, html) = await PagesAsync(server);
        using var download = await server.Client.GetAsync("packages/" + wheel);
        using var metadata = await server.Client.GetAsync("packages/" + wheel + ".metadata");
        var newer = TestDists.Wheel(TempDirectory.Create("status-upload"), Project, "2.0");
        using var upload = await UploadClient.PostAsync(server.Client, UploadClient.Form(newer, Project, "2.0"));
        var project = await new PackageService.PackageServiceClient(channel).GetProjectAsync(new GetProjectRequest { Name = Project });
        var python = await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv-status"), "venv"));
        var pip = await PythonClient.PipAsync(python, "install", "--no-cache-dir", "--index-url", server.IndexUrl, Project);

        Assert.Equal(("quarantined", "malware reported"), (set.Status, set.Reason));
        Assert.StartsWith("loopback", set.SetBy, StringComparison.Ordinal);
        Assert.Empty(JsonFiles(json));
        Assert.Empty(json.GetProperty("versions").EnumerateArray());
        Assert.Empty(HtmlFiles(html));
        Assert.Equal("quarantined", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal("malware reported", json.GetProperty("project-status").GetProperty("reason").GetString());
        Assert.Equal("1.4", json.GetProperty("meta").GetProperty("api-version").GetString());
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"quarantined\">", html);
        Assert.Contains("<meta name=\"pypi:project-status-reason\" content=\"malware reported\">", html);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("quarantined here", await download.Content.ReadAsStringAsync());
        Assert.Contains("malware reported", await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Equal("Project is quarantined", upload.ReasonPhrase);
        Assert.Contains("malware reported", await upload.Content.ReadAsStringAsync());
        Assert.False(File.Exists(Path.Combine(server.Root, Path.GetFileName(newer))));
        Assert.Equal(("quarantined", "malware reported"), (project.Status.Status, project.Status.Reason));
        Assert.NotEqual(0, pip.ExitCode);
        Assert.DoesNotContain("Successfully installed", pip.Combined);
        Assert.Contains(server.Logs.Messages(), static m => m.Contains("set the PEP 792 status of pf-status to quarantined (malware reported)", StringComparison.Ordinal));

        var lifted = await SetAsync(channel, "active");
        var (jsonAfter, htmlAfter) = await PagesAsync(server);
        using var downloadAfter = await server.Client.GetAsync("packages/" + wheel);
        var projectAfter = await new PackageService.PackageServiceClient(channel).GetProjectAsync(new GetProjectRequest { Name = Project });

        Assert.Equal("active", lifted.Status);
        Assert.Equal([wheel], JsonFiles(jsonAfter));
        Assert.Equal([wheel], HtmlFiles(htmlAfter));
        Assert.False(jsonAfter.TryGetProperty("project-status", out _));
        Assert.DoesNotContain("pypi:project-status", htmlAfter);
        Assert.Equal(HttpStatusCode.OK, downloadAfter.StatusCode);
        Assert.Equal("active", projectAfter.Status.Status);
    }

    [Fact]
    public async Task A_deprecated_status_is_shown_with_the_files_in_both_formats_and_survives_a_restart()
    {
        var root = TempDirectory.Create("status-restart");
        await using (var first = await StartWithWheelAsync(root))
        {
            using var channel = GrpcChannel.ForAddress(first.GrpcUri!);
            await SetAsync(channel, "deprecated", "use pf-other");
        }

        await using var second = await ServerHost.StartAsync(root);
        var (json, html) = await PagesAsync(second);

        Assert.Equal(["pf_status-1.0-py3-none-any.whl"], JsonFiles(json));
        Assert.Equal(JsonFiles(json), HtmlFiles(html));
        Assert.Equal("deprecated", json.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Contains("<meta name=\"pypi:project-status\" content=\"deprecated\">", html);
        Assert.Contains("<meta name=\"pypi:project-status-reason\" content=\"use pf-other\">", html);
        TempDirectory.Delete(root);
    }

    [Fact]
    public async Task A_wheel_built_for_a_quarantined_project_is_not_published()
    {
        await using var server = await StartWithWheelAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        await SetAsync(channel, "quarantined", "under review");
        var built = TestDists.Wheel(TempDirectory.Create("status-built"), Project, "3.0");
        Assert.True(WheelTag.TryParse("py3-none-any", out var tag));

        var published = await server.Services.GetRequiredService<WheelPublisher>().PublishAsync(new TargetTags("py3-none-any", [tag!]), built, CancellationToken.None);

        Assert.NotEqual(WheelPublishOutcome.Published, published.Outcome);
        Assert.Contains("quarantined here", published.Detail);
        Assert.False(File.Exists(Path.Combine(server.Root, Path.GetFileName(built))));
    }

    [Fact]
    public async Task The_local_status_wins_over_the_upstreams_and_a_local_quarantine_hides_the_upstream_files_too()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.AddFile(Project, "pf_status-0.9-py3-none-any.whl");
        upstream.SetStatus(Project, "deprecated", "upstream says so");
        await using var server = await StartWithWheelAsync(null, "--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:05",
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), "--Upstream:AllowMerge", Project);
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        var (merged, _) = await PagesAsync(server);

        await SetAsync(channel, "archived", "no longer maintained here");
        var (archived, archivedHtml) = await PagesAsync(server);
        await SetAsync(channel, "quarantined");
        var (quarantined, quarantinedHtml) = await PagesAsync(server);
        using var upstreamDownload = await server.Client.GetAsync($"upstream/{Project}/pf_status-0.9-py3-none-any.whl");

        Assert.Equal("deprecated", merged.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal(["pf_status-0.9-py3-none-any.whl", "pf_status-1.0-py3-none-any.whl"], JsonFiles(archived));
        Assert.Equal(JsonFiles(archived), HtmlFiles(archivedHtml));
        Assert.Equal("archived", archived.GetProperty("project-status").GetProperty("status").GetString());
        Assert.Equal("no longer maintained here", archived.GetProperty("project-status").GetProperty("reason").GetString());
        Assert.Empty(JsonFiles(quarantined));
        Assert.Empty(HtmlFiles(quarantinedHtml));
        Assert.Equal("quarantined", quarantined.GetProperty("project-status").GetProperty("status").GetString());
        Assert.False(quarantined.GetProperty("project-status").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NotFound, upstreamDownload.StatusCode);
        Assert.Equal(0, upstream.HitsOn("/files/pf_status-0.9-py3-none-any.whl"));
    }

    [GeneratedRegex(@"<a href=""[^""#]*/([^/""#]+)#sha256=", RegexOptions.CultureInvariant)]
    private static partial Regex Anchor();
}
