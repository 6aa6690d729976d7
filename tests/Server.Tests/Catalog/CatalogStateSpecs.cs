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

    [Fact]
    public async Task A_damaged_metadata_pack_record_is_read_again_from_the_wheel_and_the_right_metadata_served()
    {
        var root = TempDirectory.Create("state-pack");
        var wheel = Path.GetFileName(TestDists.Wheel(root, "packed", "1.0", requiresPython: ">=3.8"));
        await using (await ServerHost.StartAsync(root))
        {
        }

        var pack = Path.Combine(root, ".pypiforge", "metadata.pack");
        var damaged = await File.ReadAllBytesAsync(pack);
        Array.Fill(damaged, (byte)'X');
        await File.WriteAllBytesAsync(pack, damaged);

        await using var server = await ServerHost.StartAsync(root);
        var metadata = await server.Client.GetStringAsync($"packages/{wheel}.metadata");

        Assert.Equal(TestDists.Metadata("packed", "1.0", ">=3.8"), metadata);
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m => m.Contains(wheel, StringComparison.Ordinal) && m.Contains("did not match its sha256", StringComparison.Ordinal));
        Assert.Equal(TestDists.Metadata("packed", "1.0", ">=3.8"), await server.Client.GetStringAsync($"packages/{wheel}.metadata"));
        TempDirectory.Delete(root);
    }

    [Fact]
    public async Task An_edited_sha256_in_the_state_file_is_noticed_at_start_and_the_file_hashed_again()
    {
        var root = TempDirectory.Create("state-edited");
        var path = TestDists.Wheel(root, "edited", "1.0");
        await using (await ServerHost.StartAsync(root))
        {
        }

        var stateFile = Path.Combine(root, ".pypiforge", "catalog.json");
        var state = JsonNode.Parse(await File.ReadAllTextAsync(stateFile))!;
        state["files"]![0]!["sha256"] = new string('0', 64);
        await File.WriteAllTextAsync(stateFile, state.ToJsonString());

        await using var server = await ServerHost.StartAsync(root);
        var page = JsonNode.Parse(await server.Client.GetStringAsync("simple/edited/?format=json"))!;

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(path))),
            page["files"]![0]!["hashes"]!["sha256"]!.GetValue<string>());
        Assert.Contains(server.Logs.Messages(LogLevel.Warning), m => m.Contains("1 entries that do not match their checksum", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Messages(), m => m.Contains("1 inspected, 0 reused", StringComparison.Ordinal));
        TempDirectory.Delete(root);
    }

    [Fact]
    public async Task A_state_file_from_before_checksums_is_reused_and_upgraded()
    {
        var root = TempDirectory.Create("state-old");
        TestDists.Wheel(root, "older", "1.0");
        await using (await ServerHost.StartAsync(root))
        {
        }

        var stateFile = Path.Combine(root, ".pypiforge", "catalog.json");
        var state = JsonNode.Parse(await File.ReadAllTextAsync(stateFile))!;
        foreach (var entry in state["files"]!.AsArray())
        {
            entry!.AsObject().Remove("check");
        }

        await File.WriteAllTextAsync(stateFile, state.ToJsonString());
        await using (var server = await ServerHost.StartAsync(root))
        {
            Assert.Contains(server.Logs.Messages(), m => m.Contains("0 inspected, 1 reused", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("simple/older/")).StatusCode);
        }

        var upgraded = JsonNode.Parse(await File.ReadAllTextAsync(stateFile))!;
        Assert.All(upgraded["files"]!.AsArray(), entry => Assert.Equal(16, entry!["check"]!.GetValue<string>().Length));
        TempDirectory.Delete(root);
    }
}
