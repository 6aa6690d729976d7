using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.Extensions.Time.Testing;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>The cooldown on the server's clock (a FakeTimeProvider; pip runs in real time): a held release appears when
/// its time comes, without a restart; a fresh allowance granted over gRPC lets it through at once, and a revoke or its
/// expiry holds it again; allowances outlive a restart. The uv-style (JSON) and pip-style (HTML) pages always agree.</summary>
public sealed partial class CooldownClockSpecs
{
    private const string Project = "pf-clock";
    private const string Old = "pf_clock-1.0-py3-none-any.whl";
    private const string Fresh = "pf_clock-2.0-py3-none-any.whl";
    private const string Week = "7.00:00:00";
    private const string JsonV1 = "application/vnd.pypi.simple.v1+json";

    /// <summary>A fake upstream with real wheels of pf-clock: 1.0 uploaded 30 days before <paramref name="now"/>, 2.0 one day before.</summary>
    private static async Task<FakeUpstream> StartUpstreamAsync(DateTimeOffset now)
    {
        var upstream = await FakeUpstream.StartAsync();
        var folder = TempDirectory.Create("clock-wheels");
        foreach (var (version, age) in new[] { ("1.0", TimeSpan.FromDays(30)), ("2.0", TimeSpan.FromDays(1)) })
        {
            var wheel = TestDists.Wheel(folder, Project, version);
            upstream.AddFile(Project, Path.GetFileName(wheel), await File.ReadAllBytesAsync(wheel));
            upstream.SetUploadTime(Path.GetFileName(wheel), now - age);
        }

        return upstream;
    }

    private static Task<ServerHost> StartProxyAsync(FakeTimeProvider time, FakeUpstream upstream, string? root = null, params string[] more) =>
        ServerHost.StartWithClockAsync(time, root, ["--fallback", "proxy", "--upstream", upstream.IndexUrl, "--Upstream:Timeout", "00:00:05",
            "--Upstream:CacheDirectory", TempDirectory.Create("upstream-cache"), "--Upstream:MinReleaseAge", Week, .. more]);

    /// <summary>The files offered as uv asks (JSON by Accept) and as pip asks (HTML), checked to agree.</summary>
    private static async Task<string[]> OfferedAsync(ServerHost server, string project = Project)
    {
        using var json = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/");
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonV1));
        using var jsonResponse = await server.Client.SendAsync(json);
        Assert.Equal(JsonV1, jsonResponse.Content.Headers.ContentType?.MediaType);
        var page = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync()).RootElement;
        string[] fromJson = [.. page.GetProperty("files").EnumerateArray().Select(static f => f.GetProperty("filename").GetString()!).Order(StringComparer.Ordinal)];

        using var html = new HttpRequestMessage(HttpMethod.Get, $"simple/{project}/");
        html.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var htmlResponse = await server.Client.SendAsync(html);
        Assert.Equal("text/html", htmlResponse.Content.Headers.ContentType?.MediaType);
        string[] fromHtml = [.. Anchor().Matches(await htmlResponse.Content.ReadAsStringAsync()).Select(static m => m.Groups[1].Value).Order(StringComparer.Ordinal)];

        Assert.Equal(fromJson, fromHtml);
        return fromJson;
    }

    private static async Task<string> VenvAsync() =>
        await PythonClient.CreateVenvAsync(PythonInterpreter.System, Path.Combine(TempDirectory.Create("venv-clock"), "venv"));

    private static Task<ProcessResult> PipInstallAsync(string python, ServerHost proxy, string requirement) =>
        PythonClient.PipAsync(python, "install", "--no-cache-dir", "--upgrade", "--index-url", proxy.IndexUrl, requirement);

    private static PolicyService.PolicyServiceClient Policy(GrpcChannel channel) => new(channel);

    [Fact]
    public async Task A_one_day_old_release_is_hidden_by_a_7_day_cooldown_and_pip_installs_it_once_the_clock_passes_7_days_without_a_restart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await StartUpstreamAsync(time.GetUtcNow());
        await using var proxy = await StartProxyAsync(time, upstream);
        var python = await VenvAsync();

        var before = await PipInstallAsync(python, proxy, Project);
        var offeredBefore = await OfferedAsync(proxy);
        using var refused = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}");
        time.Advance(TimeSpan.FromDays(5) + TimeSpan.FromHours(23)); // 6 days 23 hours old: an hour to go
        var offeredAlmost = await OfferedAsync(proxy);
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1)); // past 7 days since the test began
        var offeredAfter = await OfferedAsync(proxy);
        var after = await PipInstallAsync(python, proxy, Project);

        Assert.True(before.ExitCode == 0, before.Combined);
        Assert.Contains("Successfully installed pf-clock-1.0", before.Combined);
        Assert.Equal([Old], offeredBefore);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal([Old], offeredAlmost);
        Assert.Equal([Old, Fresh], offeredAfter);
        Assert.True(after.ExitCode == 0, after.Combined);
        Assert.Contains("Successfully installed pf-clock-2.0", after.Combined);
    }

    [Fact]
    public async Task A_local_upload_is_never_held_while_the_upstream_release_of_the_same_day_is()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await StartUpstreamAsync(time.GetUtcNow());
        await using var proxy = await StartProxyAsync(time, upstream, null, "--Upstream:AllowMerge", Project);
        var wheel = TestDists.Wheel(TempDirectory.Create("clock-upload"), Project, "3.0");

        using var upload = await UploadClient.PostAsync(proxy.Client, UploadClient.Form(wheel, Project, "3.0"));
        var offered = await OfferedAsync(proxy);
        var install = await PipInstallAsync(await VenvAsync(), proxy, Project);

        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        Assert.Equal([Old, "pf_clock-3.0-py3-none-any.whl"], offered);
        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("Successfully installed pf-clock-3.0", install.Combined);
    }

    [Fact]
    public async Task A_fresh_allowance_granted_over_gRPC_lets_pip_install_the_release_at_once_and_a_revoke_hides_it_again_all_logged_with_who_and_why()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await StartUpstreamAsync(time.GetUtcNow());
        await using var proxy = await StartProxyAsync(time, upstream, null, "--Upstream:AllowFresh", "other-project");
        using var channel = GrpcChannel.ForAddress(proxy.GrpcUri!);
        var python = await VenvAsync();
        var heldFirst = await OfferedAsync(proxy);

        var granted = await Policy(channel).AllowFreshAsync(new AllowFreshRequest { Project = "PF_Clock", Version = "2.0", Reason = "fixes CVE-2026-0001" });
        var offered = await OfferedAsync(proxy);
        var install = await PipInstallAsync(python, proxy, Project);
        var listed = await Policy(channel).ListAllowFreshAsync(new ListAllowFreshRequest());
        await Policy(channel).RevokeAllowFreshAsync(new RevokeAllowFreshRequest { Id = granted.Id });
        var offeredAfterRevoke = await OfferedAsync(proxy);
        using var refused = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}");
        var listedAfterRevoke = await Policy(channel).ListAllowFreshAsync(new ListAllowFreshRequest());

        Assert.Equal([Old], heldFirst);
        Assert.Equal("pf-clock", granted.Project);
        Assert.Equal("2.0", granted.Version);
        Assert.StartsWith("loopback", granted.AllowedBy, StringComparison.Ordinal);
        Assert.Null(granted.Expires);
        Assert.Equal([Old, Fresh], offered);
        Assert.True(install.ExitCode == 0, install.Combined);
        Assert.Contains("Successfully installed pf-clock-2.0", install.Combined);
        Assert.Equal(2, listed.Allowances.Count);
        Assert.Contains(listed.Allowances, static a => a.Project == "other-project" && a.AllowedBy == "configuration" && a.Id.Length == 0);
        Assert.Contains(listed.Allowances, a => a.Id == granted.Id && a.Reason == "fixes CVE-2026-0001");
        Assert.Equal([Old], offeredAfterRevoke);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(["other-project"], listedAfterRevoke.Allowances.Select(static a => a.Project));

        var logs = proxy.Logs.Messages().ToList();
        Assert.Contains(logs, m => m.StartsWith("loopback", StringComparison.Ordinal) && m.Contains("let pf-clock==2.0 through the upstream cooldown (until revoked), because: fixes CVE-2026-0001", StringComparison.Ordinal)
            && m.Contains(granted.Id, StringComparison.Ordinal));
        var uses = logs.Where(m => m.StartsWith($"Fresh allowance {granted.Id} 'pf-clock==2.0' let pf-clock 2.0 through the cooldown", StringComparison.Ordinal)
            && m.Contains("allowed by loopback", StringComparison.Ordinal) && m.Contains("because: fixes CVE-2026-0001", StringComparison.Ordinal)).ToList();
        Assert.Contains(uses, static m => m.Contains("for its project page", StringComparison.Ordinal));
        Assert.Contains(uses, static m => m.Contains("for a download of " + Fresh, StringComparison.Ordinal));
        Assert.Contains(logs, m => m.Contains($"revoked fresh allowance {granted.Id} for pf-clock==2.0", StringComparison.Ordinal) && m.Contains("fixes CVE-2026-0001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_allowance_with_an_expiry_stops_letting_the_release_through_when_the_server_clock_passes_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await StartUpstreamAsync(time.GetUtcNow());
        await using var proxy = await StartProxyAsync(time, upstream);
        using var channel = GrpcChannel.ForAddress(proxy.GrpcUri!);

        var granted = await Policy(channel).AllowFreshAsync(new AllowFreshRequest
        {
            Project = Project, Reason = "hotfix", ExpiresAfter = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
        });
        var offered = await OfferedAsync(proxy);
        time.Advance(TimeSpan.FromHours(1));
        var offeredStill = await OfferedAsync(proxy);
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var offeredAfter = await OfferedAsync(proxy);
        using var refused = await proxy.Client.GetAsync($"upstream/{Project}/{Fresh}");
        var listed = await Policy(channel).ListAllowFreshAsync(new ListAllowFreshRequest());

        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(1), granted.Expires.ToDateTimeOffset());
        Assert.Equal([Old, Fresh], offered);
        Assert.Equal([Old, Fresh], offeredStill);
        Assert.Equal([Old], offeredAfter);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Empty(listed.Allowances);
    }

    [Fact]
    public async Task An_allowance_survives_a_server_restart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await StartUpstreamAsync(time.GetUtcNow());
        var root = TempDirectory.Create("clock-restart");
        string id;
        await using (var first = await StartProxyAsync(time, upstream, root))
        {
            using var channel = GrpcChannel.ForAddress(first.GrpcUri!);
            id = (await Policy(channel).AllowFreshAsync(new AllowFreshRequest { Project = Project, Version = "2", Reason = "needed today" })).Id;
        }

        await using var second = await StartProxyAsync(time, upstream, root);
        using var again = GrpcChannel.ForAddress(second.GrpcUri!);
        var listed = await Policy(again).ListAllowFreshAsync(new ListAllowFreshRequest());
        var offered = await OfferedAsync(second);

        Assert.Equal([Old, Fresh], offered);
        var allowance = Assert.Single(listed.Allowances);
        Assert.Equal((id, "pf-clock", "2", "needed today"), (allowance.Id, allowance.Project, allowance.Version, allowance.Reason));
        Assert.True(File.Exists(Path.Combine(root, ".pypiforge", "allow-fresh.json")));
        TempDirectory.Delete(root);
    }

    [GeneratedRegex(@"<a href=""[^""#]*/([^/""#]+)#sha256=", RegexOptions.CultureInvariant)]
    private static partial Regex Anchor();
}
