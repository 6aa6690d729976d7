namespace PypiForge.Server.Auth;

/// <summary>Reads the htpasswd and token files at start-up, so a missing or damaged file is reported in the start-up
/// log rather than at the first request that needs it.</summary>
internal sealed class AuthFilesCheck(HtpasswdUsers users, TokenStore tokens) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        users.Load();
        tokens.Load();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
