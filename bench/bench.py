#!/usr/bin/env python3
"""PypiForge benchmark, side by side with nginx serving the same content as static files.

Run it through bench/run.sh (which builds the server first). Phases:
  1. corpus      2,000 projects x 20 small valid wheels (cached in the work dir)
  2. start-up    first start (no state) and restart (persisted state), N runs each,
                 launch -> GET /health answers 200 with the full file count
  3. throughput  wrk against PypiForge, then against nginx (never at the same time)
  4. memory      VmRSS / VmHWM of the server after the load
  5. drop        a new wheel copied into the root -> its project page answers 200
  6. builds      with --with-builds: bench/serve-during-builds.sh, /simple/<project>/ idle and while two builds run
                 (without it, the report quotes the latest bench/results/serve-during-builds-*.md, labelled as such)
Writes bench/results/<timestamp>.md (+ .json) and the results section of docs/benchmarks.md; the report itself
(targets, the quiet-machine rule, the tables) is bench/bench_report.py.
Every process it starts is killed by PID on exit; everything talks to 127.0.0.1 only.
"""
import argparse
import atexit
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_report  # noqa: E402
import gen_corpus  # noqa: E402

JSON_ACCEPT = "application/vnd.pypi.simple.v1+json"
LOOPBACK = "127.0.0.1"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------- processes


class Processes:
    """Starts processes in their own session and kills exactly those PIDs (and their children) at exit; a process
    started with GROUP=True is signalled as its whole process group (a script and the tools it runs)."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.live = {}
        self.groups = set()
        self.graces = {}

    def _record(self, pid, name):
        if self.pidfile:
            with open(self.pidfile, "a") as f:
                f.write(f"{pid} {name}\n")

    def start(self, name, argv, log_path, env=None, group=False, grace=5.0):
        out = open(log_path, "ab")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
        out.close()
        self.live[proc.pid] = (proc, name)
        if group:
            self.groups.add(proc.pid)
        self.graces[proc.pid] = grace  # how long stop_all waits for it to end on its own
        self._record(proc.pid, name)
        return proc

    def adopt_children(self, proc, name):
        """Records the children of PROC (nginx workers) so the shell's trap can find them too."""
        for child in children_of(proc.pid):
            self._record(child, name + "-child")

    def stop(self, proc, grace=10.0):
        if proc.pid not in self.live:
            return
        kids = children_of(proc.pid)
        group = proc.pid in self.groups
        if proc.poll() is None:
            # The group is signalled only while its leader runs (its id cannot have been reused yet).
            def send(sig):
                if group:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)

            try:
                send(signal.SIGTERM)
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                send(signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        for kid in kids:
            try:
                os.kill(kid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.live.pop(proc.pid, None)
        self.groups.discard(proc.pid)
        self.graces.pop(proc.pid, None)

    def stop_all(self):
        for proc, _ in list(self.live.values()):
            try:
                self.stop(proc, grace=self.graces.get(proc.pid, 5.0))
            except Exception as ex:  # keep killing the others
                print(f"cleanup: {ex}", file=sys.stderr)


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def cpu_seconds(pids):
    """utime + stime of PIDS, in seconds."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / tick


def busy_seconds():
    """CPU time the whole machine spent busy (all cores), in seconds."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_and_waited_children_seconds():
    import resource
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class OtherLoad:
    """CPU used by processes this run did not start, over a window: machine busy time minus the
    servers' CPU, this driver's and its waited children's (wrk)."""

    def __init__(self, server_pids):
        self.server_pids = server_pids
        self.pids = server_pids()
        self.busy = busy_seconds()
        self.ours = own_and_waited_children_seconds() + cpu_seconds(self.pids)
        self.started = time.perf_counter()

    def percent(self):
        wall = time.perf_counter() - self.started
        busy = busy_seconds() - self.busy
        ours = own_and_waited_children_seconds() + cpu_seconds(self.pids) - self.ours
        return round(max(0.0, 100.0 * (busy - ours) / wall), 1) if wall > 0 else 0.0


def wait_for_quiet(limit_s, threshold_pct=bench_report.NOISY_PCT, sample_s=3.0):
    """Waits (up to LIMIT_S) until other processes use less than THRESHOLD_PCT CPU; returns the last sample."""
    deadline = time.perf_counter() + limit_s
    while True:
        window = OtherLoad(lambda: [])
        time.sleep(sample_s)
        other = window.percent()
        if other < threshold_pct or time.perf_counter() + sample_s > deadline:
            return other
        log(f"other processes use {other:.0f}% CPU; waiting for a quieter machine "
            f"(up to {max(0, deadline - time.perf_counter()):.0f} s more)")


def memory_of(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024.0  # MiB
    except OSError:
        pass
    return values


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- http


def http_get(port, path, headers=None, timeout=5.0):
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


class Poller:
    """A keep-alive connection that reconnects on any error (used in tight polling loops)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def status(self, path):
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=2.0)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read()
            return response.status, body
        except (OSError, http.client.HTTPException):
            self.close()
            return None, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def health_files(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    for check in (doc.get("checks") or {}).values():
        data = check.get("data") or {}
        if "files" in data:
            return data["files"]
    return None


# ---------------------------------------------------------------- PypiForge


class Server:
    def __init__(self, procs, dll, work):
        self.procs = procs
        self.dll = dll
        self.work = work
        self.proc = None
        self.port = None
        self.log_path = None

    def launch(self, root, label, extra_args=(), extra_env=None):
        self.port = free_port()
        self.log_path = os.path.join(self.work, "logs", f"pypiforge-{label}.log")
        if os.path.exists(self.log_path):
            os.remove(self.log_path)
        env = dict(os.environ)
        env.pop("ASPNETCORE_ENVIRONMENT", None)
        env.pop("DOTNET_ENVIRONMENT", None)
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
        env.update(extra_env or {})
        # No upstream: the benchmark measures the local index (unknown projects must stay a fast 404, not a PyPI lookup).
        argv = ["dotnet", self.dll, "--urls", f"http://{LOOPBACK}:{self.port}", "--fallback", "none", "--root", root, *extra_args]
        started = time.perf_counter()
        self.proc = self.procs.start("pypiforge", argv, self.log_path, env=env)
        return started

    def wait_healthy(self, started, expected_files, limit_s=120.0, poll_s=0.02):
        """Seconds from launch until /health answers 200 with EXPECTED_FILES files."""
        poller = Poller(self.port)
        deadline = started + limit_s
        last = None
        try:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"PypiForge exited with code {self.proc.returncode} during start-up:\n"
                                       + tail(self.log_path, 40))
                status, body = poller.status("/health")
                if status == 200:
                    files = health_files(body)
                    last = files
                    if files == expected_files:
                        return time.perf_counter() - started
                time.sleep(poll_s)
        finally:
            poller.close()
        raise RuntimeError(f"PypiForge did not report {expected_files} files within {limit_s:.0f} s "
                           f"(last /health file count: {last}):\n" + tail(self.log_path, 40))

    def stop(self):
        if self.proc is not None:
            self.procs.stop(self.proc, grace=15.0)
            self.proc = None

    def catalog_line(self, wait_s=2.0):
        """The server's own 'Catalog loaded' figures (the console logger may flush a moment later)."""
        pattern = re.compile(r"Catalog loaded from .*?: (\d+) files in (\d+) projects \((\d+) inspected, (\d+) reused[^)]*\) in (\d+) ms")
        deadline = time.perf_counter() + wait_s
        while True:
            try:
                with open(self.log_path, errors="replace") as f:
                    match = pattern.search(f.read())
            except OSError:
                match = None
            if match or time.perf_counter() > deadline:
                break
            time.sleep(0.05)
        if not match:
            return None
        files, projects, inspected, reused, ms = (int(x) for x in match.groups())
        return {"files": files, "projects": projects, "inspected": inspected, "reused": reused, "load_ms": ms}


def tail(path, lines):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- nginx


NGINX_CONF = """\
# Written by bench/bench.py: nginx serving the PypiForge corpus and pre-rendered index pages.
daemon off;
master_process on;
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;          # PypiForge writes no access log either
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;

    types {{
        text/html html;
        {json} json;
        application/zip whl;
    }}
    default_type application/octet-stream;
    charset utf-8;           # text/html; charset=utf-8, as PypiForge sends

    # PEP 691 by Accept header: the JSON page when the client asks for it, HTML otherwise.
    map $http_accept $simple_page {{
        default index.html;
        "~application/vnd\\.pypi\\.simple\\.v1\\+json" index.json;
    }}

    server {{
        listen {host}:{port};
        root {dir}/www;

        location /simple/ {{
            gzip_static on;  # index.html.gz (PypiForge's own gzip copy of /simple/) when the client accepts gzip
            add_header Vary "Accept, Accept-Encoding";
            add_header Cache-Control "max-age=0, must-revalidate";
            try_files $uri$simple_page =404;
        }}

        location /packages/ {{
            alias {corpus}/;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, procs, work):
        self.procs = procs
        self.dir = os.path.join(work, "nginx")
        self.www = os.path.join(self.dir, "www")
        self.proc = None
        self.port = None
        self.conf_text = None

    def prepare_site(self):
        if os.path.exists(self.www):
            shutil.rmtree(self.www)
        os.makedirs(os.path.join(self.www, "simple"))
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.dir, "tmp", sub), exist_ok=True)

    def write_page(self, project, name, body):
        folder = os.path.join(self.www, "simple", project) if project else os.path.join(self.www, "simple")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(body)

    def start(self, corpus_root):
        self.port = free_port()
        self.conf_text = NGINX_CONF.format(dir=self.dir, host=LOOPBACK, port=self.port, corpus=corpus_root, json=JSON_ACCEPT)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self.conf_text)
        log_path = os.path.join(self.dir, "nginx.out")
        argv = ["nginx", "-p", self.dir, "-c", conf, "-e", os.path.join(self.dir, "error.log")]
        check = subprocess.run(argv + ["-t", "-q"], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError("nginx -t rejected the configuration:\n" + check.stdout + check.stderr)
        self.proc = self.procs.start("nginx", argv, log_path)
        deadline = time.perf_counter() + 15
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited at start:\n" + tail(log_path, 20) + tail(os.path.join(self.dir, "error.log"), 20))
            try:
                status, _, _ = http_get(self.port, "/simple/", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError("nginx did not answer within 15 s")
        self.procs.adopt_children(self.proc, "nginx")

    def pids(self):
        return [self.proc.pid] + children_of(self.proc.pid)

    def stop(self):
        if self.proc is not None:
            self.procs.stop(self.proc, grace=10.0)
            self.proc = None


# ---------------------------------------------------------------- wrk

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_latency(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def parse_wrk(output):
    result = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match.group(1)) if match else None
    for pct in ("50", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        result[f"p{pct}_ms"] = parse_latency(match.group(1)) if match else None
    match = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output)
    result["requests"] = int(match.group(1)) if match else None
    result["read"] = match.group(3) if match else None
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non2xx"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = match.group(1).strip() if match else None
    return result


def run_wrk(port, scenario, settings, duration, cpu_pids):
    argv = ["wrk", f"-t{settings['threads']}", f"-c{settings['connections']}", f"-d{duration}s", "--latency",
            "--timeout", "5s"]
    if scenario.get("accept"):
        argv += ["-H", f"Accept: {scenario['accept']}"]
    if scenario.get("encoding"):
        argv += ["-H", f"Accept-Encoding: {scenario['encoding']}"]
    if scenario.get("script"):
        argv += ["-s", scenario["script"]]
    argv.append(f"http://{LOOPBACK}:{port}{scenario['path']}")
    env = dict(os.environ, BENCH_PROJECTS=str(settings["projects"]))
    cpu_before = cpu_seconds(cpu_pids())
    other = OtherLoad(cpu_pids)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, env=env)
    wall = time.perf_counter() - started
    cpu_after = cpu_seconds(cpu_pids())
    other_pct = other.percent()
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    result = parse_wrk(done.stdout)
    result["server_cpu_pct"] = round(100.0 * (cpu_after - cpu_before) / wall, 1)
    result["cpu_us_per_req"] = (round(1e6 * (cpu_after - cpu_before) / result["requests"], 1)
                                if result.get("requests") else None)
    result["other_cpu_pct"] = other_pct
    result["command"] = " ".join(argv)
    return result, done.stdout


# ---------------------------------------------------------------- phases


def phase_serve_during_builds(procs, work, repo, source, quick, report_path, limit_s=2400):
    """bench/serve-during-builds.sh as a child of this run: its own build of the server and agent, corpus and work
    dir (WORK/serve-during-builds), its report at REPORT_PATH; returns its figures, or why it failed."""
    argv = [os.path.join(HERE, "serve-during-builds.sh"), "--report", report_path]
    argv += ["--worktree"] if source == "worktree" else ["--rev", source]
    if quick:
        argv.append("--quick")
    env = dict(os.environ, PYPIFORGE_BENCH_WORK=os.path.join(work, "serve-during-builds"))
    log_path = os.path.join(work, "logs", "serve-during-builds.log")
    if os.path.exists(log_path):
        os.remove(log_path)
    # Its driver stops its server and build loops (their own sessions) on SIGTERM, 5 s grace each.
    proc = procs.start("serve-during-builds", argv, log_path, env=env, group=True, grace=30.0)
    try:
        code = proc.wait(timeout=limit_s)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        procs.stop(proc, grace=30.0)
    failure = (f"it did not finish within {limit_s} s" if code is None
               else f"it exited with code {code}" if code
               else None if os.path.exists(report_path) else "it wrote no report")
    if failure:
        last_lines = tail(log_path, 15)
        log(f"serving while building: {failure}; last lines of {log_path}:\n{last_lines}")
        last = next((line.strip() for line in reversed(last_lines.splitlines()) if line.strip()), "")
        return {"this_run": True, "file": bench_report.shown_path(report_path, repo),
                "error": f"{failure} (its last line: {last})" if last else failure, "log": log_path}
    figures = bench_report.read_builds_report(report_path, repo, this_run=True)
    figures["log"] = log_path
    for p in figures.get("phases") or []:
        log(f"serving while building, {p['phase']}: {p['rate']:.0f} req/s, p99 {p['p99']:.2f} ms, "
            f"other processes {p['others_cpu']}% CPU")
    return figures


def machine_facts(repo, dll):
    def cmd(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            return (out.stdout + out.stderr).strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = "?"
    try:
        with open("/proc/meminfo") as f:
            mem_gib = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f}"
    except OSError:
        pass
    runtimes = [line for line in cmd(["dotnet", "--list-runtimes"]).splitlines() if "AspNetCore" in line]
    dirty = cmd(["git", "-C", repo, "status", "--porcelain", "--", "src"]).splitlines()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gib": mem_gib,
        "kernel": platform.release(),
        "dotnet_sdk": cmd(["dotnet", "--version"]),
        "aspnetcore": runtimes[0].split("[")[0].strip() if runtimes else "?",
        "nginx": cmd(["nginx", "-v"]).replace("nginx version: ", ""),
        "wrk": cmd(["wrk", "-v"]).splitlines()[0].split(" Copyright")[0] if cmd(["wrk", "-v"]) else "?",
        "python": platform.python_version(),
        "repo_head": cmd(["git", "-C", repo, "rev-parse", "--short", "HEAD"]),
        "repo_src_uncommitted": len([d for d in dirty if d.strip()]),
        "loadavg_before": open("/proc/loadavg").read().split()[:3],
        "dll": dll,
    }


def phase_startup(server, corpus_root, expected, runs, work):
    results = {"first": [], "restart": [], "empty": []}
    state_dir = os.path.join(corpus_root, ".pypiforge")

    def one(kind, i, root, files):
        other = OtherLoad(lambda: [])
        started = server.launch(root, f"{kind}-{i}")
        try:
            seconds = server.wait_healthy(started, files)
            mem = memory_of(server.proc.pid)
            other.pids = [server.proc.pid]  # counted from 0: it started inside the window
            other_pct = other.percent()
            catalog = server.catalog_line()
        finally:
            server.stop()
        entry = {"seconds": round(seconds, 3), "rss_mb": round(mem.get("VmRSS", 0), 1),
                 "hwm_mb": round(mem.get("VmHWM", 0), 1), "catalog": catalog, "other_cpu_pct": other_pct}
        log(f"start-up {kind} #{i}: {seconds:.2f} s to a full /health "
            f"(server says: {catalog['load_ms'] if catalog else '?'} ms catalog load; RSS {entry['rss_mb']} MiB; "
            f"other processes {other_pct:.0f}% CPU)")
        return entry

    for i in range(1, runs + 1):
        empty = os.path.join(work, "empty-root")
        if os.path.exists(empty):
            shutil.rmtree(empty)
        os.makedirs(empty)
        results["empty"].append(one("empty", i, empty, 0))
    for i in range(1, runs + 1):
        if os.path.exists(state_dir):
            shutil.rmtree(state_dir)
        results["first"].append(one("first", i, corpus_root, expected))
    for i in range(1, runs + 1):
        results["restart"].append(one("restart", i, corpus_root, expected))
    return results


def phase_diagnose(server, corpus_root, expected, work, runs, settings):
    """Variants that point at causes (not the targets): the same start-up with one setting changed,
    and the restart variant also under the project-page load, for its memory."""
    shm_state = "/dev/shm/pypiforge-bench-state"
    state_dir = os.path.join(corpus_root, ".pypiforge")
    wks = {"DOTNET_gcServer": "0"}
    variants = []
    if os.path.isdir("/dev/shm"):
        variants.append(("first start, state dir on tmpfs (`--state-dir /dev/shm/...`)", "first-tmpfs",
                         ["--state-dir", shm_state], {}, "tmpfs"))
    variants += [
        ("first start, workstation GC (`DOTNET_gcServer=0`)", "first-wksgc", [], wks, "root"),
        ("restart, workstation GC (`DOTNET_gcServer=0`)", "restart-wksgc", [], wks, None),
    ]
    results = []
    try:
        for label, key, extra_args, extra_env, fresh in variants:
            row = {"label": label, "runs": []}
            for i in range(1, runs + 1):
                if fresh == "tmpfs" and os.path.exists(shm_state):
                    shutil.rmtree(shm_state)
                if fresh == "root" and os.path.exists(state_dir):
                    shutil.rmtree(state_dir)
                started = server.launch(corpus_root, f"diag-{key}-{i}", extra_args, extra_env)
                try:
                    seconds = server.wait_healthy(started, expected)
                    mem = memory_of(server.proc.pid)
                    catalog = server.catalog_line()
                    if key == "restart-wksgc" and i == runs:
                        row["load"] = diagnose_load(server, settings)
                finally:
                    server.stop()
                row["runs"].append({"seconds": round(seconds, 3), "load_ms": catalog["load_ms"] if catalog else None,
                                    "rss_mb": round(mem.get("VmRSS", 0), 1), "hwm_mb": round(mem.get("VmHWM", 0), 1)})
                log(f"diagnostic {key} #{i}: {seconds:.2f} s, catalog {catalog['load_ms'] if catalog else '?'} ms, "
                    f"RSS {mem.get('VmRSS', 0):.0f} MiB")
            results.append(row)
    finally:
        if os.path.exists(shm_state):
            shutil.rmtree(shm_state)
    return results


def diagnose_load(server, settings):
    """Every page once, then the two random project-page wrk runs; memory after that."""
    conn = http.client.HTTPConnection(LOOPBACK, server.port, timeout=10)
    try:
        for i in range(1, settings["projects"] + 1):
            for headers in ({}, {"Accept": JSON_ACCEPT}):
                conn.request("GET", f"/simple/{gen_corpus.project_name(i)}/", headers=headers)
                conn.getresponse().read()
    finally:
        conn.close()
    script = os.path.join(HERE, "random_project.lua")
    out = {}
    for key, accept in (("html", None), ("json", JSON_ACCEPT)):
        scenario = {"path": "/simple/", "script": script, "accept": accept}
        if settings["warmup"] > 0:
            run_wrk(server.port, scenario, settings, settings["warmup"], lambda: [server.proc.pid])
        result, _ = run_wrk(server.port, scenario, settings, settings["duration"], lambda: [server.proc.pid])
        out[key] = {"rps": result["rps"], "p99_ms": result["p99_ms"], "cpu_us_per_req": result["cpu_us_per_req"]}
    mem = memory_of(server.proc.pid)
    out["rss_mb"] = round(mem.get("VmRSS", 0), 1)
    out["hwm_mb"] = round(mem.get("VmHWM", 0), 1)
    log(f"diagnostic workstation GC under load: html {out['html']['rps']:.0f} req/s p99 {out['html']['p99_ms']:.2f} ms, "
        f"json {out['json']['rps']:.0f} req/s p99 {out['json']['p99_ms']:.2f} ms; RSS {out['rss_mb']:.0f} MiB, peak {out['hwm_mb']:.0f} MiB")
    return out


def prerender(server, nginx, projects):
    """Fetches every page from PypiForge once and stores it for nginx; returns the fetch time."""
    nginx.prepare_site()
    started = time.perf_counter()
    conn = http.client.HTTPConnection(LOOPBACK, server.port, timeout=10)
    # The gzip copy of /simple/ too, for nginx's gzip_static: pip sends Accept-Encoding: gzip, and PypiForge keeps the
    # compressed copy ready, so the comparison as pip asks is ready bytes against ready bytes.
    pages = [("", "index.html", {}), ("", "index.json", {"Accept": JSON_ACCEPT}),
             ("", "index.html.gz", {"Accept-Encoding": "gzip"})]
    for p in projects:
        pages.append((p, "index.html", {}))
        pages.append((p, "index.json", {"Accept": JSON_ACCEPT}))
    content_types = {}
    try:
        for project, name, headers in pages:
            path = f"/simple/{project}/" if project else "/simple/"
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"PypiForge answered {response.status} for {path} ({name})")
            if name.endswith(".gz") and response.getheader("Content-Encoding") != "gzip":
                raise RuntimeError(f"PypiForge sent {path} without gzip although asked (Content-Encoding: "
                                   f"{response.getheader('Content-Encoding')!r})")
            content_types[name] = response.getheader("Content-Type")
            nginx.write_page(project, name, body)
    finally:
        conn.close()
    return time.perf_counter() - started, content_types


def verify_identical(server_port, nginx_port, paths):
    """Both servers must send the same bytes and Content-Type for the benchmarked URLs."""
    problems = []
    for path, headers in paths:
        a = http_get(server_port, path, headers)
        b = http_get(nginx_port, path, headers)
        if a[0] != 200 or b[0] != 200:
            problems.append(f"{path} {headers}: status {a[0]} vs {b[0]}")
        elif a[2] != b[2]:
            problems.append(f"{path} {headers}: bodies differ ({len(a[2])} vs {len(b[2])} bytes)")
        elif a[1].get("Content-Type") != b[1].get("Content-Type"):
            problems.append(f"{path} {headers}: Content-Type {a[1].get('Content-Type')!r} vs {b[1].get('Content-Type')!r}")
        elif a[1].get("Content-Encoding") != b[1].get("Content-Encoding"):
            problems.append(f"{path} {headers}: Content-Encoding {a[1].get('Content-Encoding')!r} vs {b[1].get('Content-Encoding')!r}")
    return problems


def response_headers(port, path, headers):
    status, hdrs, body = http_get(port, path, headers)
    return {"status": status, "bytes": len(body), "headers": hdrs}


def phase_throughput(server, nginx, settings, raw_path):
    single = f"proj{max(1, settings['projects'] // 2):04d}"
    script = os.path.join(HERE, "random_project.lua")
    scenarios = [
        {"key": "root", "label": "`/simple/` (HTML, %d projects)" % settings["projects"], "path": "/simple/"},
        {"key": "project_html_random", "label": "project page HTML, random project per request", "path": "/simple/", "script": script, "project": True},
        {"key": "project_json_random", "label": "project page JSON, random project per request", "path": "/simple/", "script": script, "accept": JSON_ACCEPT, "project": True},
        {"key": "project_html_single", "label": f"project page HTML, one project (`/simple/{single}/`)", "path": f"/simple/{single}/", "project": True},
        {"key": "project_json_single", "label": f"project page JSON, one project (`/simple/{single}/`)", "path": f"/simple/{single}/", "accept": JSON_ACCEPT, "project": True},
        {"key": "file", "label": f"file download (`{single}-1.0.10-py3-none-any.whl`)", "path": f"/packages/{single}-1.0.10-py3-none-any.whl"},
        # Not a target (the issue's /simple/ row is the uncompressed page): /simple/ as pip asks for it.
        {"key": "root_gzip", "label": "`/simple/` gzip (`Accept-Encoding: gzip`, as pip asks; not a target)", "path": "/simple/", "encoding": "gzip"},
    ]
    targets = {
        "pypiforge": (server.port, lambda: [server.proc.pid]),
        "nginx": (nginx.port, nginx.pids),
    }
    results = []
    with open(raw_path, "w") as raw:
        for index, scenario in enumerate(scenarios):
            order = ["pypiforge", "nginx"] if index % 2 == 0 else ["nginx", "pypiforge"]
            row = dict(scenario)
            for name in order:
                port, pids = targets[name]
                if settings["warmup"] > 0:
                    run_wrk(port, scenario, settings, settings["warmup"], pids)
                result, output = run_wrk(port, scenario, settings, settings["duration"], pids)
                raw.write(f"==== {scenario['key']} / {name}\n{result['command']}\n{output}\n")
                row[name] = result
                log(f"wrk {scenario['key']:<22} {name:<9} {result['rps']:>10.0f} req/s  p99 {result['p99_ms']:.2f} ms"
                    f"  server CPU {result['server_cpu_pct']:.0f}%  non-2xx {result['non2xx']}"
                    f"  other processes {result['other_cpu_pct']:.0f}%")
            if row["pypiforge"]["rps"] and row["nginx"]["rps"]:
                row["ratio"] = row["pypiforge"]["rps"] / row["nginx"]["rps"]
            results.append(row)
    return results


def phase_drop(server, corpus_root, work, runs):
    """Seconds from the start of a copy into the root until /simple/<new project>/ answers 200."""
    tag = time.strftime("%H%M%S")
    staging = os.path.join(work, "drop-staging")
    os.makedirs(staging, exist_ok=True)
    dropped = []
    results = {"rename": [], "cp": []}
    poller = Poller(server.port)
    try:
        for mode in ("rename", "cp"):
            for i in range(1, runs + 1):
                name = f"benchdrop{tag}{mode}{i:02d}"
                filename = f"{name}-1.0.0-py3-none-any.whl"
                data = gen_corpus.wheel_bytes(name, "1.0.0", ">=3.8")
                target = os.path.join(corpus_root, filename)
                source = os.path.join(staging, filename)
                with open(source, "wb") as f:
                    f.write(data)
                path = f"/simple/{name}/"
                if poller.status(path)[0] == 200:
                    raise RuntimeError(f"{path} answered 200 before the drop")
                started = time.perf_counter()
                if mode == "rename":
                    temp = os.path.join(corpus_root, f".{filename}.part")
                    with open(temp, "wb") as f:
                        f.write(data)
                    os.rename(temp, target)
                else:
                    subprocess.run(["cp", source, target], check=True, timeout=30)
                dropped.append(target)
                deadline = started + 10.0
                seconds = None
                while time.perf_counter() < deadline:
                    if poller.status(path)[0] == 200:
                        seconds = time.perf_counter() - started
                        break
                    time.sleep(0.01)
                results[mode].append(round(seconds, 3) if seconds is not None else None)
                log(f"drop {mode:<6} #{i:02d}: " + (f"{seconds:.3f} s" if seconds is not None else "NOT visible within 10 s"))
                time.sleep(0.3)
    finally:
        poller.close()
    return results, dropped


def remove_dropped(server, dropped, expected):
    for path in dropped:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    if server is None or server.proc is None:
        return None
    started = time.perf_counter()
    poller = Poller(server.port)
    try:
        while time.perf_counter() - started < 10.0:
            status, body = poller.status("/health")
            if status == 200 and health_files(body) == expected:
                return round(time.perf_counter() - started, 3)
            time.sleep(0.02)
    finally:
        poller.close()
    return None


def clean_leftover_drops(corpus_root):
    removed = 0
    with os.scandir(corpus_root) as entries:
        for entry in entries:
            if entry.name.startswith(("benchdrop", ".benchdrop")):
                os.remove(entry.path)
                removed += 1
    if removed:
        log(f"removed {removed} files left by an interrupted drop test")


def count_log_lines(path, needle):
    count = 0
    size = 0
    try:
        size = os.path.getsize(path)
        with open(path, errors="replace") as f:
            for line in f:
                if needle in line:
                    count += 1
    except OSError:
        pass
    return count, size


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description="PypiForge vs nginx benchmark (run it through bench/run.sh)")
    parser.add_argument("--work", required=True)
    parser.add_argument("--dll", required=True)
    parser.add_argument("--repo", default=os.path.dirname(HERE))
    parser.add_argument("--pidfile")
    parser.add_argument("--source", default="?", help="what was built (run.sh fills it in)")
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--regen", action="store_true", help="regenerate the corpus even if a cached one matches")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of uncounted wrk warm-up per run (default 3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--drop-runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 s wrk runs, 1 s warm-up, 1 start-up run each, 3 drops; docs untouched")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--quiet-wait", type=int, default=180,
                        help="seconds to wait at most for other processes to calm down (<25%% CPU) before measuring (default 180)")
    parser.add_argument("--no-diagnose", action="store_true",
                        help="skip the diagnostic start-up variants (tmpfs state dir, workstation GC, no tiering)")
    parser.add_argument("--with-builds", action="store_true",
                        help="after the other phases, run bench/serve-during-builds.sh (root, bwrap and the cached sdists; "
                             "builds the server and agent, then three 30 s phases: minutes more) and put its figures in the targets; "
                             "without it the report quotes the latest bench/results/serve-during-builds-*.md")
    parser.add_argument("--builds-source", default="HEAD",
                        help="what --with-builds builds: 'worktree' or a revision (run.sh passes what it built)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup, args.startup_runs, args.drop_runs, args.no_docs = 3, 1, 1, 3, True
        args.no_diagnose = True

    procs = Processes(args.pidfile)
    atexit.register(procs.stop_all)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    began = time.perf_counter()
    started_utc = datetime.datetime.now(datetime.timezone.utc)
    stamp = started_utc.strftime("%Y%m%dT%H%M%SZ")
    work = os.path.abspath(args.work)
    # Smoke runs are not results: they stay in the work dir.
    results_dir = os.path.join(work, "results") if args.quick else os.path.join(HERE, "results")
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    r = {"started_utc": started_utc.strftime("%Y-%m-%d %H:%M UTC"), "observations": []}
    r["machine"] = machine_facts(args.repo, args.dll)
    r["source"] = args.source
    r["settings"] = {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                     "warmup": args.warmup, "projects": args.projects}

    corpus = gen_corpus.ensure_corpus(os.path.join(work, "corpus", "root"), args.projects, args.versions, args.regen, log=log)
    corpus_root = corpus["root"]
    expected = corpus["files"]
    clean_leftover_drops(corpus_root)
    r["corpus"] = corpus
    r["other_cpu_at_start"] = wait_for_quiet(args.quiet_wait)
    log(f"other processes use {r['other_cpu_at_start']:.0f}% CPU before the run")

    server = Server(procs, args.dll, work)
    nginx = Nginx(procs, work)
    dropped = []
    try:
        log(f"start-up: {args.startup_runs} runs each of empty root, first start, restart")
        r["startup"] = phase_startup(server, corpus_root, expected, args.startup_runs, work)

        log("starting PypiForge for the load phases (restart with persisted state)")
        t0 = server.launch(corpus_root, "load")
        server.wait_healthy(t0, expected)
        r["memory"] = {"idle": memory_of(server.proc.pid)}

        log("pre-rendering every index page from PypiForge for nginx")
        projects = [gen_corpus.project_name(i) for i in range(1, args.projects + 1)]
        seconds, content_types = prerender(server, nginx, projects)
        r["prerender_s"] = round(seconds, 2)
        r["content_types"] = content_types
        r["memory"]["prerendered"] = memory_of(server.proc.pid)
        log(f"fetched {2 * len(projects) + 3} pages (/simple/ also gzip-compressed) in {seconds:.1f} s")

        nginx.start(corpus_root)
        r["nginx_conf"] = nginx.conf_text
        single = projects[len(projects) // 2 - 1]
        problems = verify_identical(server.port, nginx.port, [
            ("/simple/", {}),
            ("/simple/", {"Accept-Encoding": "gzip"}),
            (f"/simple/{projects[0]}/", {}),
            (f"/simple/{projects[0]}/", {"Accept": JSON_ACCEPT}),
            (f"/simple/{single}/", {}),
            (f"/simple/{single}/", {"Accept": JSON_ACCEPT}),
            (f"/packages/{single}-1.0.10-py3-none-any.whl", {}),
        ])
        if problems:
            raise RuntimeError("PypiForge and nginx do not serve the same responses:\n  " + "\n  ".join(problems))
        r["sample_headers"] = {
            name: response_headers(port, f"/simple/{single}/", {"Accept": JSON_ACCEPT})
            for name, port in (("pypiforge", server.port), ("nginx", nginx.port))
        }
        log("nginx and PypiForge serve byte-identical pages and files; running wrk")

        log_lines_before, _ = count_log_lines(server.log_path, "Request starting")
        size_before = os.path.getsize(server.log_path)
        raw_path = os.path.join(work, "logs", f"wrk-{stamp}.txt")
        r["throughput"] = phase_throughput(server, nginx, r["settings"], raw_path)
        r["memory"]["after_load"] = memory_of(server.proc.pid)
        nginx.stop()
        log_lines_after, size_after = count_log_lines(server.log_path, "Request starting")
        total_requests = sum(row["pypiforge"]["requests"] or 0 for row in r["throughput"])
        r["request_logging"] = {"lines": log_lines_after - log_lines_before, "bytes": size_after - size_before,
                                "requests": total_requests}

        log(f"drop-to-visible: {args.drop_runs} runs with rename, {args.drop_runs} with cp")
        drops, dropped = phase_drop(server, corpus_root, work, args.drop_runs)
        r["memory"]["after_drops"] = memory_of(server.proc.pid)
        drops["removal_s"] = remove_dropped(server, dropped, expected)
        dropped = []
        r["drops"] = drops
        server.stop()

        if not args.no_diagnose:
            log("diagnostic start-up variants")
            r["diagnostics"] = phase_diagnose(server, corpus_root, expected, work, min(2, args.startup_runs), r["settings"])
    finally:
        nginx.stop()
        server.stop()
        if dropped:
            remove_dropped(None, dropped, expected)
        clean_leftover_drops(corpus_root)

    os.makedirs(results_dir, exist_ok=True)
    if args.with_builds:
        log("serving while builds run: bench/serve-during-builds.sh (it builds the server and agent, then four phases)")
        r["serve_during_builds"] = phase_serve_during_builds(
            procs, work, args.repo, args.builds_source, args.quick,
            os.path.join(results_dir, f"serve-during-builds-{stamp}.md"))
    else:
        r["serve_during_builds"] = bench_report.latest_builds_report(os.path.join(HERE, "results"), args.repo)

    r["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    r["elapsed_s"] = time.perf_counter() - began
    bench_report.observations(r)
    r["noise"] = bench_report.noise(r)
    log(f"other processes' CPU: at most {r['noise']['max_pct']:.0f}% in a measured window ({r['noise']['where']})"
        + ("; NOT a quiet-machine result" if r["noise"]["noisy"] else ""))
    r["targets_eval"] = bench_report.evaluate_targets(r)

    report = bench_report.build_report(r)
    name = f"{stamp}.md"
    with open(os.path.join(results_dir, name), "w") as f:
        f.write(f"# PypiForge benchmark, {r['started_utc']}\n\n{report}\n")
        f.write("\n### nginx configuration used\n\n```nginx\n" + r["nginx_conf"] + "```\n")
    with open(os.path.join(results_dir, f"{stamp}.json"), "w") as f:
        json.dump(r, f, indent=1, default=str)
    if not args.no_docs:
        note = f"_Latest run, also in `bench/results/{name}`._"
        bench_report.update_docs(os.path.join(args.repo, "docs", "benchmarks.md"), bench_report.build_report(r, note))
        log("docs/benchmarks.md updated")
    print()
    print(report)
    log(f"report: {os.path.join(results_dir, name)}; raw wrk output: {raw_path}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as ex:
        print(f"bench: error: {ex}", file=sys.stderr)
        sys.exit(1)
