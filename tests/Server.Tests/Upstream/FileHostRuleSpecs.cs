using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PypiForge.Server.Catalog;
using PypiForge.Server.Upstream;

namespace PypiForge.Server.Tests.Upstream;

/// <summary>The rule tables behind <c>Upstream:FileHosts</c>: which file URLs pass, and which addresses a connection
/// may reach, with the configured upstream at <c>https://pypi.example/simple/</c>.</summary>
public sealed class FileHostRuleSpecs
{
    private static UpstreamFileHosts Hosts(string fileHosts, string upstream = "https://pypi.example/simple/")
    {
        var options = Options.Create(new UpstreamOptions { Url = upstream, FileHosts = fileHosts });
        return new UpstreamFileHosts(new UpstreamPaths(options, Options.Create(new CatalogOptions())), options, NullLogger<UpstreamFileHosts>.Instance);
    }

    private static UpstreamIndex Index(string url = "https://pypi.example/simple/")
    {
        Assert.Null(UpstreamIndex.TryCreate(url, out var index));
        return index!;
    }

    [Theory]
    [InlineData("files.pythonhosted.org", "https://pypi.example/packages/a.whl", true)] // the upstream's own host
    [InlineData("", "https://pypi.example/packages/a.whl", true)]
    [InlineData("", "http://pypi.example/packages/a.whl", false)] // not its scheme
    [InlineData("", "https://pypi.example:8443/packages/a.whl", false)] // not its port
    [InlineData("files.pythonhosted.org", "https://files.pythonhosted.org/packages/a.whl", true)]
    [InlineData("files.pythonhosted.org", "https://FILES.pythonhosted.org./packages/a.whl", true)]
    [InlineData("files.pythonhosted.org", "https://evil.files.pythonhosted.org.example/a.whl", false)]
    [InlineData("files.pythonhosted.org", "http://127.0.0.1:8080/hangfire/a.whl", false)]
    [InlineData("files.pythonhosted.org", "http://169.254.169.254/latest/meta-data/a.whl", false)]
    [InlineData("files.pythonhosted.org", "file:///etc/passwd", false)]
    [InlineData("mirror.lan:8443", "https://mirror.lan:8443/a.whl", true)]
    [InlineData("mirror.lan:8443", "https://mirror.lan/a.whl", false)]
    [InlineData("10.0.0.0/8", "http://10.1.2.3:9000/a.whl", true)]
    [InlineData("10.0.0.0/8", "http://11.1.2.3/a.whl", false)]
    [InlineData("127.0.0.1:9000", "http://127.0.0.1:9000/a.whl", true)]
    [InlineData("127.0.0.1:9000", "http://127.0.0.1:9001/a.whl", false)]
    [InlineData("[fd00::5]:8443", "https://[fd00::5]:8443/a.whl", true)]
    public void A_file_url_is_fetched_only_from_the_upstreams_own_host_or_a_listed_one(string fileHosts, string url, bool allowed)
    {
        Assert.Equal(allowed, Hosts(fileHosts).Refusal(Index(), new Uri(url)) is null);
    }

    [Theory]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "151.101.0.223", true)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "127.0.0.1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "::ffff:10.0.0.1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "169.254.169.254", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "192.168.1.1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "172.31.0.1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "0.0.0.0", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "::1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "fe80::1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "fd12::1", false)]
    [InlineData("files.pythonhosted.org", "files.pythonhosted.org", 443, "2a04:4e42::223", true)]
    [InlineData("files.pythonhosted.org", "pypi.example", 443, "10.0.0.7", true)] // the configured upstream's own host
    [InlineData("files.pythonhosted.org", "pypi.example", 80, "10.0.0.7", false)]
    [InlineData("files.lan", "files.lan", 443, "10.1.2.3", false)] // a listed name does not unlock inward addresses
    [InlineData("files.lan 10.1.0.0/16", "files.lan", 443, "10.1.2.3", true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000, "127.0.0.1", true)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9001, "127.0.0.1", false)]
    public void A_connection_reaches_an_inward_address_only_when_the_operator_said_so(string fileHosts, string host, int port, string address, bool allowed)
    {
        Assert.Equal(allowed, Hosts(fileHosts).ConnectRefusal(host, port, IPAddress.Parse(address)) is null);
    }

    [Theory]
    [InlineData("files.pythonhosted.org")]
    [InlineData("mirror.lan:8443")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/8")]
    [InlineData("10.1.2.3")]
    [InlineData("fd00::5")]
    [InlineData("[fd00::5]:8443")]
    public void Good_entries_parse(string entry)
    {
        Assert.Null(FileHostRule.TryParse(entry, out var rule));
        Assert.Equal(entry, rule!.ToString());
    }

    [Theory]
    [InlineData("https://files.example.org/", "a URL")]
    [InlineData("files.example.org:0", "port")]
    [InlineData("files.example.org:https", "port")]
    [InlineData("10.0.0.1/8", "bits set past the prefix")]
    [InlineData("10.0.0.0/33", "not an address range")]
    [InlineData("[fd00::5", "']'")]
    [InlineData("*.example.org", "not a host name")]
    [InlineData("999.1.1.1", "not a host name")]
    public void Bad_entries_say_what_is_wrong(string entry, string reason)
    {
        Assert.Contains(reason, FileHostRule.TryParse(entry, out _));
    }
}
