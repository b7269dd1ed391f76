"""Report generation against the million-order benchmark data of `make bench`: each report type
made once, in a process of its own, timed, with its peak memory.

    .venv/bin/python -m bench.reports [--regenerate]

The data is bench/run.py's (var/bench/sellerdesk.sqlite3, generated on the first run). The
all-orders reports cover the data's whole year, so they hold every order of the measured seller;
the unshipped orders report holds what is unshipped. Each report is made by the worker's own
function (reports/generation.py), directly rather than through a task, then deleted with its
document. Peak memory is the child's VmHWM (its peak resident set), next to what it was before
the report was made (Django and the models loaded). VmHWM counts the pages of the database file
that SQLite reads through its memory map (mmap_size, 256 MiB) and that are then resident; the
peak of RssAnon, sampled every 20 ms, is the memory the process itself allocated."""

import argparse
import datetime
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import run as bench_data  # sets Django up on the benchmark database first

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from sellerdesk.reports.models import ReportType

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="rebuild the database")
    parser.add_argument("--one", choices=ReportType.values, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_make(args.one)))
        return
    bench_data.prepare(regenerate=args.regenerate, cancellations=2 * bench_data.WARMUP)
    print(
        f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
        f"(1 min), {os.getloadavg()[1]:.2f} (5 min); database {bench_data.BENCH_DIR}"
    )
    print(
        f"{'Report type':<54} {'rows':>10} {'MiB':>7} {'seconds':>8} {'VmHWM MiB':>10} "
        f"{'before':>7} {'RssAnon peak':>13} {'before':>7}"
    )
    for report_type in ReportType.values:
        child = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.reports", "--one", report_type],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{report_type:<54} {result['rows']:>10,} {result['bytes'] / 2**20:>7.1f} "
            f"{result['seconds']:>8.1f} {result['peak_kib'] / 1024:>10.1f} "
            f"{result['before_kib'] / 1024:>7.1f} {result['anon_peak_kib'] / 1024:>13.1f} "
            f"{result['anon_before_kib'] / 1024:>7.1f}"
        )


def _make(report_type: str) -> dict[str, float]:
    from django.utils import timezone

    from bench import generate
    from sellerdesk.reports.generation import report_generate
    from sellerdesk.reports.models import Report

    seller = generate.bench_seller()
    if seller is None:
        raise SystemExit("No benchmark seller: run with --regenerate.")
    now = timezone.now()
    report = Report.objects.create(
        seller=seller,
        report_type=report_type,
        marketplace_ids=[seller.marketplace_id],
        data_start_time=now - datetime.timedelta(days=400),
        data_end_time=now,
    )
    before, anon_before = _status_kib("VmHWM"), _status_kib("RssAnon")
    sampler = _AnonPeak()
    sampler.start()
    start = time.perf_counter()
    outcome = report_generate(report_pk=report.pk, task_id="bench")
    seconds = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    report.refresh_from_db()
    assert outcome == "done" and report.document is not None, outcome
    size = report.document.size or 0
    document = report.document
    report.delete()
    document.file.delete(save=False)
    document.delete()
    return {
        "rows": report.rows or 0,
        "bytes": size,
        "seconds": seconds,
        "peak_kib": _status_kib("VmHWM"),
        "before_kib": before,
        "anon_peak_kib": sampler.peak,
        "anon_before_kib": anon_before,
    }


class _AnonPeak(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak = 0

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, _status_kib("RssAnon"))


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
