using System.Net;
using PypiForge.Server.Auth;
using PypiForge.Server.Catalog;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>Running it for real (issue 16, item 7): the state folder's format version guards upgrades and downgrades,
/// and the backup command copies a running server's state so that a fresh folder serves the same files and tokens.</summary>
public sealed class StateFolderSpecs
{
    [Fact]
    public async Task A_fresh_state_folder_is_marked_with_the_format_this_version_writes()
    {
        var work = TempDirectory.Create("format-fresh");
        var state = Path.Combine(work, "state");
        await using var server = StartProcess(work, state, out _);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.Equal($"{StateFormat.Current}", (await File.ReadAllTextAsync(Path.Combine(state, "format-version"))).Trim());
    }

    [Theory]
    [InlineData("format-version", "2\n")]
    [InlineData("catalog.json", """{"version":2,"files":[]}""")]
    public async Task A_state_folder_a_newer_version_wrote_stops_start_up_with_exit_2_and_is_left_as_it_was(string file, string content)
    {
        var work = TempDirectory.Create("format-newer");
        var state = Path.Combine(work, "state");
        Directory.CreateDirectory(state);
        await File.WriteAllTextAsync(Path.Combine(state, file), content);
        await using var server = StartProcess(work, state, out _);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started on a newer state folder: " + server.Output);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains("holds state format 2", server.Output, StringComparison.Ordinal);
        Assert.Contains("written by a newer PypiForge; this version reads format 1", server.Output, StringComparison.Ordinal);
        Assert.Contains("restore the backup of the state folder taken before the upgrade", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFiles(state).Select(static f => Path.GetFileName(f)).ToArray());
        Assert.Equal(content, await File.ReadAllTextAsync(Path.Combine(state, file)));
    }

    [Fact]
    public void The_token_command_leaves_a_newer_state_folder_alone()
    {
        var state = TempDirectory.Create("format-token");
        File.WriteAllText(Path.Combine(state, "format-version"), "3\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = TokenCommands.Run(["create", "--user", "ci", "--permissions", "upload", "--state-dir", state], output, error);

        Assert.Equal(2, code);
        Assert.Contains("holds state format 3", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(state, "tokens.json")));
    }

    [Fact]
    public async Task A_backup_taken_while_the_server_runs_restores_into_a_fresh_folder_that_serves_the_same_files_and_tokens()
    {
        var root = TempDirectory.Create("backup-root");
        TestDists.Wheel(root, "pf_kept", "1.0");
        var state = Path.Combine(root, ".pypiforge");
        await using var running = await ServerHost.StartAsync(root);
        using var output = new StringWriter();
        Assert.Equal(0, TokenCommands.Run(["create", "--user", "ci", "--permissions", "upload", "--state-dir", state], output, TextWriter.Null));
        var secret = output.ToString().Trim();
        var uploaded = TestDists.Wheel(TempDirectory.Create("backup-upload"), "pf_sent", "2.0");
        using (var upload = await UploadClient.PostAsync(running.Client, UploadClient.Form(uploaded, "pf-sent", "2.0"), UploadClient.Basic("__token__", secret)))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(
            File.Exists(Path.Combine(state, "catalog.json")) && File.ReadAllText(Path.Combine(state, "catalog.json")).Contains("pf_sent", StringComparison.Ordinal))));
        var kept = Links(await running.Client.GetStringAsync("/simple/pf-kept/"));
        var sent = Links(await running.Client.GetStringAsync("/simple/pf-sent/"));
        Assert.Single(kept);
        Assert.Single(sent);

        var backup = Path.Combine(TempDirectory.Create("backup-dest"), "pypiforge-backup");
        var result = await PythonClient.RunAsync("bash", [Path.Combine(DistFixtures.RepositoryRoot, "deploy", "pypiforge-backup.sh"), state, root, backup]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(Directory.Exists(Path.Combine(backup, "packages", ".pypiforge")));

        // Restore as docs/deploy.md says: the packages, then the state folder into the server's --state-dir (here its default).
        var restored = Path.Combine(TempDirectory.Create("restore"), "packages");
        Assert.Equal(0, (await PythonClient.RunAsync("cp", ["-pR", Path.Combine(backup, "packages"), restored])).ExitCode);
        Assert.Equal(0, (await PythonClient.RunAsync("cp", ["-pR", Path.Combine(backup, "state"), Path.Combine(restored, ".pypiforge")])).ExitCode);
        await using var fresh = await ServerHost.StartAsync(restored);

        Assert.Equal(kept, Links(await fresh.Client.GetStringAsync("/simple/pf-kept/")));
        Assert.Equal(sent, Links(await fresh.Client.GetStringAsync("/simple/pf-sent/")));
        var another = TestDists.Wheel(TempDirectory.Create("backup-upload-2"), "pf_sent", "3.0");
        using var withToken = await UploadClient.PostAsync(fresh.Client, UploadClient.Form(another, "pf-sent", "3.0"), UploadClient.Basic("__token__", secret));
        using var withoutToken = await UploadClient.PostAsync(fresh.Client, UploadClient.Form(another, "pf-sent", "3.0"));
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
    }

    /// <summary>The files a page links to, with their hashes (file#sha256=…), whatever host and port it was served from.</summary>
    private static string[] Links(string page) =>
        [.. System.Text.RegularExpressions.Regex.Matches(page, "href=\"([^\"]+)\"").Select(static m => m.Groups[1].Value[(m.Groups[1].Value.LastIndexOf('/') + 1)..])];

    private static ServerProcess StartProcess(string work, string state, out int port)
    {
        port = ServerProcess.FreePort();
        return ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--Queue:EmbeddedAgent", "false", "--fallback", "none",
            "--root", Path.Combine(work, "packages"), "--state-dir", state], port: port);
    }
}
