#!/usr/bin/env bash
# Pages benchmark: the real server (bench/PagesBench, in-process) over the 40,000-file corpus of bench/gen_corpus.py
# (2,000 projects x 20 files) with 10,000 seeded build records and its embedded python3 agent (so the project page's
# matrix has a live target), then wrk on a project page, the builds pages, search and home.
#   bench/pages.sh [BUILDS]      (default 10000; $PYPIFORGE_BENCH_WORK as bench/run.sh, default /tmp/pypiforge-bench)
# Figures are quick and noisy on a shared machine: note the load average printed with them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
builds="${1:-10000}"
work="${PYPIFORGE_BENCH_WORK:-/tmp/pypiforge-bench}"
corpus="${PYPIFORGE_BENCH_CORPUS:-/tmp/pf-bench-corpus}"
port="${PYPIFORGE_BENCH_PAGES_PORT:-18480}"
mkdir -p "$work/pages-state"
[[ -d "$corpus" ]] || python3 bench/gen_corpus.py "$corpus" --projects 2000 --versions 20
dotnet build bench/PagesBench -c Release -o "$work/pages-bench" >/dev/null
fifo="$work/pages-bench.stdin"
rm -f "$fifo" && mkfifo "$fifo"
"$work/pages-bench/PypiForge.PagesBench" "$builds" --root "$corpus" --state-dir "$work/pages-state" \
    --urls "http://127.0.0.1:$port" --grpc-port 0 --fallback none \
    --Queue:EmbeddedAgent true --Agent:Interpreters:0 python3 <"$fifo" >"$work/pages-bench.log" 2>&1 &
server=$!
exec 3>"$fifo"
trap 'exec 3>&-; wait "$server" || true; rm -f "$fifo"' EXIT
for _ in $(seq 1 600); do grep -q '^ready' "$work/pages-bench.log" && break; sleep 0.5; done
grep -q '^ready' "$work/pages-bench.log" || { cat "$work/pages-bench.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -fs "$base/targets/" | grep -q 'cp3' && break; sleep 0.5; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc)"
echo "busiest other processes (%CPU):"; ps -eo pcpu,comm --sort=-pcpu | sed -n 2,8p || true
for path in "/simple/proj0001/" "/project/proj0001/" "/builds/" "/builds/?project=proj0001" "/builds/?state=failed&after=$(printf '%012x' $((builds / 2)))" "/search?q=proj01" "/"; do
    curl -fs -o /dev/null "$base$path" || { echo "GET $path failed" >&2; exit 1; }
    echo "== $path ($(curl -fs "$base$path" | wc -c) bytes)"
    wrk -t1 -c4 -d10s --latency "$base$path" | grep -E 'Requests/sec|Latency  |50%|99%'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
