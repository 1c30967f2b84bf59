"""What each output format costs (issue 19): cold on the edition, and per document at N = 100.

For every format of ``teikit.formats.registry()``: the edition built cold with ``--formats F``
in a new process (fresh output, median of RUNS), and a corpus of N documents of make_corpus.py
built with ``--formats F``; the marginal cost per document is (T(N) - T(1)) / (N - 1) with T(1)
the edition's time.  The format ``html`` is in every build (it is the page every other format is
reached from), so the rows for the others add that format to it and the html row is the baseline.

Usage: python benchmarks/bench_formats.py [--size 100] [--runs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(tei: Path, out: Path, formats: str, jobs: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(tei), "--out", str(out), "-q",
                    "--formats", formats, "--jobs", jobs], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="0", help="worker processes (0: one per core)")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work" / "formats")
    args = parser.parse_args()
    from teikit.formats import names

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(args.size), str(work / "c")],
                   check=True, capture_output=True)
    print(f"| formats | the edition, cold (median of {args.runs}) | N = {args.size} | per extra document |")
    print("|---|---|---|---|")
    _time(ROOT / "tei", work / "o", ",".join(names()), args.jobs)  # warm-up: caches, compiled code on disk
    base: tuple[float, float] | None = None
    for name in names():
        formats = "html" if name == "html" else f"html,{name}"
        cold = statistics.median(_time(ROOT / "tei", work / "o", formats, args.jobs) for _ in range(args.runs))
        many = _time(work / "c" / "tei", work / "o", formats, args.jobs)
        marginal = (many - cold) / (args.size - 1)
        if base is None:
            base = (cold, marginal)
            extra = ""
        else:
            extra = f" (+{1000 * (marginal - base[1]):.1f} ms over html)"
        print(f"| {formats} | {cold:.2f} s | {many:.1f} s | {1000 * marginal:.1f} ms{extra} |", flush=True)


if __name__ == "__main__":
    main()
