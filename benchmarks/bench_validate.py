"""Benchmark: cold and warm validation of the edition (issue: compiled schemas are reused).

Cold: a fresh Python process that imports teikit, compiles the grammar and the Schematron, and
validates ``tei/``.  Warm: further validations in the same process, with everything compiled.
teikit's modules are byte-compiled first and the children run without ``PYTHONDONTWRITEBYTECODE``,
as after ``pip install``.
Run from the repository root: ``python benchmarks/bench_validate.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold(runs: int) -> list[float]:
    code = "from pathlib import Path; from teikit.validate import iter_errors; list(iter_errors(Path('tei')))"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return times


def bare_import(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import lxml.etree, saxonche"], cwd=ROOT, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return times


def warm(runs: int) -> list[float]:
    from teikit.validate import iter_errors

    list(iter_errors(ROOT / "tei"))  # compile everything once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        problems = list(iter_errors(ROOT / "tei"))
        times.append(time.perf_counter() - start)
        assert problems == []
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import teikit

    compileall.compile_dir(str(Path(teikit.__file__).parent), quiet=1)
    for name, fn in (("import lxml+saxonche (process)", bare_import), ("cold validate (process)", cold),
                     ("warm validate (in process)", warm)):
        t = fn(args.runs)
        print(f"{name:34s} median {statistics.median(t) * 1000:8.1f} ms  min {min(t) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
