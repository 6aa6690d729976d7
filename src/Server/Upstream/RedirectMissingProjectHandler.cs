using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Upstream;

/// <summary>Redirect mode (pypiserver's behaviour): an unknown project answers 302 to the first upstream's page for it.
/// The client then talks to the upstream itself, so it needs its own access (and credentials) there.</summary>
public sealed class RedirectMissingProjectHandler(UpstreamPaths paths) : IMissingProjectHandler
{
    public ValueTask<IResult> HandleAsync(string normalizedName, IndexFormat format, HttpContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IResult>(TypedResults.Redirect(paths.Indexes[0].ProjectUri(normalizedName) + context.Request.QueryString.ToString()));
}
