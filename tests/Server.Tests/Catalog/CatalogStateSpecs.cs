using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>A damaged state file (<c>.pypiforge/catalog.json</c>) never stops the server: what cannot be used is
/// skipped with a logged reason, and the files are read again.</summary>
public sealed class CatalogStateSpecs
{
    [Theory]
    [InlineData("null")]
    [InlineData("""{"path":null,"size":1,"lastWriteTicks":0,"uploadTime":"2024-01-01T00:00:00+00:00"}""")]
    [InlineData("""{"size":1,"lastWriteTicks":0}""")]
    [InlineData("""{"path":"","size":1}""")]
    public async Task An_entry_without_a_path_is_skipped_and_the_rest_of_the_state_is_kept(string entry)
    {
        var root = TempDirectory.Create("state-entry");
        TestDists.Wheel(root, "kept", "1.0");
        await using (await ServerHost.StartAsync(root))
        {
        }

        var stateFile = Path.Combine(root, ".pypiforge", "catalog.json");
        var state = JsonNode.Parse(await File.ReadAllTextAsync(stateFile))!;
        state["files"]!.AsArray().Insert(0, JsonNode.Parse(entry));
        await File.WriteAllTextAsync(stateFile, state.ToJsonString());

        await using var server = await ServerHost.StartAsync(root);
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m => m.Contains("1 entries without a path", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Messages(), m => m.Contains("0 inspected, 1 reused", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("simple/kept/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("packages/kept-1.0-py3-none-any.whl")).StatusCode);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"version":1,"files":null}""")]
    [InlineData("""{"version":1,"files":[{"path":"kept-1.0-py3-none-any.whl","size":"big"}]}""")]
    public async Task A_state_file_that_cannot_be_used_means_every_file_is_read_again(string content)
    {
        var root = TempDirectory.Create("state-file");
        TestDists.Wheel(root, "kept", "1.0");
        Directory.CreateDirectory(Path.Combine(root, ".pypiforge"));
        await File.WriteAllTextAsync(Path.Combine(root, ".pypiforge", "catalog.json"), content);

        await using var server = await ServerHost.StartAsync(root);
        Assert.Contains(server.Logs.Messages(), m => m.Contains("1 inspected, 0 reused", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("packages/kept-1.0-py3-none-any.whl")).StatusCode);
    }
}
