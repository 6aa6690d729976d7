#!/usr/bin/env bash
# Serving while builds run (results in docs/benchmarks.md, "Serving while builds run").
# Measures /simple/<project>/ with wrk (requests/s and p50/p99 latency) against one server (restarted over the state
# its first start wrote, then warmed up for 10 s), in four phases of the same run:
#   idle          nothing else of this run is running;
#   builds-equal  two C-extension builds loop in the build sandbox at the server's own priority
#                 (Agent:Limits:Nice 0, Agent:Limits:IoPriority 4: what a build got before priorities existed);
#   builds        the same two loops at the agent's defaults (Nice 10, IoPriority 7, the idle scheduling policy);
#   idle-again    idle once more: "vs idle" compares with idle at its best over both (higher rate, lower p99).
# Each phase runs wrk (saturating: requests/s) and then hey at a fixed 1,000 requests/s (the latency a request sees when
# the server has room; the builds-vs-idle target is judged on its p99). hey runs in the server's cpu group at the normal
# policy, as pip on another machine is not slowed by the builds (PYPIFORGE_BENCH_HEY_OUTSIDE=1: outside it).
# The builds are the agent's `sandbox-run` verb (the same sandbox, limits and wrappers as a build) running pip wheel of
# crcmod and MarkupSafe (Debian's upstream tarballs, cached by bench/build-sandbox.sh) over and over until the phase ends.
# Every phase reports the CPU other processes used meanwhile (machine busy time minus this run's cgroup).
#
#   bench/serve-during-builds.sh              four phases of 30 s each
#   bench/serve-during-builds.sh --quick      10 s each, report in the work dir only
#   options: --worktree (build the work tree as it is; default a snapshot of HEAD), --rev REV, --seconds N,
#            --report FILE (write the report there instead), --check (only check what it needs, then exit)
#   bench/run.sh --with-builds runs it after its own phases and puts its figures in that report's targets.
#
# Needs root (the sandbox's uids), dotnet, bwrap, wrk, hey (the fixed-rate latency), and the sdists in $PYPIFORGE_SDIST_CACHE (default
# /var/cache/pypiforge/bench-sdists; run bench/build-sandbox.sh --quick --no-foreign once to fetch them).
# Work dir: $PYPIFORGE_BENCH_WORK (default /tmp/pypiforge-bench-serve). Writes bench/results/serve-during-builds-<UTC>.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="${PYPIFORGE_BENCH_WORK:-/tmp/pypiforge-bench-serve}"
sdists="${PYPIFORGE_SDIST_CACHE:-/var/cache/pypiforge/bench-sdists}"
python="${PYTHON:-python3}"
rev="HEAD" use_worktree=0 seconds=30 quick=0 report="" check_only=0
while (($#)); do
    case "$1" in
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
        --worktree) use_worktree=1 ;;
        --quick) seconds=10 quick=1 ;;
        --check) check_only=1 ;;
        --rev | --seconds | --report)
            [[ $# -ge 2 ]] || { echo "bench/serve-during-builds.sh: $1 needs a value" >&2; exit 2; }
            case "$1" in --rev) rev="$2" ;; --seconds) seconds="$2" ;; --report) report="$2" ;; esac
            shift
            ;;
        *) echo "bench/serve-during-builds.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

die() { echo "bench/serve-during-builds.sh: $*" >&2; exit 1; }
[[ "$(id -u)" -eq 0 ]] || die "run it as root (builds run as the sandbox's own uids)."
for tool in dotnet bwrap wrk hey git tar "$python"; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install bubblewrap wrk hey git tar python3)."
done
ls "$sdists"/crcmod-*.tar.* "$sdists"/MarkupSafe-*.tar.* >/dev/null 2>&1 \
    || die "no crcmod and MarkupSafe sdists in $sdists; fetch them with: bench/build-sandbox.sh --quick --no-foreign"
ls /usr/share/python-wheels/wheel-*.whl >/dev/null 2>&1 || die "no Debian wheel .whl; apt-get install python3-wheel-whl"
((check_only)) && exit 0

mkdir -p "$work/logs"
work="$(cd "$work" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ((use_worktree)); then
    source_dir="$repo"
    source_desc="work tree at $(git -C "$repo" rev-parse --short HEAD)"
else
    commit=$(git -C "$repo" rev-parse --verify --short "$rev^{commit}")
    source_dir="$work/source/$commit"
    if [[ ! -f "$source_dir/.complete" ]]; then
        rm -rf "$source_dir" && mkdir -p "$source_dir"
        git -C "$repo" archive "$commit" | tar -x -C "$source_dir"
        touch "$source_dir/.complete"
    fi
    source_desc="commit $commit"
fi
for project in Server Agent; do
    echo "[$(date +%H:%M:%S)] building src/$project (Release) from the $source_desc" >&2
    timeout 600 dotnet build -c Release "$source_dir/src/$project" --artifacts-path "$work/build" --disable-build-servers -nologo -v quiet \
        >"$work/logs/build-$project.log" 2>&1 || { tail -n 30 "$work/logs/build-$project.log" >&2; die "src/$project did not build"; }
done

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
if [[ -z "$report" ]]; then
    report="$repo/bench/results/serve-during-builds-$stamp.md"
    ((quick)) && report="$work/serve-during-builds-quick-$stamp.md"
fi
mkdir -p "$(dirname "$report")"
exec "$python" "$here/serve_during_builds.py" --work "$work" --sdists "$sdists" --seconds "$seconds" \
    --server "$work/build/bin/Server/release/PypiForge.Server.dll" --agent "$work/build/bin/Agent/release/PypiForge.Agent.dll" \
    --source "$source_desc" --report "$report" --corpus-tool "$here/gen_corpus.py"
