using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using PypiForge.Protos.V1;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>A token file that exists but cannot be read fails closed: it counts as holding tokens, so loopback is not
/// trusted, and operators are told what is wrong and what to do.</summary>
public sealed class TokenFileSpecs : IDisposable
{
    private const string Wheel = "pf_dep-1.0-py2.py3-none-any.whl";
    private readonly string folder = TempDirectory.Create("token-file");

    public void Dispose() => TempDirectory.Delete(folder);

    [Theory]
    [InlineData(null, HttpStatusCode.OK)] // no token file: a fresh install trusts loopback
    [InlineData("[]", HttpStatusCode.OK)] // an empty list: still no token
    [InlineData("{ this is not json", HttpStatusCode.Unauthorized)]
    [InlineData("\0\u0001garbage", HttpStatusCode.Unauthorized)]
    [InlineData("[{}]", HttpStatusCode.Unauthorized)] // JSON, but not a token
    public async Task After_a_restart_a_damaged_token_file_keeps_loopback_untrusted(string? tokensJson, HttpStatusCode upload)
    {
        var root = Path.Combine(folder, "root");
        if (tokensJson is not null)
        {
            Directory.CreateDirectory(Path.Combine(root, ".pypiforge"));
            await File.WriteAllTextAsync(Path.Combine(root, ".pypiforge", "tokens.json"), tokensJson);
        }

        await using var server = await ServerHost.StartAsync(root);
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);

        using var response = await UploadClient.PostAsync(server.Client, UploadClient.Form(DistFixtures.Path(Wheel), "pf-dep", "1.0"));
        var delete = await StatusOf(() => new PackageService.PackageServiceClient(channel)
            .DeleteFileAsync(new DeleteFileRequest { Filename = "pf_nothing-1.0-py3-none-any.whl" }).ResponseAsync);

        var damaged = upload == HttpStatusCode.Unauthorized;
        Assert.Equal(upload, response.StatusCode);
        Assert.Equal(!damaged, File.Exists(Path.Combine(root, Wheel)));
        Assert.Equal(damaged ? StatusCode.Unauthenticated : StatusCode.NotFound, delete);
        var errors = server.Logs.Entries.Where(e => e.Level == LogLevel.Error && e.Message.Contains("tokens.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(damaged ? 1 : 0, errors.Count); // once per change of the file, not once per request
        if (damaged)
        {
            Assert.Contains("Fix it or remove it", errors[0].Message, StringComparison.Ordinal);
            Assert.Contains("loopback", errors[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_that_breaks_keeps_the_tokens_read_before_and_a_removed_one_trusts_loopback_again()
    {
        using var sink = new LogSink();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink));
        var state = Path.Combine(folder, "state");
        var store = new TokenStore(state, factory.CreateLogger<TokenStore>());
        var (_, secret) = store.Create("ci", Permissions.Read, null);
        var file = Path.Combine(state, "tokens.json");

        File.WriteAllText(file, "[{\"id\": \"half-writ");
        var whileBroken = (Loaded: store.Load(), store.Any, Found: store.Find(secret));
        store.Load();
        var errorsWhileBroken = sink.Messages(LogLevel.Error).Count();
        File.Delete(file);
        var afterRemoval = (Loaded: store.Load(), store.Any, Found: store.Find(secret));

        Assert.Equal((1, true), (whileBroken.Loaded, whileBroken.Any));
        Assert.NotNull(whileBroken.Found);
        Assert.Equal(1, errorsWhileBroken);
        Assert.Equal((0, false), (afterRemoval.Loaded, afterRemoval.Any));
        Assert.Null(afterRemoval.Found);
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
