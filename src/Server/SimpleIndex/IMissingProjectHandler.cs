namespace PypiForge.Server.SimpleIndex;

/// <summary>Decides what a request for a project that is not served gets. The default answers 404; the upstream
/// feature replaces it (redirect to, or proxy from, another index).</summary>
public interface IMissingProjectHandler
{
    ValueTask<IResult> HandleAsync(string normalizedName, IndexFormat format, HttpContext context, CancellationToken cancellationToken);
}

/// <summary>No upstream: an unknown project is simply not found.</summary>
public sealed class NotFoundMissingProjectHandler : IMissingProjectHandler
{
    public ValueTask<IResult> HandleAsync(string normalizedName, IndexFormat format, HttpContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IResult>(TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Project not found",
            detail: $"No project named '{normalizedName}' is served here. The list of projects is at /simple/."));
}
