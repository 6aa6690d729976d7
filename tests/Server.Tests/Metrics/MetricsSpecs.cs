using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PypiForge.Server.Auth;
using PypiForge.Server.Tests.Support;

namespace PypiForge.Server.Tests.Metrics;

/// <summary><c>GET /metrics</c> on a real server: scraped, parsed, and checked against activity whose size the test knows.</summary>
public sealed class MetricsSpecs : IDisposable
{
    internal const string Requests = "pypiforge_http_request_duration_seconds";
    private const string DepWheel = "pf_dep-1.0-py2.py3-none-any.whl";

    private readonly string folder = TempDirectory.Create("metrics");

    public void Dispose() => TempDirectory.Delete(folder);

    internal static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = PrometheusText.Parse(body);
        AssertHistogramsWellFormed(text);
        return text;
    }

    /// <summary>Requests of one route class and status code, as the histogram's _count says.</summary>
    internal static double RequestCount(PrometheusText text, string route, string code) =>
        text.Sum(Requests + "_count", ("route", route), ("code", code));

    /// <summary>Every histogram series: buckets never decrease as <c>le</c> grows, and the +Inf bucket equals _count.</summary>
    internal static void AssertHistogramsWellFormed(PrometheusText text)
    {
        foreach (var family in text.Types.Where(static t => t.Value == "histogram").Select(static t => t.Key))
        {
            var series = text.Where(family + "_bucket").GroupBy(static s => Key(s, "le"));
            foreach (var one in series)
            {
                var buckets = one.OrderBy(static s => s.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(s.Label("le"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
                for (var i = 1; i < buckets.Count; i++)
                {
                    Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family}{{{one.Key}}}: bucket le={buckets[i].Label("le")} is below le={buckets[i - 1].Label("le")}");
                }

                Assert.Equal("+Inf", buckets[^1].Label("le"));
                var count = Assert.Single(text.Samples, s => s.Name == family + "_count" && Key(s, null) == one.Key);
                Assert.Equal(count.Value, buckets[^1].Value);
            }
        }
    }

    private static string Key(PrometheusSample sample, string? except) =>
        string.Join(',', sample.Labels.Where(l => l.Key != except).OrderBy(static l => l.Key, StringComparer.Ordinal).Select(static l => $"{l.Key}={l.Value}"));

    [Fact]
    public async Task Known_activity_moves_the_request_upload_and_catalog_metrics_by_known_amounts()
    {
        var root = Path.Combine(folder, "root");
        Directory.CreateDirectory(root);
        File.Copy(DistFixtures.Path(DepWheel), Path.Combine(root, DepWheel));
        await using var server = await ServerHost.StartAsync(root);
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Client.GetAsync("simple/pf-dep/")).StatusCode == HttpStatusCode.OK));
        var sdist = DistFixtures.Path("pf-pure-1.0.tar.gz");

        var before = await ScrapeAsync(server.Client);
        for (var i = 0; i < 3; i++)
        {
            using var page = await server.Client.GetAsync("simple/pf-dep/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var rootPage = await server.Client.GetAsync("simple/"))
            Assert.Equal(HttpStatusCode.OK, rootPage.StatusCode);
        using (var download = await server.Client.GetAsync("packages/" + DepWheel))
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        using (var missing = await server.Client.GetAsync("simple/no-such-project/"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var stored = await UploadClient.PostAsync(server.Client, UploadClient.Form(sdist, "pf-pure", "1.0")))
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        using (var again = await UploadClient.PostAsync(server.Client, UploadClient.Form(sdist, "pf-pure", "1.0")))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using (var refused = await UploadClient.PostAsync(server.Client, UploadClient.Form(sdist, "pf-pure", "1.0", fields: new Dictionary<string, string?> { [":action"] = null })))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var after = await ScrapeAsync(server.Client);

        Assert.Equal("histogram", after.Types[Requests]);
        Assert.Equal(3, RequestCount(after, "project", "200") - RequestCount(before, "project", "200"));
        Assert.Equal(1, RequestCount(after, "simple_root", "200") - RequestCount(before, "simple_root", "200"));
        Assert.Equal(1, RequestCount(after, "file", "200") - RequestCount(before, "file", "200"));
        Assert.Equal(1, RequestCount(after, "project", "404") - RequestCount(before, "project", "404"));
        Assert.Equal(2, RequestCount(after, "upload", "200") - RequestCount(before, "upload", "200"));
        Assert.Equal(1, RequestCount(after, "upload", "400") - RequestCount(before, "upload", "400"));
        Assert.True(RequestCount(after, "metrics", "200") >= 1, "the first scrape is not counted");
        Assert.Equal(1, after.Sum("pypiforge_uploads_total", ("outcome", "stored")) - before.Sum("pypiforge_uploads_total", ("outcome", "stored")));
        Assert.Equal(1, after.Sum("pypiforge_uploads_total", ("outcome", "already_served")) - before.Sum("pypiforge_uploads_total", ("outcome", "already_served")));
        Assert.Equal(1, after.Sum("pypiforge_uploads_total", ("outcome", "refused")) - before.Sum("pypiforge_uploads_total", ("outcome", "refused")));
        Assert.Equal(2 * new FileInfo(sdist).Length, after.Sum("pypiforge_upload_bytes_total") - before.Sum("pypiforge_upload_bytes_total"));
        Assert.Equal(2, after.One("pypiforge_catalog_files"));
        Assert.Equal(2, after.One("pypiforge_catalog_projects"));
        Assert.Equal(0, after.One("pypiforge_catalog_rejected_files"));
        Assert.Equal("gauge", after.Types["pypiforge_catalog_files"]);
        Assert.Contains(after.Samples, static s => s.Name.StartsWith("kestrel_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fifty_random_project_names_and_file_names_add_no_series_and_no_name_to_any_label()
    {
        await using var server = await ServerHost.StartAsync();
        using (var warm = await server.Client.GetAsync("simple/warm-up-name/"))
        using (var warmFile = await server.Client.GetAsync("packages/warm-1.0.tar.gz"))
        {
            Assert.Equal(HttpStatusCode.NotFound, warm.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, warmFile.StatusCode);
        }

        var before = await ScrapeAsync(server.Client);
        var names = Enumerable.Range(0, 50).Select(static _ => "p" + Guid.NewGuid().ToString("N")[..12]).ToList();
        foreach (var name in names)
        {
            using var page = await server.Client.GetAsync($"simple/{name}/");
            using var file = await server.Client.GetAsync($"packages/{name}-1.0.tar.gz");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        }

        var after = await ScrapeAsync(server.Client);

        Assert.Equal(50, RequestCount(after, "project", "404") - RequestCount(before, "project", "404"));
        Assert.Equal(50, RequestCount(after, "file", "404") - RequestCount(before, "file", "404"));
        // Only the scrape's own series may be new (the first scrape is counted once it has answered).
        var seriesBefore = before.Where(Requests + "_count").Select(static s => s.Label("route") + " " + s.Label("code")).ToHashSet();
        var added = after.Where(Requests + "_count").Select(static s => s.Label("route") + " " + s.Label("code")).Except(seriesBefore).ToList();
        Assert.True(added.All(static s => s == "metrics 200"), "new series: " + string.Join(", ", added));
        Assert.DoesNotContain(after.Samples, s => s.Labels.Values.Any(v => names.Exists(n => v.Contains(n, StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Under_the_default_loopback_access_a_local_scraper_is_answered_and_a_rebinding_host_name_is_refused()
    {
        await using var server = await ServerHost.StartAsync();

        await ScrapeAsync(server.Client);
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Host = "evil.example";
        using var rebound = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);
        Assert.Contains("Metrics:Access", await rebound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_access_answers_under_any_host_name()
    {
        await using var server = await ServerHost.StartAsync(null, "--Metrics:Access", "open");
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Host = "index.example";

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE pypiforge_catalog_files gauge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_access_wants_a_credential_with_the_admin_permission()
    {
        await using var server = await ServerHost.StartAsync(null, "--Metrics:Access", "admin");
        var tokens = server.Services.GetRequiredService<TokenStore>();
        var (_, admin) = tokens.Create("ops", Permissions.Admin, null);
        var (_, reader) = tokens.Create("ci", Permissions.Read, null);

        using var anonymous = await server.Client.GetAsync("metrics");
        using var withRead = await GetAsync(server.Client, "metrics", reader);
        using var withAdmin = await GetAsync(server.Client, "metrics", admin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withRead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withAdmin.StatusCode);
        Assert.Equal("gauge", PrometheusText.Parse(await withAdmin.Content.ReadAsStringAsync()).Types["pypiforge_catalog_projects"]);
    }

    [Fact]
    public async Task Off_has_no_endpoint_and_no_exporter()
    {
        await using var server = await ServerHost.StartAsync(null, "--Metrics:Access", "off");
        using var page = await server.Client.GetAsync("simple/");

        using var response = await server.Client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(server.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    [Theory]
    [InlineData("sometimes", "Metrics:Access is 'sometimes'")]
    [InlineData("7", "Metrics:Access is '7'")]
    public async Task A_bad_access_value_stops_start_up_with_exit_code_2_and_a_message_naming_the_key(string value, string message)
    {
        var port = ServerProcess.FreePort();
        await using var server = ServerProcess.Start(folder, ["--urls", $"http://127.0.0.1:{port}", "--grpc-port", "0", "--root", Path.Combine(folder, "root"), "--Metrics:Access", value], port: port);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the server started despite Metrics:Access " + value);
        Assert.Equal(2, server.ExitCode);
        Assert.Contains(message, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
