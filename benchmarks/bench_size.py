"""Size benchmark (issue 21, target 4): a long document builds in time and memory linear in its size.

One document of ``make_corpus.py --paragraphs P`` per size (the edition's six sections filled with
copies of its paragraphs), built cold into an empty folder in a fresh process, ``--jobs 1`` (one
process does all the work, so its peak resident memory is the build's), ``--runs`` times per size;
wall time and peak RSS are medians.  Target: T(10,000) <= 10 x T(1,000) and
RSS(10,000) <= 2 x RSS(1,000) + the 10,000-paragraph document's own size.

``--formats`` builds a choice of outputs (as ``teikit build --formats``), to see which one grows
faster than the document.

``--own-ids`` measures a document whose paragraphs carry IDs of their own (``para-N``, the ordinary
TEI profile), numbered by their place.

Usage: python benchmarks/bench_size.py [--sizes 1000 10000] [--runs 3] [--formats LIST] [--own-ids] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench_build import clean_output, rss_of

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=None)
    parser.add_argument("--own-ids", action="store_true", help="make_corpus --own-ids: para-N IDs, tei profile")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work" / "size")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    fmt = ["--formats", args.formats] if args.formats else []
    rows: dict[int, tuple[float, int, int, int, int]] = {}
    for size in args.sizes:
        corpus = work / (f"p{size}" + ("-own-ids" if args.own_ids else ""))
        if not (corpus / "tei").is_dir():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "1", str(corpus),
                            "--paragraphs", str(size), *(["--own-ids"] if args.own_ids else [])],
                           check=True, capture_output=True)
        doc = next((corpus / "tei").glob("deutscher-variant-*.xml"))
        walls, rsses = [], []
        out = work / f"out{size}"
        for _ in range(args.runs):
            clean_output(out)
            wall, rss = rss_of([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(corpus / "tei"),
                                "--out", str(out), "--jobs", "1", "-q", *fmt])
            walls.append(wall)
            rsses.append(rss)
        files = sum(len(names) for _, _, names in os.walk(out))
        size_out = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(out) for n in names)
        rows[size] = (statistics.median(walls), int(statistics.median(rsses)), doc.stat().st_size, files, size_out)
        print(f"{size:>6} paragraphs: {rows[size][0]:.2f} s, {rows[size][1] / 1024:.0f} MB peak, document "
              f"{rows[size][2] / 1e6:.1f} MB, output {files} files / {size_out / 1e6:.1f} MB  (runs: "
              + ", ".join(f"{w:.2f}" for w in walls) + ")", flush=True)
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        (t1, m1, _, _, _), (t2, m2, d2, _, _) = rows[small], rows[large]
        print(f"time: {t2 / t1:.2f} x for {large / small:.0f} x the paragraphs (target <= 10 x)")
        print(f"memory: {m2 / 1024:.0f} MB against 2 x {m1 / 1024:.0f} MB + {d2 / 1e6:.1f} MB = "
              f"{(2 * m1 + d2 / 1024) / 1024:.0f} MB ({'met' if m2 <= 2 * m1 + d2 / 1024 else 'NOT met'})")


if __name__ == "__main__":
    main()
