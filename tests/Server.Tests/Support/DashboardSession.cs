namespace PypiForge.Server.Tests.Support;

/// <summary>A browser's view of the Hangfire dashboard: its cookies, and the antiforgery token its pages carry in a meta
/// tag, which its forms (delete, requeue) send back.</summary>
public sealed partial class DashboardSession(Uri baseUri) : IDisposable
{
    private readonly HttpClient client = new(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = baseUri };

    public async Task<string> TokenAsync()
    {
        var page = await client.GetStringAsync("/hangfire");
        Assert.Contains("<meta name=\"csrf-header\" content=\"RequestVerificationToken\">", page);
        return CsrfToken().Match(page).Groups[1].Value;
    }

    /// <summary>Posts a dashboard form (<c>jobs[]=no-such-job</c>, which actions on one job ignore) with the token.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string? token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = "no-such-job" }),
        };
        if (token is not null)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public void Dispose() => client.Dispose();

    [System.Text.RegularExpressions.GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial System.Text.RegularExpressions.Regex CsrfToken();
}
