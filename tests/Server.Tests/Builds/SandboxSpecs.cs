using Grpc.Core;
using PypiForge.Protos.V1;
using PypiForge.Server.Tests.Support;
using PypiForge.Tests.Common;

namespace PypiForge.Server.Tests.Builds;

/// <summary>
/// A build runs the sdist's own code. Here that code attacks, as a red team did: it tries to write into the package
/// folder, read the state folder, tokens, htpasswd and the server's environment and command line, signal the server,
/// see other processes and builds, and leave a process running. Real server, real pip, real bubblewrap.
/// </summary>
public sealed class SandboxSpecs
{
    private static readonly string[] Attempts =
    [
        "write_package_folder", "overwrite_served_wheel", "list_state_folder", "read_tokens", "read_htpasswd",
        "read_server_environ", "read_server_cmdline", "signal_server", "read_shadow", "write_usr", "list_root_ssh",
        "read_init_environ", "upload_over_loopback",
    ];

    [Fact]
    public async Task A_hostile_sdist_reaches_none_of_the_servers_files_secrets_or_processes_and_leaves_nothing_running()
    {
        var staging = TempDirectory.Create("hostile");
        var marker = HostProcesses.Marker();
        var htpasswd = await UploadClient.HtpasswdAsync(staging, ("admin", "admin-pw", "B"));
        await using var server = await BuildServer.StartAsync([DistFixtures.Path("pf_pure-1.0-py2.py3-none-any.whl")]);
        var root = server.Host.Root;
        var state = Path.Combine(root, ".pypiforge");
        // The targets exist on the host, so "absent" in the sandbox means hidden, not missing.
        await File.WriteAllTextAsync(Path.Combine(state, "decoy-secret"), "pypf_decoy");
        Assert.True(File.Exists(htpasswd));
        var sdist = Hostile(staging, "pf-hostile", new Paths(root, state, htpasswd, Environment.ProcessId, marker, server.Host.BaseUri.AbsoluteUri));
        File.Move(sdist, Path.Combine(root, Path.GetFileName(sdist)));
        Assert.True(await ServerHost.EventuallyAsync(async () => (await server.Host.Client.GetAsync("/simple/pf-hostile/")).IsSuccessStatusCode), "the dropped sdist was not indexed");
        var servedBefore = Served(root);
        var stateBefore = Listing(state);

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-hostile" }, Targets = { BuildServer.Cp311 } });
        var build = await server.WaitForEndAsync(requested.Id);

        var log = build.Targets.Single().LogTail.ToList();
        var report = log.Where(static l => l.Contains("HOSTILE ", StringComparison.Ordinal))
            .Select(static l => l[(l.IndexOf("HOSTILE ", StringComparison.Ordinal) + 8)..].Split(' ', 2))
            .ToDictionary(static p => p[0], static p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
        Assert.True(report.ContainsKey("done"), "setup.py did not run to its end:\n" + string.Join('\n', log));
        Assert.All(Attempts, attempt => Assert.True(
            report.TryGetValue(attempt, out var outcome) && outcome.StartsWith("denied", StringComparison.Ordinal),
            $"{attempt}: {outcome}\n{string.Join('\n', log)}"));
        Assert.NotEqual("0", report["uid"]);
        Assert.Equal("0000000000000000", report["capabilities"]);
        Assert.Equal("[]", report["other_builds"]);
        Assert.DoesNotContain("dotnet", report["processes"], StringComparison.Ordinal);
        Assert.DoesNotContain("testhost", report["processes"], StringComparison.Ordinal);
        Assert.Equal("[]", report["secrets_in_environment"]);

        Assert.Equal(BuildState.Failed, build.State);
        Assert.Equal(servedBefore, Served(root));
        // The server itself adds the build's log under builds/; nothing else changed.
        Assert.Equal(stateBefore, Listing(state).Where(static f => !f.StartsWith("builds/", StringComparison.Ordinal)));
        Assert.True(await ServerHost.EventuallyAsync(() => Task.FromResult(HostProcesses.WithArgument(marker).Count == 0), TimeSpan.FromSeconds(10)),
            "the process setup.py left in the background outlived the build: " + string.Join(", ", HostProcesses.WithArgument(marker)));
    }

    [Fact]
    public async Task On_a_private_index_a_build_reads_with_a_token_of_its_own_that_stops_working_when_the_build_ends()
    {
        var folder = TempDirectory.Create("private-sandbox");
        var htpasswd = await UploadClient.HtpasswdAsync(folder, ("builder", "builder-pw", "B"));
        var signIn = new Metadata { { "authorization", UploadClient.Basic("builder", "builder-pw").ToString() } };
        var setup = """
            import os, sys
            url = os.environ.get("PIP_INDEX_URL", "")
            print("BUILD-INDEX-URL " + url)
            print("BUILD-ARGV " + open("/proc/1/cmdline", "rb").read().replace(b"\0", b" ").decode() if os.access("/proc/1/cmdline", os.R_OK) else "BUILD-ARGV unreadable")
            sys.exit(1)
            """;
        var sdist = TestDists.Sdist(folder, "pf-token-1.0", "pf-token", "1.0", setupPy: setup);
        await using var server = await BuildServer.StartAsync([sdist], signIn, false,
            "--htpasswd", htpasswd, "--Auth:AnonymousRead", "false", "--Auth:TrustLoopback", "Never");

        var requested = await server.Client.RequestBuildAsync(new RequestBuildRequest { Requirements = { "pf-token" }, Targets = { BuildServer.Cp311 } }, signIn);
        var build = await server.WaitForEndAsync(requested.Id, signIn);

        // pip got the sdist (setup.py ran), so the build's token read the private index; it came in pip's environment.
        var log = build.Targets.Single().LogTail.ToList();
        var line = Assert.Single(log, static l => l.Contains("BUILD-INDEX-URL ", StringComparison.Ordinal));
        var url = new Uri(line[(line.IndexOf("BUILD-INDEX-URL ", StringComparison.Ordinal) + 16)..].Trim());
        Assert.StartsWith("__token__:pypf_", Uri.UnescapeDataString(url.UserInfo), StringComparison.Ordinal);
        var token = Uri.UnescapeDataString(url.UserInfo)["__token__:".Length..];
        // Not on pip's command line, which every user of the machine can read.
        Assert.DoesNotContain(log, l => l.Contains("--index-url", StringComparison.Ordinal) && l.Contains("pypf_", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/simple/");
        request.Headers.Authorization = UploadClient.Basic("__token__", token);
        using var response = await server.Host.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        TempDirectory.Delete(folder);
    }

    /// <summary>Where the hostile setup.py looks.</summary>
    private sealed record Paths(string Packages, string State, string Htpasswd, int ServerPid, string Marker, string Server);

    private static string Hostile(string folder, string name, Paths paths)
    {
        var setup = $$"""
            import glob, json, os, signal, subprocess, sys
            PACKAGES = {{Py(paths.Packages)}}
            STATE = {{Py(paths.State)}}
            HTPASSWD = {{Py(paths.Htpasswd)}}
            SERVER = {{paths.ServerPid}}
            MARKER = {{Py(paths.Marker)}}
            SERVER_URL = {{Py(paths.Server)}}

            def attempt(name, action):
                try:
                    result = action()
                    print("HOSTILE %s ALLOWED %r" % (name, result)[:300])
                except Exception as e:
                    print("HOSTILE %s denied %s" % (name, type(e).__name__))

            served = sorted(glob.glob(os.path.join(PACKAGES, "*.whl")))
            attempt("write_package_folder", lambda: open(os.path.join(PACKAGES, "pf_evil-6.6.6-py3-none-any.whl"), "wb").write(b"PK"))
            attempt("overwrite_served_wheel", lambda: open(os.path.join(PACKAGES, "pf_pure-1.0-py2.py3-none-any.whl"), "wb").write(b"PK"))
            attempt("list_state_folder", lambda: os.listdir(STATE))
            attempt("read_tokens", lambda: open(os.path.join(STATE, "tokens.json")).read())
            attempt("read_htpasswd", lambda: open(HTPASSWD).read())
            attempt("read_server_environ", lambda: open("/proc/%d/environ" % SERVER, "rb").read())
            attempt("read_server_cmdline", lambda: open("/proc/%d/cmdline" % SERVER, "rb").read())
            attempt("signal_server", lambda: os.kill(SERVER, 0))
            attempt("read_shadow", lambda: open("/etc/shadow").read())
            attempt("write_usr", lambda: open("/usr/pypiforge-evil", "w").write("x"))
            attempt("list_root_ssh", lambda: os.listdir("/root/.ssh"))
            attempt("read_init_environ", lambda: open("/proc/1/environ", "rb").read())
            def upload():
                # The server trusts unsigned loopback requests on a fresh install; the build is on loopback too.
                import urllib.request, urllib.error
                body = b'--b0undary\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n--b0undary--\r\n'
                request = urllib.request.Request(SERVER_URL, data=body, headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
                try:
                    return urllib.request.urlopen(request, timeout=20).status
                except urllib.error.HTTPError as e:
                    if e.code in (401, 403):
                        raise PermissionError(e.code)
                    return e.code
            attempt("upload_over_loopback", upload)
            print("HOSTILE uid %d" % os.getuid())
            caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff:")]
            print("HOSTILE capabilities %s" % caps[0])
            others = glob.glob("/tmp/pypiforge-build-*") + glob.glob("/var/tmp/pypiforge-build-*") + glob.glob(os.path.join(os.path.dirname(PACKAGES), "pypiforge-build-*"))
            print("HOSTILE other_builds %s" % json.dumps(others))
            names = []
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        names.append(open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")[0].decode("utf-8", "replace"))
                    except Exception:
                        pass
            print("HOSTILE processes %s" % json.dumps(sorted(names)))
            secrets = [k for k, v in os.environ.items() if "pypf_" in v or "PASSWORD" in k.upper() or "Password=" in v]
            print("HOSTILE secrets_in_environment %s" % json.dumps(secrets))
            # A process that tries to outlive the build: its own session, detached from pip.
            subprocess.Popen(["sleep", MARKER], start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print("HOSTILE done")
            sys.stdout.flush()
            sys.exit(1)
            """;
        return TestDists.Sdist(folder, name.Replace('-', '_') + "-1.0", name, "1.0", setupPy: setup);
    }

    private static string Py(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static List<(string Name, long Size, DateTime Written)> Served(string root) =>
        [.. new DirectoryInfo(root).GetFiles().Select(static f => (f.Name, f.Length, f.LastWriteTimeUtc)).Order()];

    private static List<string> Listing(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];
}
