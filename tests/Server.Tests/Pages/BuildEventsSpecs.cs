using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Builds;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Pages;

/// <summary><c>/builds/&lt;id&gt;/events</c> over real HTTP, for a build whose record the test drives: the state first (with
/// the log so far), each line as it is logged, and the end when the build ends, after which the response ends.</summary>
public sealed class BuildEventsSpecs
{
    private const string Target = "cp311-cp311-linux_x86_64";

    [Fact]
    public async Task A_watcher_gets_the_state_then_lines_as_they_come_then_the_end_and_the_stream_closes()
    {
        await using var server = await ServerHost.StartAsync();
        var records = server.Services.GetRequiredService<BuildRecords>();
        records.Open(new NewBuild("events000001", ["pf-pure==1.0"], false, false, null, "events000001", [(Target, Path.Combine(server.Root, "x.log"), null)]));
        Assert.NotNull(records.Begin("events000001", Target, remote: false));
        records.AppendLog("events000001", Target, "before <b>the page</b> opened");

        using var response = await server.Client.GetAsync("builds/events000001/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var state = await NextEventAsync(reader);
        Assert.Equal("state", state.Name);
        Assert.Contains("\"state\":\"running\"", state.Data);
        var target = System.Text.Json.JsonDocument.Parse(state.Data).RootElement.GetProperty("targets")[0];
        Assert.Equal(["before <b>the page</b> opened"], target.GetProperty("tail").EnumerateArray().Select(static l => l.GetString()));
        Assert.DoesNotContain("<b>", state.Data);

        records.AppendLog("events000001", Target, "while it runs");
        var line = await NextEventAsync(reader);
        Assert.Equal(("line", $"{{\"target\":\"{Target}\",\"line\":\"while it runs\"}}"), line);

        Assert.True(records.Complete("events000001", Target, new TargetOutcome(TargetState.Succeeded, null, [], [], TimeSpan.FromSeconds(1))));
        var last = await NextEventAsync(reader);
        Assert.Equal("state", last.Name);
        Assert.Contains("\"state\":\"succeeded\"", last.Data);
        Assert.Equal(("end", "{}"), await NextEventAsync(reader));
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task A_finished_builds_stream_is_its_state_and_the_end()
    {
        await using var server = await ServerHost.StartAsync();
        var records = server.Services.GetRequiredService<BuildRecords>();
        records.Open(new NewBuild("events000002", ["pf-pure==1.0"], false, false, null, "events000002", [(Target, Path.Combine(server.Root, "x.log"), null)]));
        records.Begin("events000002", Target, remote: false);
        records.Complete("events000002", Target, new TargetOutcome(TargetState.Failed, "pip wheel exited with 1", [], [], TimeSpan.FromSeconds(1)));

        var text = await server.Client.GetStringAsync("builds/events000002/events");
        Assert.StartsWith("event: state\n", text);
        Assert.EndsWith("event: end\ndata: {}\n\n", text);
    }

    [Fact]
    public async Task A_watcher_that_goes_away_is_let_go_before_the_build_ends()
    {
        var records = new BuildRecords(new MemoryBuildStore(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<BuildRecords>.Instance);
        records.Open(new NewBuild("events000003", ["pf-pure==1.0"], false, false, null, "events000003", [(Target, "/nonexistent/x.log", null)]));
        var watcher = records.Watch("events000003")!;
        Assert.True(watcher.TryRead(out var first) && first.Build is not null);
        records.AppendLog("events000003", Target, "told to the watcher");
        Assert.True(watcher.TryRead(out var told) && told.Line?.Line == "told to the watcher");

        records.Unwatch("events000003", watcher);
        records.AppendLog("events000003", Target, "told to nobody");
        Assert.False(watcher.TryRead(out _));
        await watcher.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<(string Name, string Data)> NextEventAsync(StreamReader reader)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var name = (await reader.ReadLineAsync(limit.Token))!;
        var data = (await reader.ReadLineAsync(limit.Token))!;
        Assert.Equal(string.Empty, await reader.ReadLineAsync(limit.Token));
        return (name["event: ".Length..], data["data: ".Length..]);
    }
}
