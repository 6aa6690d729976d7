using Microsoft.Extensions.Options;

namespace PypiForge.Server.Auth;

/// <summary>Start-up checks for the "Auth" section; each failure names the key and says what to write instead.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.HtpasswdFile) && !File.Exists(options.HtpasswdFile))
        {
            failures.Add($"Auth:HtpasswdFile (--htpasswd) is '{options.HtpasswdFile}', which does not exist. Create it with `htpasswd -cB {options.HtpasswdFile} <user>`.");
        }

        if (!PermissionNames.TryParse(options.UserPermissions, out _, out var unknown))
        {
            failures.Add($"Auth:UserPermissions has the unknown permission '{unknown}'; use read, upload, build, agent and admin, separated by commas.");
        }

        foreach (var (user, permissions) in options.Users)
        {
            if (!PermissionNames.TryParse(permissions, out _, out unknown))
            {
                failures.Add($"Auth:Users:{user} has the unknown permission '{unknown}'; use read, upload, build, agent and admin, separated by commas.");
            }
        }

        if (options.MaxFailedLogins < 1)
        {
            failures.Add($"Auth:MaxFailedLogins is {options.MaxFailedLogins}; use a number of at least 1 (default 10).");
        }

        if (options.FailedLoginWindow <= TimeSpan.Zero)
        {
            failures.Add($"Auth:FailedLoginWindow is {options.FailedLoginWindow}; use a positive time such as 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
