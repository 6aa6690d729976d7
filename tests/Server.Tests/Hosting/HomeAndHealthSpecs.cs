using System.Net;
using System.Text.Json;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Hosting;

public sealed class HomeAndHealthSpecs
{
    [Fact]
    public async Task Home_page_shows_counts_and_snippets_with_this_servers_real_url()
    {
        await using var server = await ServerHost.StartAsync();
        TestDists.Wheel(server.Root, "alpha", "1.0");
        TestDists.Wheel(server.Root, "alpha", "1.1");
        TestDists.Wheel(server.Root, "beta", "1.0");
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetStringAsync("health")).Contains("\"files\":3", StringComparison.Ordinal)));

        using var response = await server.Client.GetAsync("");
        var html = await response.Content.ReadAsStringAsync();
        var index = server.IndexUrl;
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<strong id=\"project-count\">2</strong> projects, <strong id=\"file-count\">3</strong> files", html);
        Assert.Contains($"pip install --index-url {index} --trusted-host 127.0.0.1 PACKAGE", html);
        Assert.Contains($"index-url = {index}\ntrusted-host = 127.0.0.1", html);
        Assert.Contains($"uv pip install --index-url {index}", html);
        Assert.Contains($"poetry source add --priority=primary pypiforge {index}", html);
        Assert.Contains($"twine upload --repository-url {server.BaseUri}", html);
    }

    [Fact]
    public async Task A_host_header_with_markup_is_refused_and_never_reflected()
    {
        await using var server = await ServerHost.StartAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: evil\"><script>x</script>\r\nConnection: close\r\n\r\n"u8.ToArray());
        var answer = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.DoesNotContain("<script>x</script>", answer);
    }

    [Fact]
    public async Task Health_reports_healthy_with_counts()
    {
        await using var server = await ServerHost.StartAsync();
        using var response = await server.Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("checks").GetProperty("catalog").GetProperty("data").GetProperty("files").GetInt32());
    }

    [Fact]
    public async Task Unknown_paths_are_404_with_a_problem_body()
    {
        await using var server = await ServerHost.StartAsync();
        using var response = await server.Client.GetAsync("nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("404", await response.Content.ReadAsStringAsync());
    }
}
