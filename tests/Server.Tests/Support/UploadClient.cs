using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace PypiForge.Server.Tests.Support;

/// <summary>Builds legacy-API upload requests as twine does, and runs the real tools (htpasswd, twine).</summary>
public static class UploadClient
{
    /// <summary>A twine-like multipart form for <paramref name="path"/>; <paramref name="fields"/> override or add fields
    /// (a null value removes one).</summary>
    public static MultipartFormDataContent Form(
        string path,
        string name,
        string version,
        string? fileName = null,
        IReadOnlyDictionary<string, string?>? fields = null)
    {
        var bytes = File.ReadAllBytes(path);
        fileName ??= Path.GetFileName(path);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [":action"] = "file_upload",
            ["protocol_version"] = "1",
            ["name"] = name,
            ["version"] = version,
            ["filetype"] = fileName.EndsWith(".whl", StringComparison.Ordinal) ? "bdist_wheel" : "sdist",
            ["pyversion"] = fileName.EndsWith(".whl", StringComparison.Ordinal) ? "py3" : "source",
            ["metadata_version"] = "2.1",
            ["sha256_digest"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
#pragma warning disable CA5351 // twine sends md5_digest; the server checks it
            ["md5_digest"] = Convert.ToHexStringLower(MD5.HashData(bytes)),
#pragma warning restore CA5351
        };
        foreach (var (key, value) in fields ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var form = new MultipartFormDataContent();
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                form.Add(new StringContent(value, Encoding.UTF8), Quoted(key));
            }
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "\"content\"", Quoted(fileName));
        return form;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, HttpContent content, AuthenticationHeaderValue? credentials = null, string path = "/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = credentials;
        return await client.SendAsync(request);
    }

    /// <summary>Writes an htpasswd file with Apache's own tool: flag "B" bcrypt, "m" apr1, "s" SHA-1.</summary>
    public static async Task<string> HtpasswdAsync(string folder, params (string User, string Password, string Flag)[] users)
    {
        var path = Path.Combine(folder, "users.htpasswd");
        var create = true;
        foreach (var (user, password, flag) in users)
        {
            var result = await PythonClient.RunAsync("htpasswd", [create ? "-cb" + flag : "-b" + flag, path, user, password]);
            Assert.True(result.ExitCode == 0, $"htpasswd failed (apt-get install apache2-utils; scripts/test.sh does): {result}");
            create = false;
        }

        return path;
    }

    /// <summary>Runs Debian's twine (apt-get install twine) with no configuration or keyring of the machine.</summary>
    public static async Task<ProcessResult> TwineAsync(string repositoryUrl, string user, string password, params string[] files)
    {
        var home = TempDirectory.Create("twine-home");
        try
        {
            return await PythonClient.RunAsync(
            "/usr/bin/twine",
            ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", repositoryUrl, "-u", user, "-p", password, .. files],
            extraEnv: new Dictionary<string, string?>
            {
                ["HOME"] = home,
                ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring",
                ["TWINE_USERNAME"] = null,
                ["TWINE_PASSWORD"] = null,
                ["TWINE_REPOSITORY_URL"] = null,
                ["NO_COLOR"] = "1",
            });
        }
        finally
        {
            TempDirectory.Delete(home);
        }
    }

    /// <summary>Files in the root other than the state folder: what an upload left behind.</summary>
    /// <summary>Writes a flit project <paramref name="project"/> at <paramref name="version"/> under <paramref name="folder"/>
    /// and runs the real <c>flit publish</c> against <paramref name="legacyUrl"/> with the given credentials.</summary>
    public static async Task<ProcessResult> FlitPublishAsync(string folder, string project, string version, string legacyUrl, string user, string password)
    {
        var module = project.Replace('-', '_');
        var root = Path.Combine(folder, "flit-project");
        Directory.CreateDirectory(Path.Combine(root, module));
        await File.WriteAllTextAsync(Path.Combine(root, "pyproject.toml"), $$"""
            [build-system]
            requires = ["flit_core >=3.2,<4"]
            build-backend = "flit_core.buildapi"

            [project]
            name = "{{project}}"
            authors = [{name = "Test"}]
            dynamic = ["version", "description"]
            """);
        await File.WriteAllTextAsync(Path.Combine(root, module, "__init__.py"), $"\"\"\"A flit test package.\"\"\"\n__version__ = \"{version}\"\n");

        return await PythonClient.RunAsync("/usr/bin/flit", ["publish"], workingDir: root, extraEnv: new Dictionary<string, string?>
        {
            ["HOME"] = folder,
            ["FLIT_INDEX_URL"] = legacyUrl,
            ["FLIT_USERNAME"] = user,
            ["FLIT_PASSWORD"] = password,
            ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring",
        });
    }

    /// <summary>Runs Debian's pdm (apt-get install python3-pdm) as <c>pdm publish --no-build</c> from a pdm project whose
    /// dist/ holds <paramref name="files"/>: pdm's own build would fetch its back-end from PyPI, which tests cannot reach.</summary>
    public static async Task<ProcessResult> PdmPublishAsync(string folder, string project, string version, string repositoryUrl, string user, string password, params string[] files)
    {
        var root = Path.Combine(folder, "pdm-project");
        Directory.CreateDirectory(Path.Combine(root, "dist"));
        await File.WriteAllTextAsync(Path.Combine(root, "pyproject.toml"), $$"""
            [project]
            name = "{{project}}"
            version = "{{version}}"

            [build-system]
            requires = ["pdm-pep517>=1.0"]
            build-backend = "pdm.pep517.api"
            """);
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(root, "dist", Path.GetFileName(file)));
        }

        return await PythonClient.RunAsync("/usr/bin/pdm", ["publish", "--no-build", "-r", repositoryUrl, "-u", user, "-P", password], workingDir: root,
            extraEnv: new Dictionary<string, string?>
            {
                ["HOME"] = folder,
                // pdm asks PyPI for a newer pdm after every command, and fails the command when it cannot reach it.
                ["PDM_CHECK_UPDATE"] = "false",
                ["PDM_USE_VENV"] = "false",
                ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring",
            });
    }

    public static string[] FilesIn(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p))
            .Where(p => !p.StartsWith(".pypiforge", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static string Quoted(string value) => $"\"{value}\"";
}
