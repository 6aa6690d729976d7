using Microsoft.Extensions.Options;

namespace PypiForge.Server.Hosting;

/// <summary>Reports the problems found in Urls and Grpc:Port when the configuration was read.</summary>
internal sealed class EndpointValidator(IReadOnlyList<string> problems) : IValidateOptions<ServerEndpoints>
{
    public ValidateOptionsResult Validate(string? name, ServerEndpoints options) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}
