#!/usr/bin/env bash
# PypiForge benchmark, side by side with nginx serving the same content (see docs/benchmarks.md).
#
#   bench/run.sh              full run (~5 min): writes bench/results/<timestamp>.md and
#                             the results section of docs/benchmarks.md
#   bench/run.sh --quick      smoke run (~2 min), docs untouched
#   bench/run.sh --regen      regenerate the cached corpus first
#   bench/run.sh --jit        measure a plain `dotnet build` (default: published as the Dockerfile does,
#                             ReadyToRun)
#   bench/run.sh --worktree   build the work tree as it is (default: a snapshot of HEAD;
#                             --rev REV for another commit)
#   bench/run.sh --with-builds  also serving while builds run: bench/serve-during-builds.sh after the
#                             other phases (its own build of server and agent, then 4 x 30 s; needs root,
#                             bwrap, the cached sdists); without it the report quotes the latest
#                             bench/results/serve-during-builds-*.md, labelled as an earlier run
#   bench/run.sh --help       every option (the others go to bench/bench.py)
#
# Work dir (corpus, server build, nginx config, logs): $PYPIFORGE_BENCH_WORK, default
# /tmp/pypiforge-bench. The server is built in Release into <work>/build (--artifacts-path),
# so the bin/ and obj/ folders under src/ are left alone.
# Everything runs on 127.0.0.1; every process started is killed by PID on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="${PYPIFORGE_BENCH_WORK:-/tmp/pypiforge-bench}"
python="${PYTHON:-python3}"

# Which source to build: the committed HEAD by default (a clean `git archive` snapshot, so
# half-done edits in the work tree cannot break or skew the run), --rev REV for another commit,
# --worktree for the work tree as it is (to measure a change before committing it).
rev="HEAD"
use_worktree=0
use_jit=0
with_builds=0
pass=()
while (($#)); do
    case "$1" in
        -h | --help)
            echo "bench/run.sh [--rev REV | --worktree] [--jit] [options of bench/bench.py below]"
            exec "$python" "$here/bench.py" --work "$work" --dll none --help
            ;;
        --worktree) use_worktree=1 ;;
        --jit) use_jit=1 ;;
        --with-builds)
            with_builds=1
            pass+=("$1")
            ;;
        --rev)
            [[ $# -ge 2 ]] || { echo "bench/run.sh: --rev needs a commit" >&2; exit 2; }
            rev="$2"
            shift
            ;;
        *) pass+=("$1") ;;
    esac
    shift
done

missing=()
for tool in dotnet nginx wrk "$python" git cp; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "bench/run.sh: missing tools: ${missing[*]} (Debian: apt-get install nginx-light wrk)" >&2
    exit 1
fi
# --with-builds needs more (root, bwrap, the sdists): say so now, not after the other phases.
if ((with_builds)); then
    "$here/serve-during-builds.sh" --check || { echo "bench/run.sh: --with-builds cannot run (see above)" >&2; exit 1; }
fi

mkdir -p "$work/logs"
work="$(cd "$work" && pwd)"
pidfile="$work/pids"
: >"$pidfile"
bench_pid=""

# Kills what this run started, by PID only: the Python driver (which stops its own children),
# then anything it recorded in the pid file that is still ours (nginx, dotnet, wrk).
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        # Up to 40 s: with --with-builds its child stops a server and two build loops first.
        for _ in $(seq 1 400); do
            kill -0 "$bench_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$bench_pid" 2>/dev/null || true
    fi
    if [[ -s "$pidfile" ]]; then
        while read -r pid _name; do
            [[ "$pid" =~ ^[0-9]+$ ]] || continue
            [[ -r "/proc/$pid/cmdline" ]] || continue
            if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'nginx|PypiForge\.Server|wrk'; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done <"$pidfile"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ((use_worktree)); then
    source_dir="$repo"
    dirty=$(git -C "$repo" status --porcelain -- src | wc -l)
    source_desc="work tree at $(git -C "$repo" rev-parse --short HEAD), $dirty uncommitted paths under src/"
    builds_source="worktree"
else
    commit=$(git -C "$repo" rev-parse --verify --short "$rev^{commit}")
    source_dir="$work/source/$commit"
    if [[ ! -f "$source_dir/.complete" ]]; then
        rm -rf "$source_dir"
        mkdir -p "$source_dir"
        git -C "$repo" archive "$commit" | tar -x -C "$source_dir"
        touch "$source_dir/.complete"
    fi
    source_desc="commit $commit"
    builds_source="$commit"
fi
# Published as the Dockerfile and docs/deploy.md publish it: Release, compiled ahead of time (ReadyToRun) for this
# machine's runtime, framework-dependent. --jit measures a plain `dotnet build` instead (the start-up JIT compiles).
if ((use_jit)); then
    build_cmd=(dotnet build -c Release "$source_dir/src/Server" --artifacts-path "$work/build-jit")
    dll="$work/build-jit/bin/Server/release/PypiForge.Server.dll"
    build_desc="dotnet build, JIT"
else
    build_cmd=(dotnet publish -c Release "$source_dir/src/Server" --use-current-runtime --self-contained false
        -p:PublishReadyToRun=true --artifacts-path "$work/build")
    dll="$work/build/publish/Server/release/PypiForge.Server.dll"
    build_desc="dotnet publish, ReadyToRun"
fi
source_desc="$source_desc ($build_desc)"
echo "[$(date +%H:%M:%S)] building src/Server (Release, $build_desc) from the $source_desc into $work"
if ! timeout 600 "${build_cmd[@]}" -nologo -v quiet >"$work/logs/build.log" 2>&1; then
    tail -n 40 "$work/logs/build.log" >&2
    echo "bench/run.sh: the server did not build (full log: $work/logs/build.log)" >&2
    exit 1
fi
[[ -f "$dll" ]] || { echo "bench/run.sh: no $dll after the build" >&2; exit 1; }

# The driver runs in the background so that a signal reaches this shell's trap at once.
"$python" "$here/bench.py" --work "$work" --dll "$dll" --repo "$repo" --pidfile "$pidfile" \
    --source "$source_desc" --builds-source "$builds_source" ${pass[@]+"${pass[@]}"} &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
