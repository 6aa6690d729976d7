#!/usr/bin/env bash
# Memory of one server over the benchmark corpus (docs/benchmarks.md, "Memory"): RSS once it answers (idle), after
# every project page was asked for in both formats and all three encodings (2,000 projects x 6 requests), and the peak.
#
#   bench/memory.sh DLL LABEL [VAR=VALUE ...]    e.g. bench/memory.sh src/Server/bin/Release/net10.0/PypiForge.Server.dll now
#                                                      bench/memory.sh ... base DOTNET_GCConserveMemory=0
# The corpus is bench/gen_corpus.py's (made in $PYPIFORGE_BENCH_WORK/corpus, default /tmp/pypiforge-bench, when missing);
# the state folder is a fresh copy per run, made by a first start. The embedded agent is off (it is not the index's memory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -ge 2 ]] || { sed -n 2,9p "${BASH_SOURCE[0]}" >&2; exit 2; }
dll="$(realpath "$1")" label="$2"; shift 2
work="${PYPIFORGE_BENCH_WORK:-/tmp/pypiforge-bench}"
python3 "$here/gen_corpus.py" "$work/corpus" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
state="$work/memory-state"
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true' EXIT

start() {
    env "$@" PYPIFORGE_Catalog__StateDirectory="$state" PYPIFORGE_Queue__EmbeddedAgent=false \
        dotnet "$dll" --urls "http://127.0.0.1:$port" --grpc-port 0 --fallback none --root "$work/corpus" >"$work/memory-$label.log" 2>&1 &
    pid=$!
    for _ in $(seq 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/simple/proj0001/" && return 0
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$work/memory-$label.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "bench/memory.sh: the server did not answer within 120 s" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
rss() { awk -v k="$1" '$1 == k":" { printf "%d", $2 / 1024 }' "/proc/$pid/status"; }

[[ -f "$state/catalog.json" ]] || { start; stop; }   # the first start hashes the corpus; measure restarts
start "$@"
sleep 5
idle=$(rss VmRSS)
python3 - "$port" <<'PY'
import sys, urllib.request, concurrent.futures as cf
port = sys.argv[1]
def get(i):
    for accept in ("text/html", "application/vnd.pypi.simple.v1+json"):
        for encoding in ("gzip", "br", "identity"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/simple/proj{i:04d}/", headers={"Accept": accept, "Accept-Encoding": encoding})
            urllib.request.urlopen(request).read()
with cf.ThreadPoolExecutor(4) as pool:
    list(pool.map(get, range(1, 2001)))
PY
sleep 5
echo "$label: idle $idle MiB, after every page $(rss VmRSS) MiB, peak $(rss VmHWM) MiB ($*)"
stop
