using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Auth;
using PypiForge.Server.Builds;
using PypiForge.Server.Files;

namespace PypiForge.Server.Uploads;

/// <summary>The legacy upload API at <c>POST /</c> and <c>POST /legacy/</c> (both answered directly: twine treats a
/// redirect as an error): <c>:action=file_upload</c>, and pypiserver's <c>:action=remove_pkg</c>.</summary>
public static class UploadEndpoints
{
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadOptions>().Bind(configuration.GetSection(UploadOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<PackageManager>();
        return services;
    }

    public static IEndpointRouteBuilder MapUploads(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", HandleAsync).RequireAuthorization(Policies.Upload);
        app.MapPost("/legacy", HandleAsync).RequireAuthorization(Policies.Upload);
        return app;
    }

    private static async Task HandleAsync(
        HttpContext context,
        UploadService uploads,
        PackageManager packages,
        BuildScheduler builds,
        IOptions<UploadOptions> options,
        Metrics.ServerMetrics metrics,
        ILogger<UploadService> logger)
    {
        var user = context.User.Identity?.Name ?? "anonymous";
        var cancellationToken = context.RequestAborted;
        try
        {
            await using var form = await UploadForm.ReadAsync(context.Request, uploads.Root, options.Value.MaxUploadBytes, cancellationToken);
            switch (form[":action"])
            {
                case "file_upload":
                {
                    var (outcome, file) = await uploads.AcceptAsync(form, user, cancellationToken);
                    if (outcome != UploadOutcome.AlreadyServed && file is SdistFilename && options.Value.BuildTargets.Count > 0)
                    {
                        QueueBuilds(builds, file, options.Value.BuildTargets, logger);
                    }

                    await Results.Text(outcome switch
                    {
                        UploadOutcome.AlreadyServed => $"{file.FileName} is already served with these exact bytes; nothing changed.\n",
                        UploadOutcome.Replaced => $"{file.FileName} replaced the file of the same name.\n",
                        _ => $"{file.FileName} is served at /simple/{file.NormalizedProject}/.\n",
                    }).ExecuteAsync(context);
                    return;
                }

                case "remove_pkg":
                    await RemoveAsync(context, form, packages, user, logger);
                    return;
                case null or "":
                    throw UploadException.BadRequest("Missing :action", "The form has no ':action' field; use ':action=file_upload' (twine does) or ':action=remove_pkg'.");
                case var other:
                    throw UploadException.BadRequest("Unknown :action",
                        $"':action={UploadForm.Printable(other)}' is not supported here; use file_upload or remove_pkg.");
            }
        }
        catch (UploadException ex)
        {
            metrics.UploadFailed(aborted: false);
            if (ex.FullFolder is not null)
            {
                UploadLog.DiskFull(logger, user, ex.FullFolder);
            }
            else
            {
                UploadLog.Refused(logger, ex.Status, ex.Reason, user, ex.Message);
            }
            if (context.Response.HasStarted)
            {
                return;
            }

            // The reason phrase is what twine prints; the body says the rest.
            AuthorizationResults.SetReasonPhrase(context, ex.Reason);
            await TypedResults.Problem(statusCode: ex.Status, title: ex.Reason, detail: ex.Message).ExecuteAsync(context);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            metrics.UploadFailed(aborted: true);
            UploadLog.Aborted(logger, context.Request.Path, user);
        }
    }

    private static async Task RemoveAsync(HttpContext context, UploadForm form, PackageManager packages, string user, ILogger logger)
    {
        if (!context.User.HasClaim(PypiForgeAuthenticationHandler.PermissionClaim, PermissionNames.Admin))
        {
            await AuthorizationResults.RefuseAsync(context, PermissionNames.Admin);
            return;
        }

        var name = form["name"]?.Trim();
        var version = form["version"]?.Trim();
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
        {
            throw UploadException.BadRequest("Missing name or version", "remove_pkg needs the fields 'name' and 'version' of the release to delete.");
        }

        var files = packages.Release(name, version);
        if (files.Count == 0)
        {
            throw new UploadException(StatusCodes.Status404NotFound, "No such release",
                $"No files of '{UploadForm.Printable(name)}' version '{UploadForm.Printable(version)}' are served here.");
        }

        await packages.DeleteAsync(files, context.RequestAborted);
        UploadLog.Removed(logger, user, files.Count, name, version);
        await Results.Text($"Deleted {files.Count} files of {name} {version}.\n").ExecuteAsync(context);
    }

    private static void QueueBuilds(BuildScheduler builds, DistributionFilename sdist, List<string> targets, ILogger logger)
    {
        var result = builds.Schedule(new BuildRequest([$"{sdist.NormalizedProject}=={sdist.Version}"], [.. targets], WithDependencies: false));
        if (result.Refusal is { } refusal)
        {
            UploadLog.BuildNotQueued(logger, sdist.FileName, refusal);
        }
    }
}
