using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PypiForge.Packaging;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Catalog;
using PypiForge.Server.SimpleIndex;
using PypiForge.Server.Upstream;
using Allowance = PypiForge.Protos.V1.FreshAllowance;

namespace PypiForge.Server.Policy;

/// <summary>The gRPC PolicyService (admin only): the cooldown's break-glass (<see cref="FreshAllowances"/>, listed with
/// the <c>Upstream:AllowFresh</c> entries) and local projects' PEP 792 status (<see cref="LocalProjectStatuses"/>).
/// Checks the arguments, names the caller, maps; the stores log every change.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class PolicyGrpcService(FreshAllowances allowances, ReleaseCooldown cooldown, LocalProjectStatuses statuses, PackageCatalog catalog, TimeProvider time)
    : PolicyService.PolicyServiceBase
{
    private const int MaxReason = 1000;
    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(3650);

    public override Task<Allowance> AllowFresh(AllowFreshRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = RequireProject(request.Project);
        PackageVersion? version = null;
        if (!string.IsNullOrWhiteSpace(request.Version) && !PackageVersion.TryParse(request.Version.Trim(), out version))
        {
            throw Invalid($"version '{request.Version}' is not a PEP 440 version; give one exact version (e.g. 2.0.1), or none for every release of '{project}'.");
        }

        var reason = RequireReason(request.Reason);
        TimeSpan? expiresAfter = null;
        if (request.ExpiresAfter is { } duration)
        {
            var seconds = duration.Seconds + (duration.Nanos / 1e9);
            if (seconds <= 0 || duration.Nanos < 0)
            {
                throw Invalid($"expires_after is {seconds} s; give a positive duration (e.g. 2 days), or leave it unset for an allowance that lasts until revoked.");
            }

            if (seconds > MaxExpiry.TotalSeconds)
            {
                throw Invalid($"expires_after is {seconds} s; at most {MaxExpiry.TotalDays} days, or leave it unset for an allowance that lasts until revoked.");
            }

            expiresAfter = duration.ToTimeSpan();
        }

        return Task.FromResult(ToMessage(AllowFreshEntry.From(Saved(() => allowances.Grant(project, version, reason, Caller(context), expiresAfter)))));
    }

    public override Task<ListAllowFreshResponse> ListAllowFresh(ListAllowFreshRequest request, ServerCallContext context)
    {
        var response = new ListAllowFreshResponse();
        response.Allowances.AddRange(cooldown.EntriesAt(time.GetUtcNow()).Select(ToMessage));
        return Task.FromResult(response);
    }

    public override Task<RevokeAllowFreshResponse> RevokeAllowFresh(RevokeAllowFreshRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            throw Invalid("id is required: ListAllowFresh shows the ids (entries of Upstream:AllowFresh have none; remove them from the configuration).");
        }

        return Saved(() => allowances.Revoke(request.Id.Trim(), Caller(context))) is null
            ? throw new RpcException(new Status(StatusCode.NotFound, $"No fresh allowance with id '{request.Id}'; ListAllowFresh shows the ids."))
            : Task.FromResult(new RevokeAllowFreshResponse());
    }

    public override Task<ProjectStatusInfo> SetProjectStatus(SetProjectStatusRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var project = RequireProject(request.Project);
        var status = request.Status.Trim().ToLowerInvariant();
        if (!ProjectStatus.Known.Contains(status))
        {
            throw Invalid($"status '{request.Status}' is not a PEP 792 project status; use one of active, archived, quarantined, deprecated.");
        }

        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : CheckLine(request.Reason.Trim(), "reason");
        if (!catalog.TryGetProject(project, out _))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No project named '{request.Project.Trim()}' is served here; a status is set on local projects only."));
        }

        return Task.FromResult(ToMessage(Saved(() => statuses.Set(project, status, reason, Caller(context)))));
    }

    /// <summary>The <see cref="ProjectStatusInfo"/> of a project: what was set here, or active.</summary>
    public static ProjectStatusInfo ToMessage(LocalProjectStatus? status) => status is null || status.Status == ProjectStatus.Active
        ? new ProjectStatusInfo { Status = ProjectStatus.Active, SetBy = status?.SetBy ?? string.Empty, SetAt = status is null ? null : Timestamp.FromDateTimeOffset(status.SetAt) }
        : new ProjectStatusInfo { Status = status.Status, Reason = status.Reason ?? string.Empty, SetBy = status.SetBy, SetAt = Timestamp.FromDateTimeOffset(status.SetAt) };

    private static Allowance ToMessage(AllowFreshEntry entry) => new()
    {
        Id = entry.Id ?? string.Empty,
        Project = entry.Project,
        Version = entry.Version?.ToString() ?? string.Empty,
        Reason = entry.Reason ?? string.Empty,
        AllowedBy = entry.AllowedBy,
        Created = entry.Created is { } created ? Timestamp.FromDateTimeOffset(created) : null,
        Expires = entry.Expires is { } end ? Timestamp.FromDateTimeOffset(end) : null,
    };

    private static string Caller(ServerCallContext context) => context.GetHttpContext().User.Identity?.Name ?? "anonymous";

    private static string RequireProject(string? project)
    {
        var name = project?.Trim() ?? string.Empty;
        if (name.Length == 0)
        {
            throw Invalid("project is required.");
        }

        return name.Length <= ProjectName.MaxLength && ProjectName.IsValid(name)
            ? ProjectName.Normalize(name)
            : throw Invalid($"project '{project}' is not a valid project name: ASCII letters, digits, '.', '-' and '_', starting and ending with a letter or digit, at most {ProjectName.MaxLength} characters.");
    }

    private static string RequireReason(string? reason) => string.IsNullOrWhiteSpace(reason)
        ? throw Invalid("reason is required: say why this release cannot wait for the cooldown (it is logged with every use and listed).")
        : CheckLine(reason.Trim(), "reason");

    private static string CheckLine(string text, string field) => text.Length > MaxReason || text.Any(char.IsControl)
        ? throw Invalid($"{field} is at most {MaxReason} characters on one line.")
        : text;

    private static T Saved<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (StateNotSavedException ex)
        {
            throw new RpcException(new Status(ex.IsDiskFull ? StatusCode.ResourceExhausted : StatusCode.Unavailable, ex.Message));
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
