using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>Authentication (htpasswd users and API tokens) and the four permission policies.</summary>
public static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddPypiForgeAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<HtpasswdUsers>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<FailedLogins>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationResults>();
        services.AddAuthentication(PypiForgeAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, PypiForgeAuthenticationHandler>(PypiForgeAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var permission in new[] { Permissions.Read, Permissions.Upload, Permissions.Build, Permissions.Admin })
            {
                options.AddPolicy(PermissionNames.Format(permission), policy => policy.AddRequirements(new PermissionRequirement(permission)));
            }
        });
        return services;
    }
}
