#!/usr/bin/env bash
# Remote build agents benchmark (issue 6; results in docs/benchmarks.md, "Remote build agents"):
#   1. pickup latency: RequestBuild → the agent has begun the job and is starting pip, with the agent idle,
#      in-memory storage (embedded agent) vs PostgreSQL storage (a remote agent process);
#   2. throughput: N distinct small pure sdists queued at once, one remote agent vs two (one worker each).
#
#   bench/agents.sh [latency samples, default 15] [throughput builds, default 8]
#
# Needs Debian's postgresql (a throwaway cluster is started on a free loopback port and stopped at the end) and
# pyenv's CPython 3.11 (PYTHON=... for another interpreter). Writes bench/results/agents-<timestamp>.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
samples="${1:-15}"
builds="${2:-8}"
python="${PYTHON:-$(ls -d "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.11.*/bin/python | sort -V | tail -n 1)}"
work="$(mktemp -d /tmp/pypiforge-bench-agents.XXXXXX)"
pg="$(mktemp -d /tmp/pypiforge-bench-pg.XXXXXX)" # its own folder: the postgres user cannot enter $work
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

as_postgres() { if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$work" "$pg"
}
trap cleanup EXIT

[[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$pg"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_postgres "$pg_bin/initdb" -D "$pg/data" -U pypiforge --auth=trust -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg -c max_connections=200" start >/dev/null

cd "$repo"
dotnet build src/Server -c Release --nologo -v q >/dev/null
dotnet build bench/AgentsBench -c Release --nologo -v q >/dev/null
mkdir -p bench/results
out="bench/results/agents-$(date -u +%Y%m%dT%H%M%SZ).md"
{
    echo "# Remote build agents: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$python" --version 2>&1), PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')"
    echo
    echo "Command: \`bench/agents.sh $samples $builds\`"
    echo
    dotnet bench/AgentsBench/bin/Release/net10.0/PypiForge.AgentsBench.dll \
        "$repo/src/Server/bin/Release/net10.0" "Host=127.0.0.1;Port=$port;Username=pypiforge;Database=postgres" "$work" "$python" "$samples" "$builds"
} | tee "$out"
echo "written: $out"
