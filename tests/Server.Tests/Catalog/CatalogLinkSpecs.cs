using System.Net;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>Symbolic links are never indexed nor served, whichever path sees them: the start-up walk, the watcher,
/// or a download of a file that was swapped for a link after it was indexed.</summary>
public sealed class CatalogLinkSpecs
{
    private static readonly TimeSpan PastSettle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Links_dropped_into_a_running_server_are_left_out_with_a_reason()
    {
        await using var server = await ServerHost.StartAsync();
        var outside = TestDists.Wheel(TempDirectory.Create("outside"), "escaped", "1.0");
        var inside = TestDists.Wheel(Path.Combine(server.Root, ".stash"), "aliased", "1.0");
        File.CreateSymbolicLink(Path.Combine(server.Root, "escaped-1.0-py3-none-any.whl"), outside);
        File.CreateSymbolicLink(Path.Combine(server.Root, "aliased-1.0-py3-none-any.whl"), inside);
        TestDists.Wheel(server.Root, "control", "1.0");

        // The real file proves the watcher ran; each link has settled once it is either refused (logged) or served.
        Assert.True(await ServerHost.EventuallyAsync(
            async () => (await server.Client.GetAsync("simple/control/")).StatusCode == HttpStatusCode.OK
                && await SettledAsync(server, "escaped") && await SettledAsync(server, "aliased"),
            PastSettle));

        foreach (var project in new[] { "escaped", "aliased" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"simple/{project}/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"packages/{project}-1.0-py3-none-any.whl")).StatusCode);
            Assert.Single(LinkWarnings(server, project));
        }
    }

    [Fact]
    public async Task Links_present_at_start_are_left_out_and_logged_once_across_restarts()
    {
        var root = TempDirectory.Create("links-at-start");
        var outsideFolder = TempDirectory.Create("outside-folder");
        TestDists.Wheel(root, "real", "1.0");
        File.CreateSymbolicLink(Path.Combine(root, "escaped-1.0-py3-none-any.whl"), TestDists.Wheel(outsideFolder, "escaped", "1.0"));
        TestDists.Wheel(outsideFolder, "folded", "1.0");
        Directory.CreateSymbolicLink(Path.Combine(root, "linked"), outsideFolder);

        await using (var server = await ServerHost.StartAsync(root))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("simple/real/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("simple/escaped/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("simple/folded/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("packages/escaped-1.0-py3-none-any.whl")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("packages/linked/folded-1.0-py3-none-any.whl")).StatusCode);
            Assert.Single(LinkWarnings(server, "escaped"));
            Assert.Contains("\"rejected\":1", await server.Client.GetStringAsync("health"));
        }

        await using var again = await ServerHost.StartAsync(root);
        Assert.Empty(LinkWarnings(again, "escaped"));
        Assert.Contains("\"rejected\":1", await again.Client.GetStringAsync("health"));
    }

    [Fact]
    public async Task A_served_file_swapped_for_a_link_is_not_downloadable()
    {
        var root = TempDirectory.Create("swap");
        var served = TestDists.Wheel(root, "swapped", "1.0");
        var outside = TestDists.Wheel(TempDirectory.Create("swap-outside"), "swapped", "1.0", requiresPython: ">=3.99");
        await using var server = await ServerHost.StartAsync(root);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("packages/swapped-1.0-py3-none-any.whl")).StatusCode);

        // Asked at once, before the watcher settles: the download itself must refuse the link.
        File.Delete(served);
        File.CreateSymbolicLink(served, outside);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("packages/swapped-1.0-py3-none-any.whl")).StatusCode);

        Assert.True(await ServerHost.EventuallyAsync(
            async () => (await server.Client.GetAsync("simple/swapped/")).StatusCode == HttpStatusCode.NotFound, PastSettle));
        Assert.Single(LinkWarnings(server, "swapped"));
    }

    private static async Task<bool> SettledAsync(ServerHost server, string project) =>
        LinkWarnings(server, project).Any() || (await server.Client.GetAsync($"simple/{project}/")).StatusCode == HttpStatusCode.OK;

    private static IEnumerable<string> LinkWarnings(ServerHost server, string project) =>
        server.Logs.Messages(LogLevel.Warning).Where(m =>
            m.Contains($"{project}-1.0-py3-none-any.whl", StringComparison.Ordinal) && m.Contains("symbolic link", StringComparison.Ordinal));
}
