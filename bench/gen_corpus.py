#!/usr/bin/env python3
"""Generates the benchmark corpus: PROJECTS projects x VERSIONS files of small, valid wheels.

Each file is `projNNNN-1.0.V-py3-none-any.whl`, a zip holding a module, and a
`projNNNN-1.0.V.dist-info/` with METADATA (Metadata-Version 2.1, Name, Version, Summary,
Requires-Python on every other version, Requires-Dist on some), WHEEL and RECORD (with hashes).

The corpus is cached: a `corpus.json` stamp next to the root records the parameters, and a
rerun with the same parameters and the expected file count reuses it (file mtimes untouched,
so the server's persisted hashes stay valid). --regen deletes and rebuilds it.

Usage: gen_corpus.py ROOT [--projects 2000] [--versions 20] [--regen]
       gen_corpus.py --one-wheel NAME VERSION OUT   (one extra wheel, for the drop test)
"""
import argparse
import base64
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
import struct
import zlib

STAMP_VERSION = 1
# A fixed timestamp inside the zip makes archives reproducible (same bytes on every regeneration).
ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def project_name(index):
    return f"proj{index:04d}"


def version_string(v):
    return f"1.0.{v}"


def _record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def wheel_bytes(name, version, requires_python=None, requires_dist=()):
    """Returns the bytes of a minimal valid pure-Python wheel."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: Benchmark corpus project {name}",
    ]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    metadata.extend(f"Requires-Dist: {dep}" for dep in requires_dist)
    files = {
        f"{name}/__init__.py": f'"""{name} {version}"""\n__version__ = "{version}"\n'.encode(),
        f"{dist_info}/METADATA": ("\n".join(metadata) + "\n\n").encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: pypiforge-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record_lines = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()]
    record_lines.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()

    return zip_bytes(files)


def _dos_datetime(dt):
    year, month, day, hour, minute, second = dt
    return ((hour << 11) | (minute << 5) | (second // 2)), (((year - 1980) << 9) | (month << 5) | day)


_DOS_TIME, _DOS_DATE = _dos_datetime(ZIP_DATE)


def zip_bytes(files):
    """A deflated zip of FILES (path -> bytes), written directly: zipfile costs ~0.5 ms per
    archive, which is most of the time for 40,000 of them."""
    local = bytearray()
    central = bytearray()
    for path, data in files.items():
        name = path.encode("utf-8")
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE,
                             crc, len(packed), len(data), len(name), 0)
        local += name
        local += packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, 8, _DOS_TIME, _DOS_DATE,
                               crc, len(packed), len(data), len(name), 0, 0, 0, 0, 0o100644 << 16, offset)
        central += name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(central), len(local), 0)
    return bytes(local + central + end)


def corpus_wheel(project_index, v, projects):
    name = project_name(project_index)
    requires_python = ">=3.8" if v % 2 == 0 else None
    deps = ()
    if v % 5 == 0 and projects > 1:
        other = project_name(project_index % projects + 1)
        deps = (f"{other}>=1.0", 'tomli>=1.1; python_version < "3.11"')
    return f"{name}-{version_string(v)}-py3-none-any.whl", wheel_bytes(name, version_string(v), requires_python, deps)


def _write_range(args):
    root, start, stop, versions, projects = args
    for p in range(start, stop):
        for v in range(versions):
            filename, data = corpus_wheel(p, v, projects)
            with open(os.path.join(root, filename), "wb") as f:
                f.write(data)
    return (stop - start) * versions


def count_wheels(root):
    with os.scandir(root) as entries:
        return sum(1 for e in entries if e.is_file() and e.name.startswith("proj") and e.name.endswith(".whl"))


def ensure_corpus(root, projects, versions, regen=False, log=print):
    """Creates (or reuses) the corpus in ROOT; returns a dict describing it."""
    root = os.path.abspath(root)
    stamp_path = os.path.join(os.path.dirname(root), "corpus.json")
    expected = projects * versions
    wanted = {"stamp": STAMP_VERSION, "projects": projects, "versions": versions, "files": expected}
    if not regen and os.path.isdir(root) and os.path.exists(stamp_path):
        try:
            with open(stamp_path) as f:
                stamp = json.load(f)
        except (OSError, ValueError):
            stamp = None
        if stamp and all(stamp.get(k) == v for k, v in wanted.items()):
            found = count_wheels(root)
            if found == expected:
                log(f"corpus: reusing {found} files in {root} (generated in {stamp.get('seconds', '?')} s)")
                return dict(stamp, root=root, reused=True)
            log(f"corpus: {root} holds {found} corpus files, expected {expected}: regenerating")

    if os.path.exists(root):
        shutil.rmtree(root)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    os.makedirs(root)
    started = time.perf_counter()
    workers = max(1, min(os.cpu_count() or 1, 4))
    chunk = max(1, projects // (workers * 8))
    tasks = [(root, s, min(s + chunk, projects + 1), versions, projects) for s in range(1, projects + 1, chunk)]
    with multiprocessing.Pool(workers) as pool:
        written = sum(pool.map(_write_range, tasks))
    seconds = round(time.perf_counter() - started, 2)
    size = sum(e.stat().st_size for e in os.scandir(root))
    stamp = dict(wanted, seconds=seconds, bytes=size)
    with open(stamp_path, "w") as f:
        json.dump(stamp, f)
    log(f"corpus: wrote {written} files ({size / 1e6:.1f} MB) in {root} in {seconds} s")
    return dict(stamp, root=root, reused=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?")
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--regen", action="store_true")
    parser.add_argument("--one-wheel", nargs=3, metavar=("NAME", "VERSION", "OUT"))
    args = parser.parse_args()
    if args.one_wheel:
        name, version, out = args.one_wheel
        with open(out, "wb") as f:
            f.write(wheel_bytes(name, version, ">=3.8"))
        return 0
    if not args.root:
        parser.error("ROOT is required")
    ensure_corpus(args.root, args.projects, args.versions, args.regen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
