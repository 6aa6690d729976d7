using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

/// <summary>The server as an operator runs it: a separate process, configured by command line and environment.</summary>
public sealed class ConfigurationSpecs
{
    [Fact]
    public async Task With_no_root_it_serves_a_packages_folder_it_creates_in_the_working_directory()
    {
        var work = TempDirectory.Create("cwd");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0"], port: port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.True(Directory.Exists(Path.Combine(work, "packages")));
    }

    [Fact]
    public async Task The_root_can_come_from_a_PYPIFORGE_environment_variable()
    {
        var work = TempDirectory.Create("envroot");
        var root = Path.Combine(work, "from-env");
        TestDists.Wheel(root, "envpkg", "1.0");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0"],
            new Dictionary<string, string> { ["PYPIFORGE_CATALOG__ROOT"] = root }, port);

        Assert.True(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), server.Output);
        using var client = new HttpClient();
        Assert.Contains("envpkg/", await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/simple/")));
    }

    [Theory]
    [InlineData("--root", "{file}", "Catalog:Root (--root)")]
    [InlineData("--Catalog:ReconcileInterval", "banana", "Catalog:ReconcileInterval")]
    [InlineData("--Catalog:ReconcileInterval", "00:00:00", "Catalog:ReconcileInterval")]
    [InlineData("--Catalog:SettleDelay", "00:10:00", "Catalog:SettleDelay")]
    [InlineData("--Catalog:MaxMetadataBytes", "12", "Catalog:MaxMetadataBytes")]
    [InlineData("--Catalog:PageCacheMiB", "-1", "Catalog:PageCacheMiB is -1")]
    [InlineData("--state-dir", "{file}", "Catalog:StateDirectory (--state-dir)")]
    [InlineData("--grpc-port", "banana", "Grpc:Port (--grpc-port)")]
    [InlineData("--grpc-port", "70000", "Grpc:Port (--grpc-port)")]
    [InlineData("--urls", "https://127.0.0.1:0", "Urls (--urls)")]
    [InlineData("--urls", "http://some-host-name:8080", "Urls (--urls)")]
    [InlineData("--fallback", "sideways", "Upstream:Fallback (--fallback)")]
    [InlineData("--upstream", "ftp://mirror.example/simple/", "Upstream:Url (--upstream)")]
    [InlineData("--upstream", "https://pypi.example/simple/?page=2", "Upstream:Url (--upstream)")]
    [InlineData("--Upstream:PageTtl", "-00:00:01", "Upstream:PageTtl")]
    [InlineData("--Upstream:Timeout", "00:00:00", "Upstream:Timeout")]
    [InlineData("--Upstream:Timeout", "banana", "Upstream:Timeout")]
    [InlineData("--Upstream:BuildTargets", "cp311", "Upstream:BuildTargets")]
    [InlineData("--Upstream:CacheDirectory", "{file}", "Upstream:CacheDirectory")]
    [InlineData("--Upstream:AllowMerge", "good-name, -bad-", "Upstream:AllowMerge")]
    [InlineData("--Limits:MaxConnections", "0", "Limits:MaxConnections")]
    [InlineData("--Limits:MaxConnections", "banana", "Limits:MaxConnections")]
    [InlineData("--Limits:KeepAliveTimeout", "00:00:00", "Limits:KeepAliveTimeout")]
    [InlineData("--Limits:RequestHeadersTimeout", "banana", "Limits:RequestHeadersTimeout")]
    [InlineData("--Limits:MinRequestBodyDataRate", "-1", "Limits:MinRequestBodyDataRate")]
    [InlineData("--Limits:MinRequestBodyDataRateGracePeriod", "00:00:01", "Limits:MinRequestBodyDataRateGracePeriod")]
    [InlineData("--Agent:BuildTimeout", "-00:00:05", "Agent:BuildTimeout is -00:00:05")]
    [InlineData("--Agent:ExtraIndexUrls:0", "not a url", "Agent:ExtraIndexUrls:0 is 'not a url'")]
    [InlineData("--Agent:WorkerCount", "-3", "Agent:WorkerCount is -3")]
    [InlineData("--Agent:WorkerCount", "banana", "Agent:WorkerCount")]
    [InlineData("--Agent:TransientRetries", "-1", "Agent:TransientRetries is -1")]
    [InlineData("--Agent:TransientRetries", "50", "Agent:TransientRetries is 50")]
    [InlineData("--Agent:TransientRetryDelay", "00:00:00", "Agent:TransientRetryDelay is 00:00:00")]
    [InlineData("--Queue:EmbeddedAgent", "maybe", "Queue:EmbeddedAgent")]
    public async Task An_invalid_value_stops_start_up_with_a_message_naming_the_key(string key, string value, string named)
    {
        var work = TempDirectory.Create("badconfig");
        var file = Path.Combine(work, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(work, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", key, value.Replace("{file}", file, StringComparison.Ordinal)], port: port);

        Assert.False(await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60)), "/health answered despite " + key);
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite " + key);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(named, server.Output);
        Assert.DoesNotContain("   at ", server.Output); // a message for a person, not a stack trace
    }
}
