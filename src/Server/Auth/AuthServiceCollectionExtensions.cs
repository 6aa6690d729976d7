using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>Authentication (htpasswd users and API tokens) and the five permission policies.</summary>
public static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddPypiForgeAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<HtpasswdUsers>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<FailedLogins>();
        services.AddSingleton<LoopbackPeers>();
        services.AddSingleton<AccessPolicy>();
        services.AddHostedService<AuthFilesCheck>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationResults>();
        services.AddAuthentication(PypiForgeAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, PypiForgeAuthenticationHandler>(PypiForgeAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var permission in new[] { Permissions.Read, Permissions.Upload, Permissions.Build, Permissions.Agent, Permissions.Admin })
            {
                // Each policy names the scheme, so credentials are read only where a policy asks for them (no
                // UseAuthentication middleware on the hot path of public index pages).
                options.AddPolicy(PermissionNames.Format(permission), policy => policy
                    .AddAuthenticationSchemes(PypiForgeAuthenticationHandler.SchemeName)
                    .AddRequirements(new PermissionRequirement(permission)));
            }
        });
        return services;
    }
}

/// <summary>A private index (Auth:AnonymousRead false) must not be kept by shared caches: its responses say
/// <c>private</c> where a public index says <c>public</c> (or nothing).</summary>
public static class PrivateCaching
{
    public static IApplicationBuilder UsePrivateCaching(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<AuthOptions>>().Value.AnonymousRead)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                var cacheControl = headers.CacheControl.ToString();
                if (cacheControl.Length > 0 && !cacheControl.Contains("no-store", StringComparison.Ordinal))
                {
                    headers.CacheControl = "private, " + cacheControl.Replace("public, ", string.Empty, StringComparison.Ordinal);
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
    }
}
