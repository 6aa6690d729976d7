#!/usr/bin/env python3
"""Upload latency of a large wheel into a large catalog, two server builds side by side.

Starts one server per build (each on its own copy of the corpus, hard-linked, with its own state
folder), then uploads a fresh SIZE MB wheel to each, ROUNDS times, interleaved (the order flips
every round), with curl through the legacy upload API as twine sends it. For every upload it
records curl's total time and the CPU the rest of the machine used meanwhile (busy jiffies from
/proc/stat minus the server's and curl's own), and prints medians and the ratio.

Usage: upload.py --corpus DIR --build NAME=PypiForge.Server.dll [--build ...] [--rounds 7] [--size-mb 50]
Needs python3 (standard library) and curl. Listens on 127.0.0.1 only; every process it starts is
stopped by its PID.
"""
import argparse
import hashlib
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def busy_jiffies():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle


def process_jiffies(pid):
    """utime + stime of a process and its reaped children (threads are included)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in parts[11:15])
    except FileNotFoundError:
        return 0


def make_wheel(folder, version, size_mb):
    """A valid wheel of SIZE MB (incompressible payload, stored) whose METADATA agrees with its name."""
    name = f"bigpkg-{version}-py3-none-any.whl"
    path = os.path.join(folder, name)
    dist_info = f"bigpkg-{version}.dist-info"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("bigpkg/__init__.py", "VALUE = 1\n")
        z.writestr("bigpkg/blob.bin", os.urandom(size_mb * 1024 * 1024))
        z.writestr(f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: bigpkg\nVersion: {version}\n")
        z.writestr(f"{dist_info}/WHEEL", "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{dist_info}/RECORD", "")
    return path


class Server:
    def __init__(self, label, dll, corpus, work):
        self.label = label
        self.root = os.path.join(work, f"root-{label}")
        shutil.rmtree(self.root, ignore_errors=True)
        # Hard links: the corpus is read, never written; each server keeps its own state folder.
        subprocess.run(["cp", "-al", corpus, self.root], check=True)
        shutil.rmtree(os.path.join(self.root, ".pypiforge"), ignore_errors=True)
        self.port = free_port()
        self.log = open(os.path.join(work, f"server-{label}.log"), "w")
        env = {k: v for k, v in os.environ.items() if k not in ("ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT")}
        argv = ["dotnet", dll, "--urls", f"http://127.0.0.1:{self.port}", "--fallback", "none", "--root", self.root,
                "--grpc-port", str(free_port())]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)

    def wait_healthy(self, limit_s=300):
        deadline = time.time() + limit_s
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} not healthy within {limit_s} s")

    def upload(self, wheel, version):
        t0 = os.times()
        busy0, own0 = busy_jiffies(), process_jiffies(self.proc.pid)
        curl = subprocess.Popen(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "--noproxy", "*",
             "-F", ":action=file_upload", "-F", "protocol_version=1", "-F", "name=bigpkg", "-F", f"version={version}",
             "-F", "filetype=bdist_wheel", "-F", "pyversion=py3", "-F", f"content=@{wheel};type=application/octet-stream",
             f"http://127.0.0.1:{self.port}/"],
            stdout=subprocess.PIPE, text=True)
        out, _ = curl.communicate()
        # curl has been reaped: its CPU shows in our children's times.
        t1 = os.times()
        curl_jiffies = int(round((t1.children_user + t1.children_system - t0.children_user - t0.children_system) * CLK))
        busy1, own1 = busy_jiffies(), process_jiffies(self.proc.pid)
        code, seconds = out.split()
        if code != "200":
            raise RuntimeError(f"{self.label}: upload of {wheel} answered {code}")
        elapsed = float(seconds)
        other = (busy1 - busy0) - (own1 - own0) - curl_jiffies
        cores = os.cpu_count() or 1
        other_pct = max(0.0, 100.0 * other / CLK / max(elapsed, 1e-3) / cores)
        return elapsed, other_pct

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="a package root made by gen_corpus.py")
    ap.add_argument("--build", action="append", required=True, help="NAME=path/to/PypiForge.Server.dll (two or more)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--size-mb", type=int, default=50)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "pypiforge-bench-upload"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    builds = [b.split("=", 1) for b in args.build]
    servers = []
    results = {name: [] for name, _ in builds}
    try:
        for name, dll in builds:
            servers.append(Server(name, dll, args.corpus, args.work))
        for s in servers:
            s.wait_healthy()
        time.sleep(5)  # let start-up's own state write and compaction settle
        wheels = os.path.join(args.work, "wheels")
        os.makedirs(wheels, exist_ok=True)
        for r in range(args.rounds):
            version = f"1.0.{r}"
            wheel = make_wheel(wheels, version, args.size_mb)
            order = servers if r % 2 == 0 else list(reversed(servers))
            for s in order:
                elapsed, other = s.upload(wheel, version)
                results[s.label].append((elapsed, other))
                print(f"round {r + 1}: {s.label:>4} {elapsed * 1000:8.1f} ms  (other processes {other:5.1f}% CPU)", flush=True)
                time.sleep(3)  # the new build's batched state save happens here, between uploads, not in one
            os.remove(wheel)
    finally:
        for s in servers:
            state = os.path.join(s.root, ".pypiforge", "catalog.json")
            if os.path.exists(state):
                print(f"{s.label}: catalog.json is {os.path.getsize(state):,} bytes")
            s.stop()
    print()
    medians = {}
    for name, rows in results.items():
        if not rows:
            continue
        medians[name] = statistics.median(e for e, _ in rows)
        print(f"{name:>4}: median {medians[name] * 1000:8.1f} ms over {len(rows)} uploads, "
              f"other processes median {statistics.median(o for _, o in rows):5.1f}% CPU "
              f"(min {min(o for _, o in rows):.1f}%, max {max(o for _, o in rows):.1f}%)")
    if len(medians) >= 2:
        (a, ma), (b, mb) = list(medians.items())[:2]
        print(f"ratio {b}/{a}: {mb / ma:.2f}")


if __name__ == "__main__":
    sys.exit(main())
