using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Auth;

/// <summary>The default set-up (loopback is admin) against what a hostile web page can make a browser send: form POSTs
/// from another origin and DNS-rebinding requests. twine-style requests (no Origin, no Sec-Fetch-Site) still work.</summary>
public sealed class CrossSiteSpecs : IAsyncLifetime
{
    private const string Dep = "pf_dep-1.0-py2.py3-none-any.whl";
    private const string Evil = "http://evil.example";
    private ServerHost server = null!;

    public async Task InitializeAsync()
    {
        var root = TempDirectory.Create("cross-site-root");
        TestDists.Wheel(root, "pf_gone", "1.0");
        server = await ServerHost.StartAsync(root);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TempDirectory.Delete(server.Root);
    }

    [Theory]
    [InlineData("Origin", Evil)]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task An_upload_a_browser_sends_for_another_site_is_refused_and_nothing_is_stored(string header, string value)
    {
        using var response = await SendAsync(HttpMethod.Post, "/", UploadForm(), (header, value));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("cross-site request refused: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Root, Dep)));
        Assert.Contains(server.Logs.Messages(), m => m.StartsWith("Refused a cross-site POST /", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upload_from_the_servers_own_origin_is_accepted()
    {
        var own = server.BaseUri.GetLeftPart(UriPartial.Authority);

        using var response = await SendAsync(HttpMethod.Post, "/", UploadForm(), ("Origin", own), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(server.Root, Dep)));
    }

    [Fact]
    public async Task A_twine_style_upload_without_Origin_is_accepted()
    {
        using var response = await UploadClient.PostAsync(server.Client, UploadForm());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(server.Root, Dep)));
    }

    [Fact]
    public async Task A_remove_pkg_from_another_origin_leaves_the_release_in_place()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("remove_pkg"), "\":action\"" },
            { new StringContent("pf-gone"), "\"name\"" },
            { new StringContent("1.0"), "\"version\"" },
        };

        using var response = await SendAsync(HttpMethod.Post, "/", form, ("Origin", Evil));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(server.Root, "pf_gone-1.0-py3-none-any.whl")));
    }

    [Fact]
    public async Task The_dashboards_forms_refuse_another_origin_and_still_work_from_their_own()
    {
        using var dashboard = new DashboardSession(server.BaseUri);
        var token = await dashboard.TokenAsync();

        using var foreign = await dashboard.PostAsync("/hangfire/jobs/enqueued/delete", token, ("Origin", Evil));
        using var own = await dashboard.PostAsync("/hangfire/jobs/enqueued/delete", token, ("Origin", server.BaseUri.GetLeftPart(UriPartial.Authority)));

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.True(own.IsSuccessStatusCode, $"{own.StatusCode}");
    }

    [Fact]
    public async Task A_dashboard_form_without_the_pages_antiforgery_token_is_refused()
    {
        // A page elsewhere that gets past the Origin check (a browser that sends neither header) still cannot read
        // the dashboard's token, so its forged POST carries none, or a made-up one.
        using var dashboard = new DashboardSession(server.BaseUri);
        await dashboard.TokenAsync();

        using var none = await dashboard.PostAsync("/hangfire/jobs/enqueued/delete", token: null);
        using var madeUp = await dashboard.PostAsync("/hangfire/jobs/enqueued/delete", token: "CfDJ8-made-up");

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, madeUp.StatusCode);
    }

    [Fact]
    public async Task Reads_from_another_origin_are_served()
    {
        using var response = await SendAsync(HttpMethod.Get, "/simple/", null, ("Origin", Evil), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_DNS_rebinding_request_gets_no_loopback_trust_but_may_still_read()
    {
        using var upload = await SendAsync(HttpMethod.Post, "/", UploadForm(), ("Host", "evil.example"));
        using var read = await SendAsync(HttpMethod.Get, "/simple/pf-gone/", null, ("Host", "evil.example"));
        using var localhost = await SendAsync(HttpMethod.Post, "/", UploadForm(), ("Host", $"localhost:{server.BaseUri.Port}"));

        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, localhost.StatusCode);
        Assert.True(File.Exists(Path.Combine(server.Root, Dep)));
    }

    [Fact]
    public async Task GRPC_calls_are_left_alone()
    {
        using var channel = GrpcChannel.ForAddress(server.GrpcUri!);
        var packages = new PackageService.PackageServiceClient(channel);

        var listed = await packages.ListProjectsAsync(new ListProjectsRequest(), new Metadata { { "origin", Evil } });

        Assert.Contains(listed.Projects, p => p.Name is "pf-gone" or "pf_gone");
    }

    private static MultipartFormDataContent UploadForm() => UploadClient.Form(DistFixtures.Path(Dep), "pf-dep", "1.0");


    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await server.Client.SendAsync(request);
    }
}
