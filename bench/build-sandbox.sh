#!/usr/bin/env bash
# Build sandbox and foreign targets benchmark (results in docs/benchmarks.md, "Build sandbox and foreign targets").
# Times, with hyperfine, the agent's `sandbox-run` verb (the same discovery, sandbox and environment as a build):
#   (a) `pip wheel --no-deps --no-build-isolation` of crcmod and MarkupSafe (C extensions) on the host python3,
#       unsandboxed (--no-sandbox) vs sandboxed, and `python3 -c pass` in both modes (the fixed cost per run);
#   (b) the same builds in the i386 and arm64 root filesystems (qemu-user) vs the sandboxed host build.
# Every figure comes with the CPU that other processes used meanwhile (/proc/stat busy time minus this run's own).
#
#   bench/build-sandbox.sh               full run (about 6 minutes of measuring on 2 cores, after the agent's build)
#   bench/build-sandbox.sh --quick       smoke run (3 native runs, 1 emulated run; about 3 minutes), report in the work dir
#   bench/build-sandbox.sh --worktree    build the agent from the work tree as it is (default: a snapshot of HEAD;
#                                        --rev REV for another commit)
#   options: --runs N (native, default 15), --foreign-runs N (default 3), --no-foreign, --quiet-wait S (default 180)
#
# Needs root (the sandbox's own uids; installing hyperfine and python3-wheel-whl with apt-get when missing), dotnet,
# bwrap, and the roots made by scripts/make-build-root.sh (ROOTS="/var/cache/pypiforge/roots/bookworm-i386 ..." to
# change them). PyPI is not needed: the sdists are Debian bookworm's upstream tarballs of python-crcmod and markupsafe
# (apt-get source --download-only through a temporary deb-src list), cached in $PYPIFORGE_SDIST_CACHE
# (default /var/cache/pypiforge/bench-sdists). Work dir: $PYPIFORGE_BENCH_WORK (default /tmp/pypiforge-bench-sandbox).
# Writes bench/results/build-sandbox-<UTC timestamp>.md; logs, hyperfine's JSON and every run's time stay in the work dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="${PYPIFORGE_BENCH_WORK:-/tmp/pypiforge-bench-sandbox}"
sdists="${PYPIFORGE_SDIST_CACHE:-/var/cache/pypiforge/bench-sdists}"
roots="${ROOTS:-/var/cache/pypiforge/roots/bookworm-i386 /var/cache/pypiforge/roots/bookworm-arm64}"
python="${PYTHON:-python3}"
source_packages=(python-crcmod markupsafe)

# Each build is run once with its output logged before hyperfine times it: for the slow emulated targets that run is the warm-up.
rev="HEAD" use_worktree=0 quick=0 runs=15 foreign_runs=3 foreign_warmup=0 warmup=1 foreign=1 quiet_wait=180
while (($#)); do
    case "$1" in
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
        --worktree) use_worktree=1 ;;
        --quick) runs=3 foreign_runs=1 quiet_wait=30 quick=1 ;;
        --no-foreign) foreign=0 ;;
        --rev | --runs | --foreign-runs | --quiet-wait)
            [[ $# -ge 2 ]] || { echo "bench/build-sandbox.sh: $1 needs a value" >&2; exit 2; }
            case "$1" in
                --rev) rev="$2" ;;
                --runs) runs="$2" ;;
                --foreign-runs) foreign_runs="$2" ;;
                --quiet-wait) quiet_wait="$2" ;;
            esac
            shift
            ;;
        *) echo "bench/build-sandbox.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { echo "bench/build-sandbox.sh: $*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "run it as root (builds run as the sandbox's own uids, as on an agent that runs as root)."
for tool in dotnet bwrap git tar "$python"; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install bubblewrap git tar python3)."
done
if ! command -v hyperfine >/dev/null || ! ls /usr/share/python-wheels/wheel-*.whl >/dev/null 2>&1; then
    log "installing hyperfine and python3-wheel-whl (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine python3-wheel-whl >/dev/null \
        || die "apt-get install hyperfine python3-wheel-whl failed; install them by hand."
fi
wheel_whl="$(ls /usr/share/python-wheels/wheel-*.whl | sort -V | tail -n 1)"
if ((foreign)); then
    for root in $roots; do
        [[ -x "$root/usr/bin/python3" ]] || die "no root filesystem at $root; make it with scripts/make-build-root.sh --arch ARCH $root (or --no-foreign)."
    done
else
    roots=""
fi

mkdir -p "$work/logs" "$sdists"
work="$(cd "$work" && pwd)"
driver_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
        kill -TERM "$driver_pid" 2>/dev/null || true # it stops its hyperfine's process group itself
        wait "$driver_pid" 2>/dev/null || true
    fi
    rm -rf "$work/apt"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The sdists: each source package's upstream tarball, which for these two is the PyPI sdist (it has PKG-INFO),
# renamed to NAME-VERSION.tar.gz after its top-level folder so pip reads it as an sdist.
fetch_sdists() {
    local apt="$work/apt" package orig top listing origs mirror
    local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/sources.list.d" -o "Dir::State::Lists=$apt/lists")
    rm -rf "$apt"
    mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/download"
    # The machine's own Debian mirror (its first URIs line), as a deb-src entry in a list of its own that only this run reads.
    mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "${mirror:-http://deb.debian.org/debian}" >"$apt/sources.list.d/bench-deb-src.sources"
    log "apt-get update of bookworm's deb-src from ${mirror:-http://deb.debian.org/debian} (temporary lists in $apt)"
    apt-get "${opts[@]}" update -q >"$work/logs/apt-update.log" 2>&1 || { tail -n 20 "$work/logs/apt-update.log" >&2; die "apt-get update of the deb-src list failed"; }
    for package in "${source_packages[@]}"; do
        # The mirror may lack the .debian.tar.xz (apt-get then fails); only the .orig tarball is needed, and apt has checked its hash.
        (cd "$apt/download" && apt-get "${opts[@]}" source --download-only "$package" >>"$work/logs/apt-source.log" 2>&1) || true
        origs=("$apt/download/${package}"_*.orig.tar.*)
        orig="${origs[0]}"
        [[ -f "$orig" ]] || { tail -n 20 "$work/logs/apt-source.log" >&2; die "no upstream tarball of the source package $package (see $work/logs/apt-source.log)"; }
        listing="$(tar -tf "$orig")"
        top="${listing%%/*}"
        grep -qx "$top/PKG-INFO" <<<"$listing" || die "$orig is not an sdist (no $top/PKG-INFO)"
        cp "$orig" "$sdists/$top.tar.${orig##*.tar.}"
        echo "$package $(basename "$orig") -> $top.tar.${orig##*.tar.}" >>"$sdists/SOURCES"
        log "sdist $sdists/$top.tar.${orig##*.tar.} (from $(basename "$orig"))"
    done
    rm -rf "$apt"
}
cached=0
[[ -s "$sdists/SOURCES" ]] && while read -r _ _ _ file; do [[ -f "$sdists/$file" ]] && cached=$((cached + 1)); done <"$sdists/SOURCES"
((cached >= ${#source_packages[@]})) || { rm -f "$sdists/SOURCES" "$sdists"/*.tar.*; fetch_sdists; }

# The agent, built in Release into the work dir (--artifacts-path: src/*/bin and obj are left alone).
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ((use_worktree)); then
    source_dir="$repo"
    source_desc="work tree at $(git -C "$repo" rev-parse --short HEAD), $(git -C "$repo" status --porcelain -- src | wc -l) uncommitted paths under src/"
else
    commit=$(git -C "$repo" rev-parse --verify --short "$rev^{commit}")
    source_dir="$work/source/$commit"
    if [[ ! -f "$source_dir/.complete" ]]; then
        rm -rf "$source_dir" && mkdir -p "$source_dir"
        git -C "$repo" archive "$commit" | tar -x -C "$source_dir"
        touch "$source_dir/.complete"
    fi
    [[ -f "$source_dir/src/Agent/Sandbox/SandboxRunCommand.cs" ]] || die "commit $commit has no sandbox-run verb; use --worktree or --rev with a later commit."
    source_desc="commit $commit"
fi
log "building src/Agent (Release) from the $source_desc"
timeout 600 dotnet build -c Release "$source_dir/src/Agent" --artifacts-path "$work/build" --disable-build-servers -nologo -v quiet >"$work/logs/build.log" 2>&1 \
    || { tail -n 30 "$work/logs/build.log" >&2; die "the agent did not build (log: $work/logs/build.log)"; }
dll="$work/build/bin/Agent/release/PypiForge.Agent.dll"
[[ -f "$dll" ]] || die "no $dll after the build"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$repo/bench/results/build-sandbox-$stamp"
((quick)) && results="$work/build-sandbox-quick-$stamp" # a smoke run's figures do not go into bench/results
mkdir -p "$(dirname "$results")"
"$python" - "$work" "$dll" "$sdists" "$wheel_whl" "$runs" "$warmup" "$foreign_runs" "$foreign_warmup" "$quiet_wait" \
    "$results" "$source_desc" $roots <<'PY' &
import json, os, resource, shlex, shutil, signal, statistics, subprocess, sys, time, zipfile

work, dll, sdists, wheel_whl = sys.argv[1:5]
runs, warmup, foreign_runs, foreign_warmup, quiet_wait = map(int, sys.argv[5:10])
out, source_desc, roots = sys.argv[10], sys.argv[11], sys.argv[12:]
agent = [shutil.which("dotnet"), dll, "sandbox-run"]
packages = sorted(f for f in os.listdir(sdists) if ".tar." in f)
hyperfine = None


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def stop(signum, _frame):
    if hyperfine is not None and hyperfine.poll() is None:
        os.killpg(hyperfine.pid, signal.SIGTERM)  # its own process group, made for it
        try:
            hyperfine.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(hyperfine.pid, signal.SIGKILL)
    if CGROUP:
        remove_cgroup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


def busy_seconds():
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cgroup_base():
    """Where to make a cgroup (v2) of our own: bwrap's outer process returns without reaping the sandbox's init, so
    the sandboxed processes' CPU never reaches our rusage; a cgroup counts it anyway. None: no cgroup v2 here."""
    mount = next((line.split()[1] for line in open("/proc/self/mounts") if line.split()[2] == "cgroup2"), None)
    own = next((line.strip()[3:] for line in open("/proc/self/cgroup") if line.startswith("0::")), None)
    if mount is None or own is None:
        return None
    base = os.path.join(mount, own.lstrip("/"), f"pypiforge-bench-{os.getpid()}")
    try:
        os.mkdir(base)
        os.rmdir(base)
        return base
    except OSError:
        return None


CGROUP = cgroup_base()


def cgroup_seconds():
    with open(os.path.join(CGROUP, "cpu.stat")) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("usage_usec")) / 1e6


def own_seconds():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + (cgroup_seconds() if CGROUP and os.path.isdir(CGROUP) else kids.ru_utime + kids.ru_stime)


class OtherLoad:
    """CPU of processes this run did not start (% of one core): machine busy time minus this driver's and what runs
    in its cgroup (hyperfine, dotnet, bwrap and everything in the sandbox); without cgroup v2, its waited children's."""

    def __init__(self):
        self.busy, self.ours, self.started = busy_seconds(), own_seconds(), time.perf_counter()

    def percent(self):
        wall = time.perf_counter() - self.started
        other = (busy_seconds() - self.busy) - (own_seconds() - self.ours)
        return round(max(0.0, 100.0 * other / wall), 1) if wall > 0 else 0.0


def remove_cgroup():
    for _ in range(50):
        try:
            os.rmdir(CGROUP)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)  # the sandbox's last processes are still going away
    log(f"could not remove the cgroup {CGROUP}; remove it by hand (rmdir) when it is empty")


def join_cgroup():
    with open(os.path.join(CGROUP, "cgroup.procs"), "w") as f:
        f.write("0")


def wait_for_quiet():
    deadline = time.perf_counter() + quiet_wait
    while True:
        window = OtherLoad()
        time.sleep(3)
        other = window.percent()
        if other < 25 or time.perf_counter() + 3 > deadline:
            return other
        log(f"other processes use {other:.0f}% CPU; waiting for a quieter machine (up to {quiet_wait} s)")


def run_text(args):
    return subprocess.run(args, capture_output=True, text=True).stdout.strip()


def scratch(name, root):
    """A scratch folder with the sdists and Debian's `wheel` in the user site (HOME is the scratch folder in both modes)."""
    path = os.path.join(work, "scratch", name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    os.chmod(os.path.dirname(path), 0o700)
    for package in packages:
        shutil.copy(os.path.join(sdists, package), path)
    site = run_text(command("bwrap", path, root, ["-c", "import site; print(site.getusersitepackages())"]))
    if not site.startswith("/build/"):
        sys.exit(f"bench: could not find the user site of {root or 'the host python3'} in the sandbox (got {site!r})")
    with zipfile.ZipFile(wheel_whl) as whl:
        whl.extractall(os.path.join(path, site[len("/build/"):]))
    return path


def command(mode, path, root, code):
    interpreter = "/usr/bin/python3" if root else "python3"
    options = (["--no-sandbox"] if mode == "none" else []) + (["--root", root] if root else [])
    return agent + options + ["--scratch", path, "--", interpreter] + code


def pip_wheel(package):
    return ["-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir", "-w", "out", "./" + package]


results = []


def measure(label, group, target, mode, argv, path, n, warm, package=None):
    """One hyperfine invocation per figure, so that each has its own other-CPU figure. A build is first run once
    with its output kept (the log shows what was built), and must leave a platform wheel with a compiled module."""
    global hyperfine
    slug = "".join(c if c.isalnum() or c in ".-" else "-" for c in label)
    if package:
        shutil.rmtree(os.path.join(path, "out"), ignore_errors=True)
        with open(os.path.join(work, "logs", slug + ".log"), "w") as f:
            if subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT).returncode != 0:
                sys.exit(f"bench: {label} failed; see {f.name}")
        wheels = os.listdir(os.path.join(path, "out"))
        if len(wheels) != 1 or not any(f.endswith(".so") for f in zipfile.ZipFile(os.path.join(path, "out", wheels[0])).namelist()):
            sys.exit(f"bench: {label} did not build one platform wheel with a compiled module: {wheels}")
    log(f"{label}: {n} runs")
    export = os.path.join(work, "logs", slug + ".json")
    args = ["hyperfine", "-N", "--style", "basic", "--runs", str(n), "--warmup", str(warm), "--export-json", export, "-n", label]
    if package:
        args += ["--prepare", "rm -rf " + os.path.join(path, "out")]
    if CGROUP:
        os.mkdir(CGROUP)
    load, cpu = OtherLoad(), own_seconds()
    hyperfine = subprocess.Popen(args + [shlex.join(argv)], start_new_session=True, preexec_fn=join_cgroup if CGROUP else None)
    if hyperfine.wait() != 0:
        sys.exit(f"bench: hyperfine failed for {label}")
    other, cpu = load.percent(), own_seconds() - cpu
    hyperfine = None
    if CGROUP:
        remove_cgroup()
    data = json.load(open(export))["results"][0]
    results.append(dict(label=label, group=group, target=target, mode=mode, package=package, command=shlex.join(argv),
                        runs=len(data["times"]), times=data["times"], min=data["min"], median=data["median"], max=data["max"],
                        mean=data["mean"], stddev=data.get("stddev") or 0.0, other_cpu=other, cpu_per_run=cpu / (n + warm) if CGROUP else None,
                        wheel=wheels[0] if package else None))


started = time.time()
quiet = wait_for_quiet()
log(f"other processes: {quiet}% CPU before the start")
host = {mode: scratch("host-" + mode, None) for mode in ("none", "bwrap")}
python_path = run_text(["python3", "-c", "import sys; print(sys.executable)"])  # the real file, not pyenv's shim script
names = {"none": "unsandboxed", "bwrap": "sandboxed"}
measure("python3 -c pass, direct (no agent)", "fixed", "host", "direct", [python_path, "-c", "pass"], host["none"], runs, warmup)
for mode in ("none", "bwrap"):
    measure(f"python3 -c pass, host, {names[mode]}", "fixed", "host", mode, command(mode, host[mode], None, ["-c", "pass"]), host[mode], runs, warmup)
for package in packages:
    for mode in ("none", "bwrap"):
        measure(f"{package}, host, {names[mode]}", "build", "host", mode, command(mode, host[mode], None, pip_wheel(package)), host[mode], runs, warmup, package)
for root in roots:
    name = os.path.basename(root)
    path = scratch(name, root)
    measure(f"python3 -c pass, {name}", "fixed", name, "bwrap", command("bwrap", path, root, ["-c", "pass"]), path, foreign_runs, foreign_warmup)
    for package in packages:
        measure(f"{package}, {name}", "build", name, "bwrap", command("bwrap", path, root, pip_wheel(package)), path, foreign_runs, foreign_warmup, package)


def find(**keys):
    return next(r for r in results if all(r[k] == v for k, v in keys.items()))


def s(value):
    return f"{value:.3f}" if value < 10 else f"{value:.2f}"


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
qemu = run_text(["dpkg-query", "-W", "-f", "${Package} ${Version} ", "qemu-user-static", "qemu-user"])
versions = f"{run_text(['bwrap', '--version'])}, {run_text(['hyperfine', '--version'])}, {qemu.strip()}"
lines = [
    f"# Build sandbox and foreign targets: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}",
    "",
    f"Command: `bench/build-sandbox.sh` ({source_desc}); {round(time.time() - started)} s.",
    f"Machine: {os.cpu_count()} cores ({cpu}), kernel {os.uname().release}; {versions}; host {run_text([python_path, '-VV'])}.",
    f"Sdists (Debian bookworm upstream tarballs): {', '.join(packages)}; `wheel` from {os.path.basename(wheel_whl)} in each scratch folder's user site.",
    f"Other processes before the start: {quiet}% of one core. \"Other CPU\": the same over each hyperfine invocation, in % of one core "
    f"(machine busy time from /proc/stat minus " + ("a cgroup holding hyperfine and everything it starts" if CGROUP else
    "this run's reaped children: no cgroup v2 here, so a sandboxed run's own CPU counts as other") + "). "
    "\"Our CPU/run\": that cgroup's CPU time divided by the runs (warm-up included), all processes of a run together.",
    "",
    "| measurement | runs | min (s) | median (s) | max (s) | mean ± σ (s) | our CPU/run (s) | other CPU |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
for r in results:
    ours = s(r["cpu_per_run"]) if r["cpu_per_run"] is not None else "?"
    lines.append(f"| {r['label']} | {r['runs']} | {s(r['min'])} | {s(r['median'])} | {s(r['max'])} | {s(r['mean'])} ± {s(r['stddev'])} | {ours} | {r['other_cpu']}% |")
lines += ["", "Sandboxed / unsandboxed (host python3, medians):", "",
          "| what | unsandboxed | sandboxed | ratio | difference |", "|---|---:|---:|---:|---:|"]
for what, keys in [("python3 -c pass", dict(group="fixed", target="host"))] + [(p, dict(package=p, target="host")) for p in packages]:
    a, b = find(mode="none", **keys)["median"], find(mode="bwrap", **keys)["median"]
    lines.append(f"| {what} | {s(a)} | {s(b)} | {b / a:.3f} | {b - a:+.3f} s |")
if roots:
    lines += ["", "Foreign roots / sandboxed native host (medians; \"net\" subtracts each target's `python3 -c pass` "
              "through sandbox-run, i.e. dotnet start-up, discovery and the sandbox):", "",
              "| what | target | native | target | ratio | net ratio |", "|---|---|---:|---:|---:|---:|"]
    native_pass = find(group="fixed", target="host", mode="bwrap")["median"]
    for root in roots:
        name = os.path.basename(root)
        target_pass = find(group="fixed", target=name)["median"]
        lines.append(f"| python3 -c pass | {name} | {s(native_pass)} | {s(target_pass)} | {target_pass / native_pass:.2f} | |")
        for p in packages:
            a, b = find(package=p, target="host", mode="bwrap")["median"], find(package=p, target=name)["median"]
            lines.append(f"| {p} | {name} | {s(a)} | {s(b)} | {b / a:.2f} | {(b - target_pass) / (a - native_pass):.2f} |")
lines += ["", "Wheels built: " + ", ".join(sorted({r["wheel"] for r in results if r["wheel"]})), "", "Commands (hyperfine -N):", ""]
lines += [f"- {r['label']}: `{r['command']}`" for r in results]
with open(out + ".md", "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(work, "logs", "results.json"), "w") as f:
    json.dump(dict(source=source_desc, started=started, quiet_before=quiet, results=results), f, indent=1)
print("\n".join(lines))
log(f"written: {out}.md (every run's time: {work}/logs/results.json)")
PY
driver_pid=$!
status=0
wait "$driver_pid" || status=$?
driver_pid=""
exit "$status"
