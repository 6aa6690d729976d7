using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Uploads;

/// <summary>The PackageService and pypiserver's remove_pkg against a real server; pip honours what they change.</summary>
public sealed class PackageManagementSpecs : IAsyncLifetime
{
    private string root = null!;
    private ServerHost server = null!;
    private GrpcChannel channel = null!;
    private PackageService.PackageServiceClient packages = null!;

    public async Task InitializeAsync()
    {
        root = TempDirectory.Create("manage-root");
        TestDists.Wheel(root, "pf_yank", "1.0");
        TestDists.Wheel(root, "pf_yank", "1.1");
        TestDists.Wheel(root, "pf_gone", "1.0");
        TestDists.Wheel(root, "pf_gone", "2.0");
        TestDists.Sdist(root, "pf_gone-2.0", "pf-gone", "2.0");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        TestDists.Wheel(Path.Combine(root, "sub"), "pf_deep", "0.1");
        server = await ServerHost.StartAsync(root);
        channel = GrpcChannel.ForAddress(server.GrpcUri!);
        packages = new PackageService.PackageServiceClient(channel);
    }

    public async Task DisposeAsync()
    {
        channel.Dispose();
        await server.DisposeAsync();
        TempDirectory.Delete(root);
    }

    [Fact]
    public async Task Pip_skips_a_yanked_release_unless_it_is_pinned_and_un_yanking_brings_it_back()
    {
        var yanked = await packages.SetYankedAsync(new SetYankedRequest { Project = "pf-yank", Version = "1.1", Yanked = true, Reason = "broken build" });
        Assert.All(yanked.Files, f => Assert.True(f.Yanked));
        using (var page = JsonDocument.Parse(await server.Client.GetStringAsync("/simple/pf-yank/?format=application/vnd.pypi.simple.v1%2Bjson")))
        {
            var file = page.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("filename").GetString()!.Contains("1.1", StringComparison.Ordinal));
            Assert.Equal("broken build", file.GetProperty("yanked").GetString());
        }

        Assert.Contains("pf_yank-1.0-", await DownloadAsync("pf-yank"), StringComparison.Ordinal);
        Assert.Contains("pf_yank-1.1-", await DownloadAsync("pf-yank==1.1"), StringComparison.Ordinal);

        await packages.SetYankedAsync(new SetYankedRequest { Filename = "pf_yank-1.1-py3-none-any.whl", Yanked = false });
        Assert.Contains("pf_yank-1.1-", await DownloadAsync("pf-yank"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_and_getting_projects_pages_through_the_catalog()
    {
        var first = await packages.ListProjectsAsync(new ListProjectsRequest { PageSize = 2 });
        var second = await packages.ListProjectsAsync(new ListProjectsRequest { PageSize = 2, PageToken = first.NextPageToken });
        var project = await packages.GetProjectAsync(new GetProjectRequest { Name = "PF.Gone" });

        Assert.Equal(2, first.Projects.Count);
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal(["pf-deep", "pf-gone", "pf-yank"], first.Projects.Concat(second.Projects).Select(p => p.Name.Replace('_', '-')).Order());
        Assert.Empty(second.NextPageToken);
        Assert.Equal(["1.0", "2.0"], project.Versions.Order());
        Assert.Equal(3, project.Files.Count);
        Assert.All(project.Files, f => Assert.Equal(64, f.Sha256.Length));
    }

    [Fact]
    public async Task Deleting_a_release_removes_its_files_from_the_folder_and_the_index()
    {
        var deleted = await packages.DeleteReleaseAsync(new DeleteReleaseRequest { Project = "pf-gone", Version = "2.0.0" });

        Assert.Equal(["pf_gone-2.0-py3-none-any.whl", "pf_gone-2.0.tar.gz"], deleted.Deleted.Order());
        Assert.False(File.Exists(Path.Combine(root, "pf_gone-2.0.tar.gz")));
        var page = await server.Client.GetStringAsync("/simple/pf-gone/");
        Assert.DoesNotContain("2.0", page.Replace("1.0", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("pf_gone-1.0-py3-none-any.whl", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_file_in_a_subfolder_removes_it_and_the_project_when_it_was_the_last()
    {
        await packages.DeleteFileAsync(new DeleteFileRequest { Filename = "pf_deep-0.1-py3-none-any.whl" });

        Assert.False(File.Exists(Path.Combine(root, "sub", "pf_deep-0.1-py3-none-any.whl")));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/simple/pf-deep/")).StatusCode);
    }

    [Fact]
    public async Task Pypiserver_remove_pkg_deletes_a_release()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("remove_pkg"), "\":action\"" },
            { new StringContent("pf-gone"), "\"name\"" },
            { new StringContent("1.0"), "\"version\"" },
        };
        using var response = await UploadClient.PostAsync(server.Client, form);
        using var again = await UploadClient.PostAsync(server.Client, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [":action"] = "remove_pkg",
            ["name"] = "pf-gone",
            ["version"] = "1.0",
        }));
        using var missingVersion = await UploadClient.PostAsync(server.Client, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [":action"] = "remove_pkg",
            ["name"] = "pf-gone",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(Path.Combine(root, "pf_gone-1.0-py3-none-any.whl")));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missingVersion.StatusCode);
    }

    [Theory]
    [InlineData("", "", "", "Name either a file")]
    [InlineData("pf_yank-1.0-py3-none-any.whl", "pf-yank", "1.0", "Name either a file")]
    [InlineData("pf_none-1.0-py3-none-any.whl", "", "", "No file named")]
    [InlineData("", "pf-yank", "", "version is required")]
    [InlineData("", "pf-yank", "7.0", "No files of")]
    public async Task Bad_yank_requests_get_InvalidArgument_or_NotFound_with_a_message(string fileName, string project, string version, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => packages.SetYankedAsync(
            new SetYankedRequest { Filename = fileName, Project = project, Version = version, Yanked = true }).ResponseAsync);

        Assert.Contains(error.StatusCode, new[] { StatusCode.InvalidArgument, StatusCode.NotFound });
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_bad_requests_are_refused_with_the_right_status()
    {
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.SetYankedAsync(new SetYankedRequest { Filename = "pf_yank-1.0-py3-none-any.whl", Yanked = true, Reason = "line\nbreak" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.ListProjectsAsync(new ListProjectsRequest { PageSize = 5000 }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.GetProjectAsync(new GetProjectRequest { Name = "no-such-project" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.DeleteFileAsync(new DeleteFileRequest { Filename = "" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.DeleteFileAsync(new DeleteFileRequest { Filename = "../../etc/passwd" }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            packages.DeleteReleaseAsync(new DeleteReleaseRequest { Project = "pf-yank", Version = "9" }).ResponseAsync)).StatusCode);
        Assert.True(File.Exists(Path.Combine(root, "pf_yank-1.0-py3-none-any.whl")));
    }

    private async Task<string> DownloadAsync(string requirement)
    {
        var target = TempDirectory.Create("pip-download");
        try
        {
            var result = await PythonClient.PipAsync(PythonInterpreter.System.Path,
                "download", "--no-cache-dir", "--no-deps", "-d", target, "-i", server.IndexUrl, requirement);
            Assert.True(result.ExitCode == 0, result.Combined);
            return string.Join(",", Directory.GetFiles(target).Select(Path.GetFileName));
        }
        finally
        {
            TempDirectory.Delete(target);
        }
    }
}
