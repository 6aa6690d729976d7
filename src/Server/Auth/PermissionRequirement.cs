using Microsoft.AspNetCore.Authorization;

namespace PypiForge.Server.Auth;

/// <summary>The caller needs <see cref="Permission"/>. Policies "read", "upload", "build", "agent" and "admin" are made of one each.</summary>
public sealed class PermissionRequirement(Permissions permission) : IAuthorizationRequirement
{
    public Permissions Permission { get; } = permission;

    public string Name => PermissionNames.Format(Permission);
}

/// <summary>Grants a requirement from the caller's permission claims; reads also to anyone when anonymous reads are
/// on — unless the caller sent credentials that were wrong (those are answered 401, not silently ignored).</summary>
public sealed class PermissionHandler(AccessPolicy access) : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.HasClaim(PypiForgeAuthenticationHandler.PermissionClaim, requirement.Name))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var failed = context.Resource is HttpContext http && http.Items.ContainsKey(PypiForgeAuthenticationHandler.FailedKey);
        if (requirement.Permission == Permissions.Read && access.AnonymousRead && !failed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Policy names, for <c>RequireAuthorization</c> and <c>[Authorize(Policy = ...)]</c>.</summary>
public static class Policies
{
    public const string Read = PermissionNames.Read;
    public const string Upload = PermissionNames.Upload;
    public const string Build = PermissionNames.Build;
    public const string Agent = PermissionNames.Agent;
    public const string Admin = PermissionNames.Admin;
}
