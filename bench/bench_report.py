"""The report of bench/run.sh: targets, the quiet-machine rule, and the markdown written to bench/results and docs.

Pure functions of the run's figures (the dict bench.py also writes as JSON), so a report can be rebuilt from a
results .json:  python3 -c 'import json, bench_report as b; print(b.build_report(json.load(open(F))))'
(after evaluate_targets and noise have filled r["targets_eval"] and r["noise"]).
"""
import glob
import json
import os
import re
import statistics

RESULTS_BEGIN = "<!-- BEGIN RESULTS (written by bench/run.sh) -->"
RESULTS_END = "<!-- END RESULTS -->"

# Issue 15's targets. Ratios are PypiForge / nginx on the same request, measured in the same run.
TARGETS = {
    "page_cpu_ratio": 1.2,     # project page, server CPU per request: at most 1.2x nginx's (every variant)
    "page_rps_ratio": 1.0,     # project page requests/s: at least nginx's (every variant), on a quiet machine
    "root_rps_ratio": 1.0,     # /simple/ requests/s
    "file_cpu_ratio": 2.0,     # file download, server CPU per request
    "file_rps_ratio": 0.8,     # file download requests/s
    "restart_s": 1.5,          # median, launch -> full /health, 40,000 files
    "first_start_s": 5.0,
    "rss_mib": 200.0,          # VmRSS after the wrk load
    "peak_mib": 250.0,         # VmHWM of the load server over its whole life
    "drop_s": 1.0,             # every drop
    "builds_p99_ratio": 2.0,   # /simple/<project>/ p99 with two builds running at the agent's defaults, over idle
}

# A run is not a quiet-machine result when processes it did not start used more than this share of CPU
# (in % of one core) in any one measured window: a measured wrk run, a first start or a restart, or a phase of
# serving-while-building when that ran in the same run.
NOISY_PCT = 25.0

SHORT = {
    "root": "`/simple/`",
    "project_html_random": "HTML random",
    "project_json_random": "JSON random",
    "project_html_single": "HTML one project",
    "project_json_single": "JSON one project",
    "file": "file download",
}
SERVERS = {"pypiforge": "PypiForge", "nginx": "nginx"}
BUILD_PHASES = {
    "idle": "idle",
    "builds-equal": "two builds at the server's own priority",
    "builds": "two builds at the agent's defaults (the target)",
    "idle-again": "idle again, after the builds",
}


# ---------------------------------------------------------------- figures


def ratio(row, field):
    a, b = row["pypiforge"].get(field), row["nginx"].get(field)
    return a / b if a and b else None


def short(row):
    return SHORT.get(row["key"], row["key"])


def noise(r):
    """Other processes' CPU over the measured windows, and whether the run counts as a quiet-machine result."""
    windows = [(row[name]["other_cpu_pct"], f"wrk {short(row)}, {SERVERS[name]}")
               for row in r["throughput"] for name in ("pypiforge", "nginx")]
    wrk = [pct for pct, _ in windows]
    for kind, label in (("first", "first start"), ("restart", "restart")):
        for i, run in enumerate(r["startup"][kind], 1):
            windows.append((run.get("other_cpu_pct", 0.0), f"{label} #{i}"))
    builds = r.get("serve_during_builds") or {}
    if builds.get("this_run"):
        for phase in builds.get("phases") or []:
            windows.append((float(phase["others_cpu"]), f"serving while building, phase {phase['phase']}"))
    worst_pct, worst_where = max(windows, key=lambda w: w[0])
    above = [where for pct, where in windows if pct > NOISY_PCT]
    kinds = "every wrk run, first start and restart" + (
        ", and the phases of serving while building" if builds.get("this_run") and builds.get("phases") else "")
    return {"max_pct": worst_pct, "where": worst_where, "windows": len(windows), "kinds": kinds, "above": len(above),
            "wrk_median_pct": statistics.median(wrk), "wrk_max_pct": max(wrk), "noisy": bool(above)}


def shown_path(path, repo):
    """PATH relative to the repository when it is inside it (bench/results/...), else as it is (a quick run's work dir)."""
    relative = os.path.relpath(path, repo)
    return path if relative.startswith("..") else relative


def read_builds_report(path, repo, this_run):
    """The figures of a bench/serve-during-builds.sh report (its title, Source line and Raw JSON line)."""
    with open(path, errors="replace") as f:
        text = f.read()
    title = re.search(r"^# Serving while builds run \((.*?)\)\s*$", text, re.M)
    source = re.search(r"^Source: (.*?)\. `wrk", text, re.M)
    raw = re.search(r"^Raw: (\[.*\])\s*$", text, re.M)
    scheduling = re.search(r"Scheduling: (.*?)\.\s*$", text, re.M)
    if not raw:
        return {"this_run": this_run, "file": shown_path(path, repo), "error": "no `Raw:` line in the report"}
    return {"this_run": this_run, "file": shown_path(path, repo), "date": title.group(1) if title else "?",
            "source": source.group(1) if source else "?", "phases": json.loads(raw.group(1)),
            "scheduling": scheduling.group(1) if scheduling else None}


def latest_builds_report(results_dir, repo):
    """The newest bench/results/serve-during-builds-<UTC>.md (the timestamps sort), or None."""
    paths = sorted(glob.glob(os.path.join(results_dir, "serve-during-builds-*.md")))
    return read_builds_report(paths[-1], repo, this_run=False) if paths else None


def phase(builds, name):
    return next((p for p in builds.get("phases") or [] if p["phase"] == name), None)


def idle_reference(builds):
    """Idle at its best over the report's idle phases (reports since 2026-12-04 measure idle before and after the
    builds): the highest rate and the lowest p99, the stricter reference for the builds phases. None without one."""
    idles = [p for p in builds.get("phases") or [] if not p.get("priority")]
    if not idles:
        return None
    reference = {"rate": max(p["rate"] for p in idles), "p99": min(p["p99"] for p in idles), "phases": len(idles)}
    if all(p.get("fixed") for p in builds["phases"]):
        reference["fixed_p99"] = min(p["fixed"]["p99"] for p in idles)
        reference["fixed_p999"] = min(p["fixed"]["p999"] for p in idles)
    return reference


# ---------------------------------------------------------------- targets


def _row(measure, target, value="n/a", reference="—", ratio_text="—", ok=None):
    return {"measure": measure, "target": target, "value": value, "reference": reference, "ratio": ratio_text, "ok": ok}


def _us(value):
    return f"{value:.0f} µs" if value is not None else "n/a"


def _rps(value):
    return f"{value:,.0f}" if value is not None else "n/a"


def _x(value):
    return f"{value:.2f}×" if value is not None else "n/a"


def evaluate_targets(r):
    """One row per target of issue 15: the measured value, the reference (nginx's, or idle), the ratio and a verdict."""
    rows = []
    by_key = {row["key"]: row for row in r["throughput"]}
    pages = [row for row in r["throughput"] if row.get("project")]
    quiet = not (r.get("noise") or noise(r))["noisy"]

    def compared(measure, target, row, field, limit, at_most, fmt, note=""):
        value = ratio(row, field)
        ok = None if value is None else (value <= limit if at_most else value >= limit)
        rows.append(_row(measure + note, target, fmt(row["pypiforge"].get(field)), fmt(row["nginx"].get(field)),
                         _x(value), ok))

    def every_page(measure, target, field, limit, at_most, fmt):
        """The target holds for every project-page variant: the row shows the worst of them."""
        known = [row for row in pages if ratio(row, field) is not None]
        if not known:
            rows.append(_row(measure, target))
            return
        worst = (max if at_most else min)(known, key=lambda row: ratio(row, field))
        compared(measure, target, worst, field, limit, at_most, fmt, f" (worst of {len(pages)}: {short(worst)})")
        if len(known) < len(pages):
            rows[-1]["ok"] = None
            rows[-1]["note"] = f"{len(pages) - len(known)} of {len(pages)} variants without a figure"

    every_page("project page, server CPU per request", f"≤ {TARGETS['page_cpu_ratio']}× nginx's", "cpu_us_per_req",
               TARGETS["page_cpu_ratio"], True, _us)
    every_page("project page, requests/s", f"≥ {TARGETS['page_rps_ratio']}× nginx's, quiet machine", "rps",
               TARGETS["page_rps_ratio"], False, _rps)
    if not quiet:
        rows[-1]["note"] = "; ".join(filter(None, (rows[-1].get("note"), "not a quiet machine")))
    compared("`/simple/`, requests/s", f"≥ {TARGETS['root_rps_ratio']}× nginx's", by_key["root"], "rps",
             TARGETS["root_rps_ratio"], False, _rps)
    compared("file download, server CPU per request", f"≤ {TARGETS['file_cpu_ratio']:.0f}× nginx's", by_key["file"],
             "cpu_us_per_req", TARGETS["file_cpu_ratio"], True, _us)
    compared("file download, requests/s", f"≥ {TARGETS['file_rps_ratio']}× nginx's", by_key["file"], "rps",
             TARGETS["file_rps_ratio"], False, _rps)

    for kind, label, key in (("restart", "restart over 40,000 files", "restart_s"),
                             ("first", "first start over 40,000 files", "first_start_s")):
        runs = r["startup"][kind]
        median = statistics.median(x["seconds"] for x in runs)
        rows.append(_row(f"{label}, launch → full `/health` (median of {len(runs)})", f"≤ {TARGETS[key]:g} s",
                         f"{median:.2f} s", ok=median <= TARGETS[key]))

    mem = r["memory"]
    rss = mem["after_load"]["VmRSS"]
    peak = max(mem[k]["VmHWM"] for k in ("after_load", "after_drops") if k in mem)
    rows.append(_row("RSS after the wrk load", f"≤ {TARGETS['rss_mib']:.0f} MiB", f"{rss:.0f} MiB",
                     ok=rss <= TARGETS["rss_mib"]))
    rows.append(_row("peak RSS (VmHWM) of the load server: restart, every page, wrk, drops", f"≤ {TARGETS['peak_mib']:.0f} MiB",
                     f"{peak:.0f} MiB", ok=peak <= TARGETS["peak_mib"]))

    drops = r["drops"]["rename"] + r["drops"]["cp"]
    clean = [v for v in drops if v is not None]
    if clean and len(clean) == len(drops):
        rows.append(_row(f"drop-to-visible, slowest of {len(drops)} (median {statistics.median(clean):.3f} s)",
                         f"≤ {TARGETS['drop_s']:g} s", f"{max(clean):.3f} s", ok=max(clean) <= TARGETS["drop_s"]))
    else:
        rows.append(_row(f"drop-to-visible, slowest of {len(drops)}", f"≤ {TARGETS['drop_s']:g} s",
                         f"{len(drops) - len(clean)} never visible within 10 s", ok=False))

    rows.append(builds_target(r.get("serve_during_builds")))
    return rows


def builds_target(builds):
    measure = "`/simple/<project>/` p99 while two C-extension builds run (agent's default nice and ionice)"
    target = f"≤ {TARGETS['builds_p99_ratio']:g}× idle"
    if not builds:
        return _row(measure + ": not measured (no `bench/results/serve-during-builds-*.md`; `bench/run.sh --with-builds`)",
                    target)
    if not builds["this_run"]:
        measure += (f", **earlier run**: {builds.get('date', '?')}, {builds.get('source', '?')} "
                    "(see *Serving while builds run*)")
    idle, loaded = idle_reference(builds), phase(builds, "builds")
    if builds.get("error") or not idle or not loaded:
        return _row(f"{measure}: failed, {builds.get('error') or 'no idle or builds phase'}", target, "failed")
    best = f" (best of {idle['phases']})" if idle["phases"] > 1 else ""
    if "fixed_p99" in idle:
        # Judged at a fixed request rate (reports since 2026-12-04): a saturating wrk's p99 counts its own queueing.
        measure = measure.replace(" p99 while", f" p99 at a fixed {loaded['fixed']['rate']:,} req/s while", 1)
        value = loaded["fixed"]["p99"] / idle["fixed_p99"]
        return _row(measure, target, f"{loaded['fixed']['p99']:.2f} ms", f"{idle['fixed_p99']:.2f} ms idle{best}", _x(value),
                    value <= TARGETS["builds_p99_ratio"])
    value = loaded["p99"] / idle["p99"]
    return _row(measure, target, f"{loaded['p99']:.2f} ms", f"{idle['p99']:.2f} ms idle{best}", _x(value),
                value <= TARGETS["builds_p99_ratio"])


def verdict(row):
    ok = row["ok"]
    text = "not measured" if ok is None else "meets" if ok else "**misses**"
    return f"{text} ({row['note']})" if row.get("note") else text


# ---------------------------------------------------------------- report


def fmt_s(values):
    clean = [v for v in values if v is not None]
    if not clean:
        return "n/a"
    return f"{min(clean):.2f} / {statistics.median(clean):.2f}"


def noise_lines(n):
    """The line under the title: the quiet-machine rule (more than NOISY_PCT in any one measured window) and its figure."""
    if n["noisy"]:
        return [f"**Noisy machine: processes this run did not start used up to {n['max_pct']:.0f}% of one core's CPU "
                f"({n['where']}), more than {NOISY_PCT:.0f}% in {n['above']} of the {n['windows']} measured windows "
                f"({n['kinds']}). The figures below are not a quiet-machine result.**"]
    return [f"Quiet machine: processes this run did not start used at most {n['max_pct']:.0f}% of one core's CPU in any of the "
            f"{n['windows']} measured windows ({n['kinds']}); more than {NOISY_PCT:.0f}% in any one of them would "
            "mark the run as noisy here."]


def build_report(r, note=None):
    m = r["machine"]
    s = r["settings"]
    lines = []
    add = lines.append
    for line in noise_lines(r["noise"]):
        add(line)
        add("")
    if note:
        add(note)
        add("")
    add(f"Run of {r['started_utc']}, server built from the {r['source']}, {r['elapsed_s']:.0f} s in all.")
    add("")
    add(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['mem_gib']} GiB, Linux {m['kernel']}; "
        f"{m['aspnetcore']} (SDK {m['dotnet_sdk']}); nginx {m['nginx']}; {m['wrk']}; Python {m['python']}. "
        f"Load average before the run: {' '.join(m['loadavg_before'])}, after: {' '.join(r['loadavg_after'])}.")
    add("")
    add(f"Corpus: {r['corpus']['files']} wheels in {r['corpus']['projects']} projects "
        f"({r['corpus']['bytes'] / 1e6:.1f} MB; generated in {r['corpus']['seconds']} s"
        + (", reused from the cache" if r["corpus"]["reused"] else "") + ").")
    add(f"wrk: `-t{s['threads']} -c{s['connections']} -d{s['duration']}s --latency`, after a {s['warmup']} s warm-up "
        "run (not counted), one server at a time, alternating which goes first.")
    add("")

    add_targets(add, r)
    add_throughput(add, r)
    add_startup(add, r)
    add_memory(add, r)
    add_drops(add, r)
    add_builds(add, r.get("serve_during_builds"))
    add_diagnostics(add, r)

    add("### Observations recorded by the run")
    add("")
    for line in r["observations"]:
        add(f"- {line}")
    add("")
    return "\n".join(lines)


def add_targets(add, r):
    add("### Targets")
    add("")
    add("| measure | target | PypiForge | nginx (or reference) | ratio | result |")
    add("| --- | --- | ---: | ---: | ---: | --- |")
    for row in r["targets_eval"]:
        add(f"| {row['measure']} | {row['target']} | {row['value']} | {row['reference']} | {row['ratio']} | {verdict(row)} |")
    add("")
    pages = [row for row in r["throughput"] if row.get("project")]
    add(f"Every project-page variant ({', '.join(short(row) for row in pages)}): CPU per request "
        f"{', '.join(_x(ratio(row, 'cpu_us_per_req')) for row in pages)} of nginx's; requests/s "
        f"{', '.join(_x(ratio(row, 'rps')) for row in pages)}. CPU per request is the server's CPU time over a wrk run "
        "divided by the requests wrk counted; the peak is VmHWM, memory in MiB.")
    add("")


def add_throughput(add, r):
    add("### Throughput: CPU per request and requests/s")
    add("")
    add("| request | PypiForge CPU/req | nginx CPU/req | CPU/req ratio | PypiForge req/s | nginx req/s | req/s ratio "
        "| PypiForge p99 | nginx p99 | PypiForge CPU | nginx CPU | others' CPU |")
    add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in r["throughput"]:
        a, b = row["pypiforge"], row["nginx"]
        errors = ""
        if a["non2xx"] or b["non2xx"] or a["socket_errors"] or b["socket_errors"]:
            errors = (f" (non-2xx: {a['non2xx']} / {b['non2xx']}; socket errors: "
                      f"{a['socket_errors'] or '-'} / {b['socket_errors'] or '-'})")
        add(f"| {row['label']}{errors} | {_us(a['cpu_us_per_req'])} | {_us(b['cpu_us_per_req'])} "
            f"| {_x(ratio(row, 'cpu_us_per_req'))} | {_rps(a['rps'])} | {_rps(b['rps'])} | {_x(ratio(row, 'rps'))} "
            f"| {a['p99_ms']:.2f} ms | {b['p99_ms']:.2f} ms | {a['server_cpu_pct']:.0f}% | {b['server_cpu_pct']:.0f}% "
            f"| {a['other_cpu_pct']:.0f}% / {b['other_cpu_pct']:.0f}% |")
    add("")
    n = r["noise"]
    add("Ratios are PypiForge / nginx. CPU is the server's own CPU time over the run (200% = both cores; nginx: master "
        "and workers), per request counted by wrk; wrk runs on the same two cores, so neither server gets both of them. "
        "Others' CPU is what processes this run did not start used during PypiForge's run / nginx's run.")
    add(f"Over the wrk runs: median {n['wrk_median_pct']:.0f}%, max {n['wrk_max_pct']:.0f}%; "
        f"{r['other_cpu_at_start']:.0f}% just before the run.")
    add("")


def add_startup(add, r):
    st = r["startup"]
    add("### Start-up to a full `/health` (launch → 200 with every file counted, polled every 20 ms)")
    add("")
    add("| start | runs (s) | min / median (s) | server's own catalog load (ms) | RSS at ready | other processes' CPU |")
    add("| --- | --- | --- | --- | --- | --- |")
    for kind, label in (("first", "first start (no `.pypiforge/`)"), ("restart", "restart (persisted state)"),
                        ("empty", "empty root (ASP.NET floor)")):
        runs = st[kind]
        secs = [x["seconds"] for x in runs]
        loads = [str(x["catalog"]["load_ms"]) if x["catalog"] else "?" for x in runs]
        rss = [f"{x['rss_mb']:.0f}" for x in runs]
        others = ", ".join(f"{x.get('other_cpu_pct', 0):.0f}" for x in runs)
        add(f"| {label} | {', '.join(f'{v:.2f}' for v in secs)} | {fmt_s(secs)} | {', '.join(loads)} "
            f"| {', '.join(rss)} MiB | {others} % |")
    add("")


def add_memory(add, r):
    mem = r["memory"]
    add("### Memory of the PypiForge process (40,000 files loaded)")
    add("")
    add("| when | VmRSS | VmHWM (peak) |")
    add("| --- | ---: | ---: |")
    for key, label in (("idle", "after restart, before any request"), ("prerendered", "after pre-rendering every page"),
                       ("after_load", "after the wrk load"), ("after_drops", "after the drop test")):
        if key in mem:
            add(f"| {label} | {mem[key]['VmRSS']:.0f} MiB | {mem[key]['VmHWM']:.0f} MiB |")
    add("")


def add_drops(add, r):
    d = r["drops"]
    add("### Drop-to-visible (new project's page answers 200, polled every 10 ms)")
    add("")
    add("| how the file arrives | runs | min | median | max |")
    add("| --- | ---: | ---: | ---: | ---: |")
    for mode, label in (("rename", "written to `.<name>.part` in the root, then renamed"), ("cp", "plain `cp` into the root")):
        values = d[mode]
        clean = [v for v in values if v is not None]
        missing = len(values) - len(clean)
        if clean:
            add(f"| {label} | {len(values)}{f' ({missing} never visible)' if missing else ''} | {min(clean):.3f} s "
                f"| {statistics.median(clean):.3f} s | {max(clean):.3f} s |")
        else:
            add(f"| {label} | {len(values)} (none visible) | - | - | - |")
    if d.get("removal_s") is not None:
        add("")
        add(f"Removing the {len(d['rename']) + len(d['cp'])} dropped files: `/health` was back to "
            f"{r['corpus']['files']} files after {d['removal_s']:.2f} s.")
    add("")


def add_builds(add, builds):
    add("### Serving while builds run (`bench/serve-during-builds.sh`)")
    add("")
    if not builds:
        add("Not measured: no `bench/results/serve-during-builds-*.md` yet. `bench/run.sh --with-builds` runs it after "
            "the wrk phases (root, bubblewrap and the cached sdists needed; see docs/benchmarks.md).")
        add("")
        return
    if builds["this_run"]:
        add(f"Run in this run, after the other phases (its own report: `{builds['file']}`).")
    else:
        add(f"**From an earlier run, not this one:** `{builds['file']}`, {builds.get('date', '?')}, "
            f"server and agent built from the {builds.get('source', '?')}. `bench/run.sh --with-builds` measures it "
            "in the same run.")
    add("")
    if builds.get("error") or not phase(builds, "idle"):
        add(f"It failed: {builds.get('error') or 'no idle phase in its report'}"
            + (f" (log: `{builds['log']}`)." if builds.get("log") else "."))
        add("")
        return
    idle = idle_reference(builds)
    if builds.get("scheduling"):
        add(f"Scheduling: {builds['scheduling']}.")
        add("")
    if idle["phases"] > 1:
        add(f"\"vs idle\" compares with idle at its best over the {idle['phases']} idle phases (the higher rate, the lower "
            "p99), measured before and after the builds on a restarted, warmed-up server.")
        add("")
    add("| phase | build priority (nice, ionice -c2 -n[, policy]) | req/s | vs idle | p50 | p99 | p99 vs idle | builds done | others' CPU |")
    add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in builds["phases"]:
        priority = ", ".join(p["priority"]) if p.get("priority") else "—"
        add(f"| {BUILD_PHASES.get(p['phase'], p['phase'])} | {priority} | {p['rate']:,.0f} | {p['rate'] / idle['rate']:.2f}× "
            f"| {p['p50']:.2f} ms | {p['p99']:.2f} ms | {p['p99'] / idle['p99']:.2f}× | {p['builds']} | {p['others_cpu']}% |")
    if "fixed_p99" in idle:
        add("")
        client = {"in-group": "; hey in the server's cpu group at the normal policy, as a client elsewhere is not slowed "
                               "by the builds",
                  "outside": "; hey outside the server's cpu group, competing with it"}.get(builds["phases"][0]["fixed"].get("client", "outside"), "")
        add(f"At a fixed request rate (hey, right after each phase's wrk run, builds still running{client}; the target is "
            "judged on this p99):")
        add("")
        add("| phase | req/s | p50 | p99 | p99 vs idle | p99.9 | p99.9 vs idle | max |")
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for p in builds["phases"]:
            f = p["fixed"]
            add(f"| {BUILD_PHASES.get(p['phase'], p['phase'])} | {f['rate']:,} | {f['p50']:.2f} ms | {f['p99']:.2f} ms "
                f"| {f['p99'] / idle['fixed_p99']:.2f}× | {f['p999']:.2f} ms | {f['p999'] / idle['fixed_p999']:.2f}× "
                f"| {f['max']:.2f} ms |")
    noisy = [p["phase"] for p in builds["phases"] if p["others_cpu"] > NOISY_PCT]
    if noisy:
        add("")
        add(f"**Other processes used more than {NOISY_PCT:.0f}% CPU in its {', '.join(noisy)} phase(s): "
            "not a quiet-machine result.**")
    add("")


def add_diagnostics(add, r):
    if not r.get("diagnostics"):
        return
    add("### Diagnostic variants (one setting changed; not the targets)")
    add("")
    add("| variant | launch → full `/health`, runs | server's catalog load | RSS at ready |")
    add("| --- | --- | --- | --- |")
    for row in r["diagnostics"]:
        runs = row["runs"]
        seconds = ", ".join(f"{x['seconds']:.2f}" for x in runs)
        loads = ", ".join(str(x["load_ms"]) for x in runs)
        rss = ", ".join(f"{x['rss_mb']:.0f}" for x in runs)
        add(f"| {row['label']} | {seconds} s | {loads} ms | {rss} MiB |")
    load = next((row["load"] for row in r["diagnostics"] if row.get("load")), None)
    if load:
        base = {row["key"]: row for row in r["throughput"]}
        html, json_ = base["project_html_random"]["pypiforge"], base["project_json_random"]["pypiforge"]
        after = r["memory"]["after_load"]
        add("")
        add("Workstation GC under the same project-page load (server restarted, every page fetched once, then wrk "
            "as above): HTML random "
            f"{load['html']['rps']:,.0f} req/s, p99 {load['html']['p99_ms']:.2f} ms, {load['html']['cpu_us_per_req']:.0f} µs CPU/req "
            f"(defaults: {html['rps']:,.0f} req/s, p99 {html['p99_ms']:.2f} ms, {html['cpu_us_per_req']:.0f} µs); "
            f"JSON random {load['json']['rps']:,.0f} req/s, p99 {load['json']['p99_ms']:.2f} ms, "
            f"{load['json']['cpu_us_per_req']:.0f} µs CPU/req "
            f"(defaults: {json_['rps']:,.0f} req/s, p99 {json_['p99_ms']:.2f} ms, {json_['cpu_us_per_req']:.0f} µs); "
            f"RSS after it {load['rss_mb']:.0f} MiB, peak {load['hwm_mb']:.0f} MiB "
            f"(defaults: {after['VmRSS']:.0f} MiB, peak {after['VmHWM']:.0f} MiB).")
    add("")


def update_docs(docs_path, report):
    block = f"{RESULTS_BEGIN}\n\n{report}\n{RESULTS_END}"
    try:
        with open(docs_path) as f:
            text = f.read()
    except FileNotFoundError:
        text = f"# Benchmarks\n\n{RESULTS_BEGIN}\n{RESULTS_END}\n"
    if RESULTS_BEGIN in text and RESULTS_END in text:
        before = text.split(RESULTS_BEGIN, 1)[0]
        after = text.split(RESULTS_END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n## Latest results\n\n" + block + "\n"
    with open(docs_path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------- observations


def observations(r):
    notes = r["observations"]
    rl = r.get("request_logging", {})
    if rl.get("lines"):
        notes.append(f"PypiForge wrote {rl['lines']:,} `Request starting` log lines ({rl['bytes'] / 1e6:.0f} MB of console log) "
                     f"during the wrk runs (~{rl['requests']:,} requests counted by wrk, warm-ups not counted): "
                     "ASP.NET Core's per-request Information logs are on by default, a console access log in effect, "
                     "while nginx ran with `access_log off`.")
    else:
        notes.append("PypiForge wrote no per-request log lines during the wrk runs.")
    for kind in ("first", "restart"):
        for run in r["startup"][kind]:
            cat = run["catalog"]
            if cat is None:
                notes.append(f"{kind} start: no 'Catalog loaded' line found in the server log.")
            elif kind == "restart" and cat["inspected"]:
                notes.append(f"restart re-inspected {cat['inspected']} files although the state was persisted.")
    first = r["startup"]["first"]
    restart = r["startup"]["restart"]
    if first and first[0]["catalog"]:
        load = statistics.median(x["catalog"]["load_ms"] for x in first if x["catalog"]) / 1000
        notes.append(f"First start: the catalog load itself takes {load:.1f} s of the "
                     f"{statistics.median(x['seconds'] for x in first):.1f} s; Kestrel only listens after it "
                     "(the catalog loads in the hosted service's StartAsync).")
    if restart and restart[0]["catalog"]:
        load = statistics.median(x["catalog"]["load_ms"] for x in restart if x["catalog"]) / 1000
        empty = statistics.median(x["seconds"] for x in r["startup"]["empty"])
        notes.append(f"Restart: catalog load {load:.2f} s (reusing the state file) on top of a {empty:.2f} s "
                     "empty-root start of the host.")
    first_median = statistics.median(x["seconds"] for x in first) if first else None
    restart_median = statistics.median(x["seconds"] for x in restart) if restart else None
    for row in r.get("diagnostics", []):
        base = first_median if row["label"].startswith("first") else restart_median
        median = statistics.median(x["seconds"] for x in row["runs"])
        rss = statistics.median(x["rss_mb"] for x in row["runs"])
        base_rss = (statistics.median(x["rss_mb"] for x in (first if row["label"].startswith("first") else restart))
                    if (first and restart) else None)
        if base:
            notes.append(f"Diagnostic, {row['label']}: median {median:.2f} s against {base:.2f} s with the defaults; "
                         f"RSS at ready {rss:.0f} MiB against {base_rss:.0f} MiB.")
    ct = r.get("content_types", {})
    if ct:
        notes.append(f"Content-Types served (both servers): HTML `{ct.get('index.html')}`, JSON `{ct.get('index.json')}`.")
    gzip_root = "index.html.gz" in ct
    notes.append(f"Pre-rendering all {2 * r['settings']['projects'] + 2} index pages through PypiForge"
                 + (" (and `/simple/` gzip-compressed, which nginx serves with `gzip_static`)" if gzip_root else "")
                 + f" took {r['prerender_s']:.1f} s; it also filled PypiForge's own page cache before wrk ran, "
                 "so both servers answer from ready pages.")
