using Microsoft.Extensions.Options;
using PypiForge.Agent.Building;

namespace PypiForge.Agent.Remote;

/// <summary>A remote agent's own keys of the Agent section (the embedded agent has no server to reach); the build keys are
/// <see cref="AgentOptionsValidator"/>'s.</summary>
internal sealed class RemoteAgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        if (options.Server is null)
        {
            failures.Add("Agent:Server (--server) is missing; give the server's gRPC address, e.g. --server http://pypi.example:50051.");
        }
        else if (!IsHttp(options.Server))
        {
            failures.Add($"Agent:Server (--server) is '{options.Server}'; give an absolute http:// or https:// address, e.g. http://pypi.example:50051.");
        }

        if (options.IndexUrl is not null && !IsHttp(options.IndexUrl))
        {
            failures.Add($"Agent:IndexUrl (--index-url) is '{options.IndexUrl}'; give an absolute http:// or https:// address ending in /simple/.");
        }

        if (options.Token is not null && options.Token.Any(static c => char.IsControl(c) || c == ' '))
        {
            failures.Add("Agent:Token (--token) holds spaces or control characters; it cannot be sent as a Bearer token.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
