using Microsoft.AspNetCore.Http;
using PypiForge.Server.Metrics;

namespace PypiForge.Server.Tests.Metrics;

/// <summary>The route label: a fixed set of classes, whatever the path holds.</summary>
public sealed class RouteClassSpecs
{
    [Theory]
    [InlineData("GET", "/simple", null, "simple_root")]
    [InlineData("GET", "/simple/", null, "simple_root")]
    [InlineData("GET", "/simple/requests/", null, "project")]
    [InlineData("HEAD", "/simple/Requests", null, "project")]
    [InlineData("GET", "/simplex", null, "other")]
    [InlineData("GET", "/packages/pf_dep-1.0-py2.py3-none-any.whl", null, "file")]
    [InlineData("GET", "/packages/sub/x-1.0.tar.gz.metadata", null, "file")]
    [InlineData("GET", "/upstream/requests/requests-2.0.tar.gz", null, "upstream_file")]
    [InlineData("POST", "/", "multipart/form-data; boundary=x", "upload")]
    [InlineData("POST", "/legacy", "multipart/form-data; boundary=x", "upload")]
    [InlineData("GET", "/", null, "pages")]
    [InlineData("GET", "/project/requests/", null, "pages")]
    [InlineData("GET", "/builds/abc", null, "pages")]
    [InlineData("GET", "/targets/", null, "pages")]
    [InlineData("GET", "/buildsx", null, "other")]
    [InlineData("GET", "/health", null, "health")]
    [InlineData("GET", "/metrics", null, "metrics")]
    [InlineData("GET", "/hangfire/jobs/enqueued", null, "hangfire")]
    [InlineData("POST", "/pypiforge.v1.BuildService/RequestBuild", "application/grpc", "grpc")]
    [InlineData("GET", "/wp-admin/../../etc/passwd", null, "other")]
    public void A_request_falls_in_one_of_a_fixed_set_of_classes(string method, string path, string? contentType, string expected)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = method;
        request.Path = path;
        request.ContentType = contentType;

        Assert.Equal(expected, RouteClass.Of(request));
    }
}
