#!/usr/bin/env python3
"""What /metrics costs the hot paths: a project page and a file download, served with Metrics:Access off (nothing
recorded, no exporter) and loopback (the default: every request timed into the histogram), rounds alternated so a
busy neighbour hits both alike. Reports requests/s, p99 and the server's CPU per request (utime+stime from
/proc/<pid>/stat over the measured wrk run, divided by the requests wrk counted), and the load average.

Usage: bench/metrics_overhead.py [--dll PATH] [--rounds 3] [--duration 10] [--work DIR]
The server dll defaults to src/Server/bin/Release/net10.0/PypiForge.Server.dll (dotnet build -c Release first).
Everything runs on 127.0.0.1; each server started is stopped by its PID; wrk runs are bounded by --duration.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_healthy(port, files, proc, limit=180):
    deadline = time.time() + limit
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode} during start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                body = json.load(r)
                counted = (body.get("checks") or {}).get("catalog", {}).get("data", {}).get("files")
                if r.status == 200 and counted == files:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"the server did not count {files} files within {limit} s")


def wrk(url, duration, pid):
    before = cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", url], capture_output=True, text=True, timeout=duration + 30).stdout
    used = cpu_seconds(pid) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"{url}: {non2xx.group(1)} error responses")
    return rps, p99_ms, used / requests * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dll", default=os.path.join(REPO, "src/Server/bin/Release/net10.0/PypiForge.Server.dll"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--work", default="/tmp/pypiforge-metrics-bench")
    args = parser.parse_args()

    corpus = os.path.join(args.work, "corpus")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus, "--projects", "200", "--versions", "20"], check=True)
    files = sum(1 for n in os.listdir(corpus) if n.endswith(".whl"))
    project, wheel = "proj0100", "proj0100-1.0.7-py3-none-any.whl"
    scenarios = [("project page (HTML)", f"/simple/{project}/"), ("file download", f"/packages/{wheel}")]
    results = {(mode, name): [] for mode in ("off", "loopback") for name, _ in scenarios}
    loads = []
    for round_ in range(args.rounds):
        for mode in (("off", "loopback") if round_ % 2 == 0 else ("loopback", "off")):
            port = free_port()
            state = os.path.join(args.work, f"state-{mode}")
            log = open(os.path.join(args.work, f"server-{mode}.log"), "w")
            proc = subprocess.Popen(["dotnet", args.dll, "--urls", f"http://127.0.0.1:{port}", "--grpc-port", "0", "--fallback", "none",
                                     "--root", corpus, "--state-dir", state, "--Queue:EmbeddedAgent", "false", "--Metrics:Access", mode],
                                    stdout=log, stderr=subprocess.STDOUT)
            try:
                wait_healthy(port, files, proc)
                for name, path in scenarios:
                    url = f"http://127.0.0.1:{port}{path}"
                    wrk(url, 3, proc.pid)  # warm-up, not counted
                    loads.append(os.getloadavg()[0])
                    results[(mode, name)].append(wrk(url, args.duration, proc.pid))
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                log.close()

    print(f"rounds {args.rounds} x {args.duration} s, wrk -t2 -c32, load average (1 min) during runs: "
          f"median {statistics.median(loads):.1f}, min {min(loads):.1f}, max {max(loads):.1f}")
    print("| request | Metrics:Access | req/s (median) | p99 ms (median) | server CPU/req µs (median; each round) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, _ in scenarios:
        for mode in ("off", "loopback"):
            runs = results[(mode, name)]
            cpu = [r[2] for r in runs]
            print(f"| {name} | {mode} | {statistics.median(r[0] for r in runs):,.0f} | {statistics.median(r[1] for r in runs):.2f} | "
                  f"{statistics.median(cpu):.1f} ({', '.join(f'{c:.1f}' for c in cpu)}) |")


if __name__ == "__main__":
    main()
