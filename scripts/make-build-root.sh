#!/usr/bin/env bash
# Makes a Debian root filesystem that PypiForge can build wheels in (a build target's Root).
#
#     scripts/make-build-root.sh --arch i386|amd64|arm64|armhf [--suite bookworm] [--mirror URL] DIR
#
# Then point a target at it, e.g. for i686 wheels:
#
#     Agent__Targets__0__Root=DIR Agent__Targets__0__Interpreter=/usr/bin/python3
#
# Runs as root on Debian (debootstrap; qemu-user-static for arm64/armhf). The root gets python3,
# pip, venv, the C compiler and the Python headers; on suites that still ship Python 2 (bullseye,
# buster) also python2.7 with its headers and pip 20.3.4 (Debian's python-pip-whl), the seed's
# own cp27mu target. The root is made in DIR.partial and renamed to DIR when complete, so an
# existing DIR is a finished root: the script then only makes sure qemu is registered and exits.
# For a foreign architecture it registers the qemu-user handler with binfmt_misc (with the F
# flag, so the emulator works inside the build sandbox without being copied into the root).
set -euo pipefail

usage() {
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

die() {
    echo "make-build-root.sh: error: $*" >&2
    exit 1
}

arch=""
suite="bookworm"
mirror=""
dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --arch) arch="${2:-}"; shift 2 ;;
        --suite) suite="${2:-}"; shift 2 ;;
        --mirror) mirror="${2:-}"; shift 2 ;;
        -h|--help) usage ;;
        -*) echo "make-build-root.sh: unknown option $1" >&2; usage ;;
        *) [[ -z "$dir" ]] || usage; dir="$1"; shift ;;
    esac
done
[[ -n "$arch" && -n "$dir" ]] || usage

case "$arch" in
    i386|amd64) qemu="" ;;
    arm64) qemu="aarch64" ;;
    armhf) qemu="arm" ;;
    *) die "--arch $arch is not supported; use i386, amd64, arm64 or armhf." ;;
esac
[[ "$suite" =~ ^[a-z]+$ ]] || die "--suite '$suite' is not a Debian suite name (bookworm, bullseye, ...)."
[[ "$(id -u)" -eq 0 ]] || die "debootstrap needs root; run this as root (sudo $0 ...)."

apt_install() {
    local missing=()
    local package
    for package in "$@"; do
        [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$package")
    done
    [[ "${#missing[@]}" -eq 0 ]] && return
    echo "make-build-root.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || die "apt-get update failed; check the network and apt sources."
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed."
}

# Registers the qemu-user handler for $1 (aarch64, arm, i386) with binfmt_misc unless it is
# registered already. The F flag opens the emulator now, so it also runs inside roots and
# sandboxes that do not contain it.
register_qemu() {
    local name="$1"
    local misc=/proc/sys/fs/binfmt_misc
    local line
    if [[ "$name" == i386 ]]; then
        # Debian ships no handler for i386 (x86_64 kernels usually run it natively), so it is spelled here:
        # 32-bit little-endian ELF executables and shared objects for machine 3 (EM_386).
        [[ -x /usr/bin/qemu-i386-static ]] || die "/usr/bin/qemu-i386-static is missing; install qemu-user-static."
        line=':qemu-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-i386-static:F'
    else
        local conf="/usr/lib/binfmt.d/qemu-$name.conf"
        [[ -f "$conf" ]] || die "$conf is missing; install qemu-user-static (apt-get install qemu-user-static)."
        line="$(grep -v '^#' "$conf" | head -n 1)"
    fi
    if [[ ! -e "$misc/register" ]]; then
        mount -t binfmt_misc binfmt_misc "$misc" ||
            die "could not mount binfmt_misc on $misc; the kernel needs CONFIG_BINFMT_MISC."
    fi
    if [[ -e "$misc/qemu-$name" ]]; then
        grep -q '^enabled' "$misc/qemu-$name" || echo 1 >"$misc/qemu-$name"
        return
    fi
    printf '%s\n' "$line" >"$misc/register" || die "the kernel refused the qemu-$name binfmt_misc handler."
    echo "make-build-root.sh: registered qemu-$name with binfmt_misc"
}

# 32-bit x86 runs natively where the kernel has ia32 emulation on; elsewhere (some VMs boot with
# it off) through qemu-i386. $1 is a root holding i386 programs.
ensure_i386_runs() {
    if ! chroot "$1" /bin/true 2>/dev/null; then
        echo "make-build-root.sh: this kernel does not run 32-bit x86 programs natively; using qemu-i386"
        apt_install qemu-user-static
        register_qemu i386
        chroot "$1" /bin/true || die "32-bit x86 programs still do not run in $1 after registering qemu-i386."
    fi
}

apt_install debootstrap
if [[ -n "$qemu" ]]; then
    apt_install qemu-user-static
    register_qemu "$qemu"
fi

dir="$(realpath -m "$dir")"
if [[ -f "$dir/etc/pypiforge-root" ]]; then
    [[ "$arch" != i386 ]] || ensure_i386_runs "$dir"
    echo "make-build-root.sh: $dir is already a build root ($(tr '\n' ' ' <"$dir/etc/pypiforge-root"))"
    exit 0
fi
[[ ! -e "$dir" ]] || die "$dir exists but is not a finished build root; remove it first."

if [[ -z "$mirror" ]]; then
    # The machine's own Debian mirror (deb822 or one-line sources), else deb.debian.org.
    mirror="$(grep -hoE '^URIs: *http[^ ]*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 | sed 's/^URIs: *//' || true)"
    [[ -n "$mirror" ]] || mirror="$(grep -hoE '^deb +http[^ ]*/debian/? ' /etc/apt/sources.list 2>/dev/null | head -n 1 | awk '{print $2}' || true)"
    [[ -n "$mirror" ]] || mirror="http://deb.debian.org/debian"
fi

packages="python3,python3-pip,python3-venv,python3-dev,gcc,libc6-dev"
case "$suite" in
    buster|bullseye) packages+=",python2,python2-dev,python-pip-whl" ;;
esac

partial="$dir.partial"
rm -rf "$partial"
mkdir -p "$(dirname "$dir")"
echo "make-build-root.sh: debootstrap $suite $arch into $dir from $mirror (a few minutes)"
started=$SECONDS
# Two stages, so that a kernel without native 32-bit x86 gets qemu-i386 before the root's own programs run.
if ! debootstrap --foreign --arch="$arch" --variant=minbase --include="$packages" "$suite" "$partial" "$mirror" >"$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    die "debootstrap (first stage) failed (log: $dir.log)."
fi
[[ "$arch" != i386 ]] || ensure_i386_runs "$partial"
if ! chroot "$partial" /debootstrap/debootstrap --second-stage >>"$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    die "debootstrap (second stage) failed (log: $dir.log)."
fi

# Python 2: Debian ships pip only as wheels (python-pip-whl: pip 20.3.4, setuptools 44.1.1, wheel 0.34.2); install them
# into the root's python2.7, with pkg_resources, which Debian keeps in a wheel of its own. Debian's pip loads its
# dependencies from those wheels as zip files, and then cannot start pep517's hook script from inside one: unpack that
# wheel in place (a folder of the same name on sys.path works the same).
if [[ -x "$partial/usr/bin/python2" ]]; then
    pip_wheel="$(cd "$partial" && ls usr/share/python-wheels/pip-*.whl | head -n 1)"
    chroot "$partial" /usr/bin/python2 "/$pip_wheel/pip" install --no-index --find-links /usr/share/python-wheels \
        --disable-pip-version-check pip setuptools wheel pkg_resources >>"$dir.log" 2>&1 ||
        die "installing pip for python2 in the root failed (log: $dir.log)."
    for wheel in "$partial"/usr/share/python-wheels/pep517-*.whl; do
        [[ -f "$wheel" ]] || continue
        python3 -m zipfile -e "$wheel" "$wheel.unpacked" && rm "$wheel" && mv "$wheel.unpacked" "$wheel" ||
            die "unpacking $wheel failed."
    done
fi

# Nothing from the build host's apt caches is needed inside.
rm -rf "$partial/var/cache/apt/archives/"*.deb "$partial/var/lib/apt/lists/"*
{
    echo "suite=$suite"
    echo "arch=$arch"
    echo "made=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$partial/etc/pypiforge-root"
mv "$partial" "$dir"
echo "make-build-root.sh: $dir ready in $((SECONDS - started)) s ($(du -sh "$dir" | cut -f1))"
