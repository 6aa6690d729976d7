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
# (apache2-utils) for user files, nginx in front
# of the server, wrk for load.
apt_packages=(python3-wheel-whl python3-setuptools-whl twine flit apache2-utils nginx-light wrk)

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
    exit "$status"
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

command -v dotnet >/dev/null || fail "dotnet is not on PATH; install the .NET 10 SDK (see global.json)."
command -v python3 >/dev/null || fail "python3 is not on PATH; install python3."

rm -rf "$results_dir"
install_apt_packages

tests/fixtures/make-dists.sh || fail "tests/fixtures/make-dists.sh failed (its message is above)."

build_args=(-c Release)
if [[ -n "${CI:-}" ]]; then
    # Compiler and MSBuild servers outlive the build and would hold the CI job's output open.
    build_args+=(--disable-build-servers)
fi
dotnet build PypiForge.sln "${build_args[@]}" || fail "dotnet build failed (errors above)."

test_status=0
dotnet test PypiForge.sln -c Release --no-build --logger trx --results-directory "$results_dir" "$@" ||
    test_status=$?
if [[ "$test_status" -ne 0 ]]; then
    echo "scripts/test.sh: dotnet test exited with $test_status." >&2
fi
finish "$test_status"
