using Microsoft.Extensions.Primitives;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Tests.SimpleIndex;

public sealed class ContentNegotiationSpecs
{
    [Theory]
    // What real clients send.
    [InlineData("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", IndexFormat.JsonV1)] // pip >= 22.2
    [InlineData("text/html", IndexFormat.Html)] // pip <= 22.1
    [InlineData("", IndexFormat.Html)] // no header: every old client
    [InlineData("*/*", IndexFormat.Html)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", IndexFormat.Html)] // a browser
    // PEP 691's own examples and q-value rules.
    [InlineData("application/vnd.pypi.simple.v1+html", IndexFormat.HtmlV1)]
    [InlineData("application/vnd.pypi.simple.latest+json", IndexFormat.JsonV1)]
    [InlineData("application/vnd.pypi.simple.latest+html", IndexFormat.HtmlV1)]
    [InlineData("application/vnd.pypi.simple.v1+json;q=0.2, text/html;q=0.9", IndexFormat.Html)]
    [InlineData("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html", IndexFormat.JsonV1)]
    [InlineData("APPLICATION/VND.PYPI.SIMPLE.V1+JSON", IndexFormat.JsonV1)]
    [InlineData("application/*", IndexFormat.HtmlV1)]
    [InlineData("text/*", IndexFormat.Html)]
    [InlineData("*/*;q=0.5, application/vnd.pypi.simple.v1+json;q=0.4", IndexFormat.Html)]
    [InlineData("application/vnd.pypi.simple.v1+json;q=0, */*", IndexFormat.Html)]
    public void Accept_header_picks_the_best_offered_representation(string accept, IndexFormat expected) =>
        Assert.Equal(expected, ContentNegotiation.Negotiate(StringValues.Empty, accept));

    [Theory]
    [InlineData("application/json")]
    [InlineData("image/png")]
    [InlineData("application/vnd.pypi.simple.v2+json")]
    [InlineData("text/html;q=0, application/vnd.pypi.simple.v1+json;q=0, application/vnd.pypi.simple.v1+html;q=0")]
    [InlineData("*/*;q=0")]
    public void Nothing_acceptable_gives_no_format(string accept) =>
        Assert.Null(ContentNegotiation.Negotiate(StringValues.Empty, accept));

    [Theory]
    [InlineData("application/vnd.pypi.simple.v1+json", IndexFormat.JsonV1)]
    [InlineData("application/vnd.pypi.simple.latest+json", IndexFormat.JsonV1)]
    [InlineData("json", IndexFormat.JsonV1)]
    [InlineData("application/vnd.pypi.simple.v1+html", IndexFormat.HtmlV1)]
    [InlineData("text/html", IndexFormat.Html)]
    [InlineData("html", IndexFormat.Html)]
    public void Format_query_overrides_the_accept_header(string format, IndexFormat expected) =>
        Assert.Equal(expected, ContentNegotiation.Negotiate(format, "image/png"));

    [Fact]
    public void Unknown_format_query_is_not_acceptable() =>
        Assert.Null(ContentNegotiation.Negotiate("yaml", "*/*"));

    [Theory]
    [InlineData(IndexFormat.JsonV1, "application/vnd.pypi.simple.v1+json")]
    [InlineData(IndexFormat.HtmlV1, "application/vnd.pypi.simple.v1+html")]
    [InlineData(IndexFormat.Html, "text/html; charset=utf-8")]
    public void Content_type_is_exact(IndexFormat format, string contentType) =>
        Assert.Equal(contentType, ContentNegotiation.ContentType(format));
}
