#!/usr/bin/env python3
"""Driver of bench/serve-during-builds.sh (see there): one server, wrk and a fixed-rate hey on a project page, four phases."""
import argparse
import atexit
import contextlib
import csv
import io
import resource
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

import bench_report  # beside this file

LOOPBACK = "127.0.0.1"
PROJECT = "proj0100"
started_procs = []


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def start(argv, log_path, **kwargs):
    out = open(log_path, "ab")
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, **kwargs)
    out.close()
    started_procs.append(proc)
    return proc


def stop(proc, grace=15.0):
    """Ends a process this run started, and its session (the sandbox's bwrap dies with its parent)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def stop_all(*_):
    for proc in started_procs:
        stop(proc, grace=5.0)
    sys.exit(130)


def busy_seconds():
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def tree_seconds(pids):
    """CPU seconds of the given processes and all their descendants alive now (from /proc), plus what they reaped."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append((int(entry), fields))
            except OSError:
                continue
    total, stack, seen = 0.0, list(pids), set()
    tick = os.sysconf("SC_CLK_TCK")
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
        stack.extend(child for child, _ in children.get(pid, []))
    return total


def wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return dict(rate=rate, p50=latency(50), p99=latency(99), non2xx=int(errors.group(1)) if errors else 0, raw=out)


FIXED_WORKERS, FIXED_QPS = 20, 50  # hey: 20 connections, each at most 50 requests/s, so 1,000 requests/s in all


def fixed_rate(url, seconds, preexec_fn=None):
    """Latency at a fixed 1,000 requests/s (hey -q), far below what the server can do: unlike a saturating wrk, whose
    p99 counts its own queueing, garbage collections and wrk's scheduling, this measures how long a request waits when
    the server has room, which is what a build stealing the cores makes worse. Each of the 20 connections sends a request
    every 20 ms, so a delay under 20 ms costs no requests; the percentiles come from hey's per-request CSV."""
    out = subprocess.run(["hey", "-z", f"{seconds}s", "-c", str(FIXED_WORKERS), "-q", str(FIXED_QPS), "-o", "csv", url],
                         capture_output=True, text=True, check=True, preexec_fn=preexec_fn).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    times = sorted(float(r["response-time"]) * 1000 for r in rows)
    if not times:
        sys.exit("bench: hey made no requests")

    def pct(p):
        return round(times[min(len(times) - 1, int(len(times) * p))], 2)

    return dict(rate=round(len(times) / seconds), p50=pct(0.50), p99=pct(0.99), p999=pct(0.999), max=round(times[-1], 2),
                non2xx=sum(1 for r in rows if not r["status-code"].startswith("2")))


class CpuGroup:
    """A cpu cgroup of this run's own for the server and the build loops, as the Docker image and a systemd service
    (CPUWeight=, deploy/*.service) run them. Outside one, in the root group, a Linux kernel with autogroups (most
    distributions' default) schedules each session as one unit, and a build started in a session of its own then weighs
    as much as the whole server whatever its nice and policy; inside one, nice and SCHED_IDLE rank processes as asked."""

    def __init__(self, procs, description):
        self.procs, self.description = procs, description

    @staticmethod
    def make():
        name = f"pypiforge-serve-bench-{os.getpid()}"
        if os.environ.get("PYPIFORGE_BENCH_CGROUP") == "0":
            return CpuGroup(None, "the root group, as asked (PYPIFORGE_BENCH_CGROUP=0): kernel autogroups may rank sessions, not processes")
        for base, controllers in (("/sys/fs/cgroup/cpu", None), ("/sys/fs/cgroup", "/sys/fs/cgroup/cgroup.controllers")):
            if not os.path.isdir(base) or (controllers and "cpu" not in open(controllers).read().split()):
                continue
            if controllers and "cpu" not in open(os.path.join(base, "cgroup.subtree_control")).read().split():
                continue
            path = os.path.join(base, name)
            try:
                os.mkdir(path)
            except OSError:
                continue
            atexit.register(lambda: os.path.isdir(path) and os.rmdir(path))
            return CpuGroup(os.path.join(path, "cgroup.procs"), f"server and builds in the cpu cgroup {path} (as in a container)")
        return CpuGroup(None, "no cpu cgroup could be made: the root group, where kernel autogroups may rank sessions, not processes")

    def enter(self):
        if self.procs:
            with open(self.procs, "w") as f:
                f.write(str(os.getpid()))

    def describe(self):
        return self.description


def wait_for(server, url, work):
    deadline = time.time() + 120
    while True:
        if server.poll() is not None:
            sys.exit(f"bench: the server exited with {server.returncode}; see {work}/logs/server*.log")
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            sys.exit("bench: the server did not answer within 120 s")
        time.sleep(0.2)


def main():
    p = argparse.ArgumentParser()
    for name in ("work", "sdists", "server", "agent", "source", "report", "corpus-tool"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--seconds", type=int, default=30)
    p.add_argument("--connections", type=int, default=16)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)

    corpus = os.path.join(a.work, "corpus")
    subprocess.run([sys.executable, a.corpus_tool, corpus, "--projects", "2000", "--versions", "20"], check=True)

    # The server: the corpus, no upstream, no embedded agent (the builds below are the load).
    port = free_port()
    state = os.path.join(a.work, "state")
    shutil.rmtree(state, ignore_errors=True)
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", PYPIFORGE_Catalog__StateDirectory=state)
    group = CpuGroup.make()
    log(f"scheduling: {group.describe()}")
    server = start(["dotnet", a.server, "--urls", f"http://{LOOPBACK}:{port}", "--grpc-port", "0", "--fallback", "none", "--root", corpus],
                   os.path.join(a.work, "logs", "server.log"), env=env, preexec_fn=group.enter)
    url = f"http://{LOOPBACK}:{port}/simple/{PROJECT}/"
    wait_for(server, url, a.work)
    # The first start hashes the corpus and writes its state in the background for a while after it answers; a served
    # index is a restarted one, so the phases measure a restart over the state that start left.
    stop(server)
    server = start(server.args, os.path.join(a.work, "logs", "server-restart.log"), env=env, preexec_fn=group.enter)
    wait_for(server, url, a.work)
    log(f"server restarted on port {port}; warming up")
    wrk(url, 10, a.connections)

    # The build loops' scratch folders: both sdists and Debian's wheel in the user site (HOME is the scratch folder).
    wheel_whl = sorted(f for f in os.listdir("/usr/share/python-wheels") if f.startswith("wheel-"))[-1]
    sdist_files = sorted(f for f in os.listdir(a.sdists) if ".tar." in f)
    scratches = []
    for i in range(2):
        path = os.path.join(a.work, "scratch", f"loop{i}")
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        os.chmod(os.path.dirname(path), 0o700)
        for f in sdist_files:
            shutil.copy(os.path.join(a.sdists, f), path)
        site = subprocess.run(["dotnet", a.agent, "sandbox-run", "--scratch", path, "--", "/usr/bin/python3", "-c", "import site; print(site.getusersitepackages())"],
                              capture_output=True, text=True).stdout.strip()
        if not site.startswith("/build/"):
            sys.exit(f"bench: no user site in the sandbox (got {site!r})")
        with zipfile.ZipFile(os.path.join("/usr/share/python-wheels", wheel_whl)) as whl:
            whl.extractall(os.path.join(path, site[len("/build/"):]))
        scratches.append(path)
    loop = ("import glob, shutil, subprocess, sys\n"
            "while True:\n"
            "    for sdist in sorted(glob.glob('*.tar.*')):\n"
            "        shutil.rmtree('out', ignore_errors=True)\n"
            "        subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--no-index',"
            " '--no-cache-dir', '-q', '-w', 'out', './' + sdist], check=True)\n"
            "        print('built', sdist, flush=True)\n")

    # (nice, ionice -c2 -n, scheduling policy): what a build got before priorities existed, then the agent's defaults.
    # hey stands for pip on other machines, which builds here do not slow down: it runs in the server's cpu group at the
    # normal policy, so the idle-policy builds yield to it as to the server. Outside the group (PYPIFORGE_BENCH_HEY_OUTSIDE=1)
    # it competes with the whole group at the root level, and its own wake-ups wait behind the builds (measured 2026-12-04:
    # p99 1.5-2.1x of idle that way, 1.35x inside).
    hey_outside = os.environ.get("PYPIFORGE_BENCH_HEY_OUTSIDE") == "1" or group.procs is None
    # Idle again at the end: one closed-loop wrk run's p99 moves between runs, so idle is measured on both sides.
    phases = [("idle", None), ("builds-equal", ("0", "4", "normal")), ("builds", ("10", "7", "idle")), ("idle-again", None)]
    results = []
    for name, priority in phases:
        loops = []
        if priority:
            for i, path in enumerate(scratches):
                # A fresh log per phase: "builds done" counts its lines (an old run's lines must not count).
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(a.work, "logs", f"{name}-loop{i}.log"))
                argv = ["dotnet", a.agent, "sandbox-run", "--scratch", path, "--Agent:Limits:Nice", priority[0],
                        "--Agent:Limits:IoPriority", priority[1], "--Agent:Limits:IdleScheduling", str(priority[2] == "idle").lower(),
                        "--", "/usr/bin/python3", "-c", loop]
                loops.append(start(argv, os.path.join(a.work, "logs", f"{name}-loop{i}.log"), preexec_fn=group.enter))
            time.sleep(5)  # let both compile before measuring
            for proc in loops:
                if proc.poll() is not None:
                    sys.exit(f"bench: a build loop of {name} ended with {proc.returncode}; see {a.work}/logs/{name}-loop*.log")
        ours = [server.pid] + [proc.pid for proc in loops]
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy0, ours0, t0 = busy_seconds(), tree_seconds(ours), time.perf_counter()
        w = wrk(url, a.seconds, a.connections)
        wall = time.perf_counter() - t0
        busy, mine = busy_seconds() - busy0, tree_seconds(ours) - ours0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        wrk_cpu = (kids.ru_utime + kids.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
        busy1, ours1, t1 = busy_seconds(), tree_seconds(ours), time.perf_counter()
        fixed = fixed_rate(url, a.seconds, preexec_fn=None if hey_outside else group.enter)
        fixed["client"] = "outside" if hey_outside else "in-group"
        fixed_wall = time.perf_counter() - t1
        fixed["server_and_builds_cpu"] = round(100 * (tree_seconds(ours) - ours1) / fixed_wall)
        fixed["machine_cpu"] = round(100 * (busy_seconds() - busy1) / fixed_wall)
        builds_built = 0
        for i, proc in enumerate(loops):
            stop(proc)
            with open(os.path.join(a.work, "logs", f"{name}-loop{i}.log")) as f:
                builds_built += sum(1 for line in f if line.startswith("built "))
        # wrk is a waited child of this driver: its CPU is the RUSAGE_CHILDREN difference.
        results.append(dict(phase=name, priority=priority, rate=w["rate"], p50=w["p50"], p99=w["p99"], non2xx=w["non2xx"],
                            machine_cpu=round(100 * busy / wall), server_and_builds_cpu=round(100 * mine / wall),
                            wrk_cpu=round(100 * wrk_cpu / wall), others_cpu=max(0, round(100 * (busy - mine - wrk_cpu) / wall)),
                            builds=builds_built, fixed=fixed))
        log(f"{name}: {w['rate']:.0f} req/s, p50 {w['p50']:.2f} ms, p99 {w['p99']:.2f} ms, machine {100 * busy / wall:.0f}% CPU, {builds_built} builds; "
            f"at {fixed['rate']} req/s: p50 {fixed['p50']:.2f} ms, p99 {fixed['p99']:.2f} ms, p99.9 {fixed['p999']:.2f} ms")
        time.sleep(3)
    stop(server)

    # The report's reader computes the same reference from the Raw line; one definition for both.
    idle = bench_report.idle_reference({"phases": results})
    lines = [f"# Serving while builds run ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             f"Source: {a.source}. `wrk -t2 -c{a.connections} -d{a.seconds}s --latency` on `/simple/{PROJECT}/` (2,000 projects x 20 wheels); "
             "two loops of sandboxed `pip wheel` of crcmod and MarkupSafe during the build phases. "
             f"Machine: {os.cpu_count()} cores. CPU in % of one core over the phase: the server and build loops (their process trees), "
             "wrk, and others (the machine's busy time minus those). "
             "The server is restarted over the state its first start wrote and warmed up for 10 s; \"vs idle\" compares with "
             "idle at its best over the two idle phases (the higher rate, the lower p99). "
             f"Scheduling: {group.describe()}.", "",
             "| phase | build priority (nice, ionice -c2 -n, policy) | req/s | vs idle | p50 ms | p99 ms | p99 vs idle | builds done | server+builds CPU | wrk CPU | others' CPU |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        prio = "—" if not r["priority"] else ", ".join(r["priority"])
        lines.append(f"| {r['phase']} | {prio} | {r['rate']:.0f} | {r['rate'] / idle['rate']:.2f}x | {r['p50']:.2f} | {r['p99']:.2f} | "
                     f"{r['p99'] / idle['p99']:.2f}x | {r['builds']} | {r['server_and_builds_cpu']}% | {r['wrk_cpu']}% | {r['others_cpu']}% |")
    where = ("outside the server's cpu group" if hey_outside else
             "in the server's cpu group at the normal policy, as a client on another machine is not slowed by the builds")
    lines += ["", f"At a fixed {FIXED_WORKERS * FIXED_QPS:,} requests/s (`hey -z {a.seconds}s -c {FIXED_WORKERS} -q {FIXED_QPS}`, "
              f"right after the wrk run of the same phase, builds still running; hey {where}): the latency a request sees "
              "when the server is not saturated.", "",
              "| phase | req/s | p50 ms | p99 ms | p99 vs idle | p99.9 ms | p99.9 vs idle | max ms | "
              + ("server+builds CPU" if hey_outside else "server+builds+hey CPU") + " | machine CPU |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        f = r["fixed"]
        lines.append(f"| {r['phase']} | {f['rate']} | {f['p50']:.2f} | {f['p99']:.2f} | {f['p99'] / idle['fixed_p99']:.2f}x | "
                     f"{f['p999']:.2f} | {f['p999'] / idle['fixed_p999']:.2f}x | {f['max']:.2f} | {f['server_and_builds_cpu']}% | {f['machine_cpu']}% |")
    busy = [r for r in results if r["others_cpu"] > 25]
    if busy:
        lines.insert(2, f"**Noisy run: other processes used more than 25% CPU in {', '.join(r['phase'] for r in busy)}; compare ratios only.**\n")
    lines += ["", "Raw: " + json.dumps(results), "", "Idle reference: " + json.dumps(idle)]
    with open(a.report, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    log(f"report: {a.report}")


if __name__ == "__main__":
    main()
