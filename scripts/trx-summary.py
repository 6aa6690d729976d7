#!/usr/bin/env python3
"""Summarize the .trx files that `dotnet test --logger trx` wrote into one line:

    tests: N passed, N failed, N skipped

Usage: trx-summary.py RESULTS_DIR

Counts come from each file's ResultSummary/Counters and are cross-checked against its
UnitTestResult outcomes. The VSTest trx logger leaves `notExecuted` at 0 for tests that
xunit skips (they appear as outcome="NotExecuted" and are left out of `executed`), so
skipped is `total - executed` rather than the `notExecuted` counter.

Exit status: 0 when at least one test ran and none failed; 1 when a test failed, no test
ran, or the two ways of counting disagree; 2 when there is nothing to read.
"""

import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

# Outcomes of a single UnitTestResult, grouped the way the summary line reports them.
FAILED_OUTCOMES = {"Failed", "Error", "Timeout", "Aborted"}
PASSED_OUTCOMES = {"Passed", "PassedButRunAborted"}


def counter(counters, name):
    return int(counters.get(name, "0"))


def summarize(path):
    root = ET.parse(path).getroot()
    counters = root.find(NS + "ResultSummary/" + NS + "Counters")
    if counters is None:
        raise ValueError("no ResultSummary/Counters element")

    total = counter(counters, "total")
    from_counters = {
        "passed": counter(counters, "passed"),
        "failed": sum(counter(counters, n) for n in ("failed", "error", "timeout", "aborted")),
        "skipped": total - counter(counters, "executed"),
    }

    from_results = {"passed": 0, "failed": 0, "skipped": 0}
    for result in root.iter(NS + "UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome in PASSED_OUTCOMES:
            from_results["passed"] += 1
        elif outcome in FAILED_OUTCOMES:
            from_results["failed"] += 1
        else:  # NotExecuted, Inconclusive, NotRunnable, ...
            from_results["skipped"] += 1
    return from_counters, from_results


def main(argv):
    if len(argv) != 2:
        print("usage: trx-summary.py RESULTS_DIR", file=sys.stderr)
        return 2
    files = sorted(glob.glob(os.path.join(argv[1], "**", "*.trx"), recursive=True))
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    status = 0
    if not files:
        print("trx-summary: no .trx files under %s; did dotnet test run?" % argv[1], file=sys.stderr)
        status = 2

    for path in files:
        try:
            from_counters, from_results = summarize(path)
        except (ET.ParseError, ValueError, OSError) as error:
            print("trx-summary: cannot read %s: %s" % (path, error), file=sys.stderr)
            status = max(status, 1)
            continue
        if from_counters != from_results:
            print(
                "trx-summary: %s: counters %s disagree with test results %s; reporting the worse"
                % (os.path.basename(path), from_counters, from_results),
                file=sys.stderr,
            )
            status = max(status, 1)
        totals["passed"] += min(from_counters["passed"], from_results["passed"])
        totals["failed"] += max(from_counters["failed"], from_results["failed"])
        totals["skipped"] += max(from_counters["skipped"], from_results["skipped"])

    if files and totals["passed"] + totals["failed"] + totals["skipped"] == 0:
        print("trx-summary: the .trx files hold no test results: zero tests ran.", file=sys.stderr)
        status = max(status, 1)
    if totals["failed"]:
        status = max(status, 1)

    print("tests: %(passed)d passed, %(failed)d failed, %(skipped)d skipped" % totals)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
