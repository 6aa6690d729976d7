#!/usr/bin/env bash
# Runs the whole PypiForge test suite: installs what the tests need (Debian 12, as root),
# builds the fixture distributions, builds the solution in Release, runs every test
# project, and ends with one line counted from the .trx files:
#
#     tests: N passed, N failed, N skipped
#
# Extra arguments go to `dotnet test`, e.g.  scripts/test.sh --filter "FullyQualifiedName~Uploads"
# Exits non-zero when a step fails, a test fails, or no test ran. The summary line is
# always the last line printed, even when an earlier step fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root="$(pwd)"
results_dir="$repo_root/artifacts/test-results"

# Packages tests drive for real: wheels for offline builds, twine and flit uploads, htpasswd
# (apache2-utils) for user files, nginx in front of the server, wrk for load, PostgreSQL for the
# shared queue of remote build agents; bubblewrap for the build sandbox, debootstrap and qemu-user-static for the
# i386 and arm64 build roots; xz-utils and bzip2 for the .tar.xz and .tar.bz2 sdists GNU tar makes; chromium for the
# pages' browser tests (driven by playwright-core from npm, see install_playwright).
apt_packages=(python3-wheel-whl python3-setuptools-whl twine flit python3-pdm apache2-utils nginx-light wrk postgresql
    bubblewrap debootstrap qemu-user-static xz-utils bzip2 systemd chromium)
if ! command -v npm >/dev/null; then
    apt_packages+=(nodejs npm)
fi

# playwright-core (only the driver; the browser is Debian's chromium), pinned, installed once per machine outside the
# repository and reused; tests/browser/*.js find it through NODE_PATH.
playwright_version=1.65.1
node_dir="${PYPIFORGE_TEST_NODE:-/var/cache/pypiforge/node}"
export NODE_PATH="$node_dir/node_modules"

# Debian roots the foreign-target tests build in, made once per machine and reused (a few minutes each, made in the
# background while the solution builds and the other tests run; tests that need one wait for it).
roots_dir="${PYPIFORGE_TEST_ROOTS:-/var/cache/pypiforge/roots}"
export PYPIFORGE_TEST_ROOTS="$roots_dir"
root_jobs=()

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# Prints the summary line (zeros when no test ran) and exits with the given status.
finish() {
    local status="$1"
    local summary_status=0
    if compgen -G "$results_dir/*.trx" >/dev/null; then
        python3 scripts/trx-summary.py "$results_dir" || summary_status=$?
    else
        echo "tests: 0 passed, 0 failed, 0 skipped"
        summary_status=1
    fi
    if [[ "$status" -eq 0 && "$summary_status" -ne 0 ]]; then
        status=1
    fi
    stop_postgres
    stop_roots
    exit "$status"
}

# Makes (or, when present, only registers qemu for) each root in the background; a failure leaves NAME.failed, which
# the waiting tests report with the log's name.
start_roots() {
    mkdir -p "$roots_dir"
    local name arch
    for name in bookworm-i386 bookworm-arm64; do
        arch="${name#bookworm-}"
        rm -f "$roots_dir/$name.failed"
        (scripts/make-build-root.sh --arch "$arch" --suite bookworm "$roots_dir/$name" >"$roots_dir/$name.make.log" 2>&1 ||
            { touch "$roots_dir/$name.failed"; cat "$roots_dir/$name.make.log" >&2; }) &
        root_jobs+=("$!")
    done
    echo "scripts/test.sh: build roots in $roots_dir (made in the background if missing; logs $roots_dir/*.make.log)"
}

# The roots' makers use both cores for minutes (qemu runs their package scripts); tests run after them, not beside
# them, so timings inside tests are not squeezed. On a machine that has the roots this is a moment.
wait_roots() {
    [[ "${#root_jobs[@]}" -gt 0 ]] || return 0
    local started=$SECONDS job
    echo "scripts/test.sh: waiting for the build roots in $roots_dir"
    for job in "${root_jobs[@]}"; do
        wait "$job" || true
    done
    root_jobs=()
    echo "scripts/test.sh: build roots ready after $((SECONDS - started)) s more"
}

stop_roots() {
    local job
    for job in "${root_jobs[@]}"; do
        pkill -TERM -P "$job" 2>/dev/null || true
        kill "$job" 2>/dev/null || true
    done
    root_jobs=()
}

# A throwaway PostgreSQL cluster for the distributed-build tests: initdb in a temp folder, listening on
# loopback only at a free port, trust auth. Run as the postgres user when we are root (initdb refuses root).
# Its connection string reaches the tests as PYPIFORGE_TEST_POSTGRES; without it they fail (they never skip).
pg_dir=""
pg_ctl_bin=""
as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$bin" && -x "$bin/initdb" ]] ||
        fail "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with: apt-get install postgresql"
    pg_dir="$(mktemp -d /tmp/pypiforge-test-pg.XXXXXX)"
    chmod 700 "$pg_dir"
    if [[ "$(id -u)" -eq 0 ]]; then
        chown postgres:postgres "$pg_dir"
    fi
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_postgres "$bin/initdb" -D "$pg_dir/data" -U pypiforge --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 ||
        fail "initdb failed; see $pg_dir/initdb.log"
    pg_ctl_bin="$bin/pg_ctl"
    as_postgres "$pg_ctl_bin" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c max_connections=400 -c fsync=off -c synchronous_commit=off" start >/dev/null ||
        fail "PostgreSQL did not start; see $pg_dir/server.log"
    export PYPIFORGE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=pypiforge;Database=postgres;Maximum Pool Size=30"
    echo "scripts/test.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($pg_dir)"
}

stop_postgres() {
    if [[ -n "$pg_ctl_bin" && -n "$pg_dir" && -d "$pg_dir/data" ]]; then
        as_postgres "$pg_ctl_bin" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
    pg_ctl_bin=""
}

fail() {
    echo "scripts/test.sh: error: $*" >&2
    finish 1
}

install_apt_packages() {
    if ! command -v dpkg-query >/dev/null; then
        echo "scripts/test.sh: not a Debian system; make sure these are installed: ${apt_packages[*]}" >&2
        return
    fi
    local missing=()
    local package
    for package in "${apt_packages[@]}"; do
        # dpkg -s also succeeds for removed packages whose config files remain.
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    if [[ "${#missing[@]}" -eq 0 ]]; then
        return
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        fail "the tests need these Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
    fi
    echo "scripts/test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || fail "apt-get update failed; check the network and apt sources, then re-run."
    apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        fail "apt-get install ${missing[*]} failed; install them by hand, then re-run."
}

install_playwright() {
    local installed="$NODE_PATH/playwright-core/package.json"
    if [[ -f "$installed" ]] && grep -q "\"version\": \"$playwright_version\"" "$installed"; then
        return
    fi
    echo "scripts/test.sh: installing playwright-core@$playwright_version into $node_dir"
    mkdir -p "$node_dir" || fail "cannot make $node_dir; set PYPIFORGE_TEST_NODE to a writable folder, then re-run."
    (cd "$node_dir" && npm install --no-save --no-audit --no-fund "playwright-core@$playwright_version") ||
        fail "npm install playwright-core@$playwright_version in $node_dir failed; check the network and npm's registry, then re-run."
}

command -v dotnet >/dev/null || fail "dotnet is not on PATH; install the .NET 10 SDK (see global.json)."
command -v python3 >/dev/null || fail "python3 is not on PATH; install python3."

rm -rf "$results_dir"
install_apt_packages
install_playwright
if [[ "$(id -u)" -eq 0 ]]; then
    start_roots
else
    echo "scripts/test.sh: not root, so the build roots in $roots_dir are not made; make them as root with scripts/make-build-root.sh" >&2
fi

tests/fixtures/make-dists.sh || fail "tests/fixtures/make-dists.sh failed (its message is above)."

build_args=(-c Release)
if [[ -n "${CI:-}" ]]; then
    # Compiler and MSBuild servers outlive the build and would hold the CI job's output open.
    build_args+=(--disable-build-servers)
fi
dotnet build PypiForge.sln "${build_args[@]}" || fail "dotnet build failed (errors above)."
wait_roots
start_postgres
trap stop_postgres EXIT

test_status=0
dotnet test PypiForge.sln -c Release --no-build --logger trx --results-directory "$results_dir" "$@" ||
    test_status=$?
if [[ "$test_status" -ne 0 ]]; then
    echo "scripts/test.sh: dotnet test exited with $test_status." >&2
fi
finish "$test_status"
