"""teikit against the TEI Stylesheets, per document (issue 21, target 2).

The peer is the TEI Consortium's own conversion to HTML: ``profiles/default/html/to.xsl`` of the TEI
Stylesheets (what ``teitohtml5`` runs), compiled once in saxonche and run over the same documents,
each result written to a file — in one process, and in two processes splitting the documents (as
``--jobs 2`` splits them).  teikit is ``teikit build`` with every output it writes by default (or
``--formats``), ``--jobs 1`` and ``--jobs 2``.  Every command is a fresh process into an empty folder,
on a corpus of N documents of ``make_corpus.py`` and on a one-document corpus made the same way; the
marginal cost per document is (T(N) - T(1)) / (N - 1) for each, in medians over ``--rounds``
interleaved rounds.  Target: teikit's marginal <= 0.8 x the peer's, at one process and at two.

The Stylesheets are not fetched at run time.  Give their folder with ``--stylesheets`` (or the
``TEI_STYLESHEETS`` variable); by default ``benchmarks/.work/Stylesheets`` and then the Debian
package's ``/usr/share/xml/tei/stylesheet`` are tried.  To install them:
``git clone --depth 1 https://github.com/TEIC/Stylesheets benchmarks/.work/Stylesheets`` or
``apt-get install tei-xsl``.  Without them the peer rows are skipped, with a message.

Usage: python benchmarks/bench_peer.py [--n 100] [--rounds 3] [--formats LIST] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_build import clean_output

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CANDIDATES = [ROOT / "benchmarks" / ".work" / "Stylesheets", Path("/usr/share/xml/tei/stylesheet")]

# The peer, in a child process: compile once, transform each document given, write each result.
PEER = r"""
import sys
from pathlib import Path
from saxonche import PySaxonProcessor
xsl, out, docs = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
with PySaxonProcessor(license=False) as proc:
    executable = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=xsl)
    for doc in docs:
        node = proc.parse_xml(xml_file_name=doc)
        (out / (Path(doc).stem + ".html")).write_text(executable.transform_to_string(xdm_node=node) or "",
                                                      encoding="utf-8")
"""


def stylesheets(given: Path | None) -> Path | None:
    for folder in [given, Path(os.environ["TEI_STYLESHEETS"]) if os.environ.get("TEI_STYLESHEETS") else None,
                   *CANDIDATES]:
        if folder is not None and (folder / "profiles" / "default" / "html" / "to.xsl").is_file():
            return folder
    return None


def teikit(corpus: Path, out: Path, jobs: int, fmt: list[str]) -> float:
    clean_output(out)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(corpus), "--out", str(out),
                    "--jobs", str(jobs), "-q", *fmt], check=True, env=ENV, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peer(xsl: Path, docs: list[Path], out: Path, processes: int) -> float:
    clean_output(out)
    out.mkdir(parents=True)
    start = time.perf_counter()
    parts = [docs[k::processes] for k in range(processes)]
    running = [subprocess.Popen([sys.executable, "-c", PEER, str(xsl), str(out), *map(str, part)], env=ENV)
               for part in parts if part]
    for proc in running:
        if proc.wait() != 0:
            raise SystemExit("the TEI Stylesheets' conversion failed")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default=None)
    parser.add_argument("--stylesheets", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work" / "peer")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    fmt = ["--formats", args.formats] if args.formats else []
    corpora = {}
    for n in (1, args.n):
        dest = work / f"corpus{n}"
        if not (dest / "tei").is_dir():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(dest)],
                           check=True, capture_output=True)
        corpora[n] = dest / "tei"
    folder = stylesheets(args.stylesheets)
    if folder is None:
        print("the TEI Stylesheets are not installed: the peer rows are skipped (see this script's docstring "
              "or benchmarks/README.md for how to install them)")
    xsl = folder / "profiles" / "default" / "html" / "to.xsl" if folder else None
    times: dict[tuple[str, int, int], list[float]] = {}
    for r in range(args.rounds):
        for jobs in (1, 2):
            for n in (1, args.n):
                times.setdefault(("teikit", jobs, n), []).append(teikit(corpora[n], work / "out", jobs, fmt))
                if xsl is not None:
                    docs = sorted(corpora[n].glob("deutscher-variant-*.xml"))
                    times.setdefault(("peer", jobs, n), []).append(peer(xsl, docs, work / "peer-out", jobs))
        print(f"round {r + 1}: " + ", ".join(f"{who} x{jobs} N={n}: {v[-1]:.2f} s"
                                            for (who, jobs, n), v in sorted(times.items())), flush=True)
    print(f"N = {args.n}, formats: {args.formats or 'all (default)'}, {args.rounds} rounds (medians)")
    for jobs in (1, 2):
        med = {who: [statistics.median(times[(who, jobs, n)]) for n in (1, args.n)]
               for who in ("teikit", "peer") if (who, jobs, 1) in times}
        marginal = {who: (t[1] - t[0]) / (args.n - 1) for who, t in med.items()}
        line = (f"{jobs} process(es): teikit {marginal['teikit'] * 1000:.1f} ms per document "
                f"(T(1) {med['teikit'][0]:.2f} s)")
        if "peer" in marginal:
            line += (f", the TEI Stylesheets {marginal['peer'] * 1000:.1f} ms (T(1) {med['peer'][0]:.2f} s): "
                     f"{marginal['teikit'] / marginal['peer']:.2f} x (target <= 0.8 x)")
        print(line)


if __name__ == "__main__":
    main()
