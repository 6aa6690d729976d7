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
        // No default scheme to authenticate with: credentials are read only where a policy names the scheme (below), so
        // a public page or download costs no authentication at all, and credentials pip sends with every request of a
        // public index (user:password@host) are not checked (a bcrypt each) where nothing asks for them. Challenges
        // and refusals still go to this scheme.
        // The documented switch that stops ASP.NET Core from making the only scheme the default one (since .NET 7).
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = PypiForgeAuthenticationHandler.SchemeName;
                options.DefaultForbidScheme = PypiForgeAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, PypiForgeAuthenticationHandler>(PypiForgeAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            foreach (var permission in new[] { Permissions.Read, Permissions.Upload, Permissions.Build, Permissions.Agent, Permissions.Admin })
            {
                // Each policy names the scheme: the only place credentials are read.
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
