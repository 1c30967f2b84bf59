"""Rebuild benchmark (issue 21, target 1): editing one document of N costs what changed.

Builds a corpus of N documents of ``make_corpus.py`` once, with every output ``teikit build`` writes
by default (or ``--formats``), then runs ``--rounds`` interleaved rounds of three commands, each a
fresh process as a user runs it:

- **no-op**: ``teikit build`` again, nothing changed;
- **cold one**: a cold build of a one-document corpus made the same way, into an empty folder
  (one cold document's work: start, imports, stylesheets, validation, every output, site);
- **edit**: one document's main title changed (a different document each round), then ``teikit build``,
  which must report that it rendered that one document.

Target: median(edit) <= 2 x (median(no-op) + median(cold one)); and median(no-op) < 5 % of the
full build.  Also checks that the state does not depend on how the corpus path is spelled (relative,
``./``, absolute, through a symbolic link): each spelling must find the build up to date.

Usage: python benchmarks/bench_rebuild.py [--n 1000] [--rounds 5] [--work DIR] [--formats LIST] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_build import clean_output

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str], cwd: Path) -> tuple[float, str]:
    """Wall time and standard output of ``teikit ARGS`` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "teikit.cli", *args], cwd=cwd, env=ENV, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout + proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work" / "rebuild")
    parser.add_argument("--formats", default=None, help="as teikit build --formats (default: every format)")
    parser.add_argument("--reuse", action="store_true",
                        help="start from the output already in WORK (the first build is then an update)")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    fmt = ["--formats", args.formats] if args.formats else []
    corpus, one = work / f"corpus{args.n}", work / "corpus1"
    for n, dest in ((args.n, corpus), (1, one)):
        if not (dest / "tei").is_dir():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(dest)],
                           check=True, capture_output=True)
    out, out1 = work / "out", work / "out1"
    if not args.reuse:
        clean_output(out)
    build = ["build", "--tei-dir", f"{corpus.name}/tei", "--out", "out", "-q", *fmt]
    full, _ = run(build, work)
    first = "first build (an update of the output there)" if args.reuse else "full build"
    print(f"N = {args.n}, formats: {args.formats or 'all (default)'}; {first} {full:.2f} s", flush=True)
    docs = sorted((corpus / "tei").glob("deutscher-variant-*.xml"))
    noops: list[float] = []
    colds: list[float] = []
    edits: list[float] = []
    for r in range(args.rounds):
        t, said = run(build, work)
        assert "up to date" in said or said == "", said
        noops.append(t)
        clean_output(out1)
        colds.append(run(["build", "--tei-dir", "corpus1/tei", "--out", "out1", "-q", *fmt], work)[0])
        doc = docs[(r * 97 + 13) % len(docs)]
        text = doc.read_text(encoding="utf-8")
        edited = re.sub(r"(<title type=\"main\">[^<]*?)( \(edit \d+\))?</title>",
                        rf"\1 (edit {time.time_ns()})</title>", text, count=1)
        assert edited != text
        doc.write_text(edited, encoding="utf-8")
        t, said = run([a for a in build if a != "-q"], work)
        assert "(1 rendered, 1 validated" in said, said  # it did rebuild, and only that document
        edits.append(t)
        print(f"round {r + 1}: no-op {noops[-1]:.2f} s, cold one {colds[-1]:.2f} s, edit {edits[-1]:.2f} s",
              flush=True)
    link = work / "corpus-link"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(corpus)
    spellings = [f"./{corpus.name}/tei", str(corpus / "tei"), "corpus-link/tei"]
    for spelling in spellings:
        t, said = run(["build", "--tei-dir", spelling, "--out", "out", *fmt], work)
        ok = "up to date" in said
        print(f"spelled {spelling!r}: {'up to date' if ok else 'REBUILT'} in {t:.2f} s")
        assert ok, said
    noop, cold, edit = (statistics.median(x) for x in (noops, colds, edits))
    print(f"medians: no-op {noop:.2f} s ({noop / full:.1%} of the full build; target < 5 %), cold one {cold:.2f} s, "
          f"edit {edit:.2f} s")
    print(f"edit / (no-op + cold one) = {edit / (noop + cold):.2f} (target <= 2)")


if __name__ == "__main__":
    main()
