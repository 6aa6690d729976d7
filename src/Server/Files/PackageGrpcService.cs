using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PypiForge.Packaging;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Files;

/// <summary>The gRPC PackageService: what is served, and changes to it.</summary>
public sealed class PackageGrpcService(PackageCatalog catalog, PackageManager packages, LocalProjectStatuses statuses) : PackageService.PackageServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    [Authorize(Policy = Policies.Read)]
    public override Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw Invalid($"page_size is {request.PageSize}; use 1 to {MaxPageSize} (0 means {DefaultPageSize}).");
        }

        var prefix = ProjectName.Normalize(request.Prefix.Trim());
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var projects = catalog.Current.Projects.Values
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && string.CompareOrdinal(p.Key, request.PageToken) > 0)
            .Take(size + 1)
            .ToList();
        var response = new ListProjectsResponse();
        response.Projects.AddRange(projects.Take(size).Select(p => new ProjectSummary
        {
            Name = p.DisplayName,
            FileCount = p.Files.Length,
            Versions = { p.Versions },
        }));
        response.NextPageToken = projects.Count > size ? projects[size - 1].Key : string.Empty;
        return Task.FromResult(response);
    }

    [Authorize(Policy = Policies.Read)]
    public override Task<Project> GetProject(GetProjectRequest request, ServerCallContext context)
    {
        var name = RequireName(request.Name, "name");
        if (!catalog.TryGetProject(ProjectName.Normalize(name), out var entry))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No project named '{name}' is served here."));
        }

        var project = new Project { Name = entry.DisplayName, Versions = { entry.Versions }, Status = Policy.PolicyGrpcService.ToMessage(statuses.Of(entry.Key)) };
        project.Files.AddRange(entry.Files.Select(ToMessage));
        return Task.FromResult(project);
    }

    [Authorize(Policy = Policies.Admin)]
    public override async Task<DeleteResponse> DeleteFile(DeleteFileRequest request, ServerCallContext context)
    {
        var file = FindFile(request.Filename);
        await packages.DeleteAsync([file], context.CancellationToken);
        return new DeleteResponse { Deleted = { file.FileName } };
    }

    [Authorize(Policy = Policies.Admin)]
    public override async Task<DeleteResponse> DeleteRelease(DeleteReleaseRequest request, ServerCallContext context)
    {
        var files = FindRelease(request.Project, request.Version);
        await packages.DeleteAsync(files, context.CancellationToken);
        return new DeleteResponse { Deleted = { files.Select(f => f.FileName) } };
    }

    [Authorize(Policy = Policies.Upload)]
    public override async Task<SetYankedResponse> SetYanked(SetYankedRequest request, ServerCallContext context)
    {
        var byFile = !string.IsNullOrWhiteSpace(request.Filename);
        var byRelease = !string.IsNullOrWhiteSpace(request.Project) || !string.IsNullOrWhiteSpace(request.Version);
        if (byFile == byRelease)
        {
            throw Invalid("Name either a file (filename) or a release (project and version), not both and not neither.");
        }

        if (request.Reason.Length > 1000 || request.Reason.Any(char.IsControl))
        {
            throw Invalid("reason is at most 1000 characters on one line.");
        }

        IReadOnlyList<CatalogFile> files = byFile ? [FindFile(request.Filename)] : FindRelease(request.Project, request.Version);
        try
        {
            await packages.SetYankedAsync(files, request.Yanked ? request.Reason : null, context.CancellationToken);
        }
        catch (StateNotSavedException ex)
        {
            throw new RpcException(new Status(ex.IsDiskFull ? StatusCode.ResourceExhausted : StatusCode.Unavailable, ex.Message));
        }

        var response = new SetYankedResponse();
        response.Files.AddRange(files.Select(f => packages.Find(f.FileName) ?? f).Select(ToMessage));
        return response;
    }

    private CatalogFile FindFile(string fileName)
    {
        RequireName(fileName, "filename");
        return packages.Find(fileName.Trim())
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No file named '{fileName}' is served here (names are case-sensitive, as on the project page)."));
    }

    private IReadOnlyList<CatalogFile> FindRelease(string project, string version)
    {
        RequireName(project, "project");
        RequireName(version, "version");
        var files = packages.Release(project.Trim(), version.Trim());
        return files.Count > 0
            ? files
            : throw new RpcException(new Status(StatusCode.NotFound, $"No files of '{project}' version '{version}' are served here."));
    }

    private static string RequireName(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Invalid($"{field} is required.")
        : value.Length > DistributionFilename.MaxLength ? throw Invalid($"{field} is longer than {DistributionFilename.MaxLength} characters.")
        : value.Trim();

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    internal static PackageFile ToMessage(CatalogFile file) => new()
    {
        Filename = file.FileName,
        Path = file.RelativePath,
        Version = file.Version,
        Size = file.Size,
        Sha256 = file.Sha256,
        RequiresPython = file.RequiresPython ?? string.Empty,
        Yanked = file.IsYanked,
        YankedReason = file.Yanked ?? string.Empty,
        UploadTime = Timestamp.FromDateTimeOffset(file.UploadTime),
        UploadedBy = file.UploadedBy ?? string.Empty,
    };
}
