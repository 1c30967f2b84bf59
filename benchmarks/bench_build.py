"""Build benchmarks: cold start, per-document cost, parallelism, no-op rebuilds, peak memory.

For each corpus size N (synthetic corpora from make_corpus.py) it measures, each in a fresh
process so that nothing is cached between runs:

- the bare cost of starting Python and importing lxml and saxonche, against a cold ``teikit build``
  of the edition;
- the full build at --jobs 1 and --jobs 2, and the per-document marginal time
  ((T(N) - T(edition)) / (N - 1) at --jobs 1) against parsing and serialising a document with lxml;
- a no-op rebuild (nothing changed) against the full build;
- peak memory (max RSS) of the --jobs 1 build, where one process does everything;
- where the time of one document goes, stage by stage (in process, warm).

Usage: python benchmarks/bench_build.py [--sizes 100 1000] [--runs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    """Wall time of a child process."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def rss_of(cmd: list[str]) -> tuple[float, int]:
    """Wall time and max RSS (kB) of one command, measured with a wrapper so runs do not mix."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL);"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=ROOT, check=True, capture_output=True, text=True)
    t, rss = out.stdout.split()
    return float(t), int(rss)


def teikit(*args: str) -> list[str]:
    return [sys.executable, "-m", "teikit.cli", *args]


def median(values: list[float]) -> float:
    return statistics.median(values)


def parse_serialise(tei: Path) -> float:
    from lxml import etree

    files = [p for p in tei.glob("*.xml") if p.name != "register.xml"]
    start = time.perf_counter()
    for p in files:
        etree.tostring(etree.fromstring(p.read_bytes()))
    return (time.perf_counter() - start) / len(files)


def stages(tei: Path) -> dict[str, float]:
    """Milliseconds per document for each stage, warm, in this process."""
    from teikit import cite, transform, validate
    from teikit.dts import DtsCorpus, write_static_resource
    from teikit.load import Corpus
    from teikit.publish import citation_boxes

    corpus = Corpus.discover(tei)
    docs = [corpus.load_document(p) for p in corpus.document_paths[:10]]
    reg = corpus.register.xdm() if corpus.register else None
    out = Path(tempfile.mkdtemp())
    steps = {
        "grammar (lxml RELAX NG)": lambda d: validate.relaxng().validate(d.tree),
        "Schematron (Saxon)": lambda d: transform.run(validate.schematron_validator(), transform.to_xdm(d.tree),
                                                      {"register": reg, "used": ""}),
        "lint": lambda d: validate.check_document(d.path, corpus.register),
        "CSL items (Saxon)": lambda d: cite.csl_items(d, corpus, "https://x/"),
        "citations (citeproc-py)": lambda d: citation_boxes(d, cite.csl_items(d, corpus, "https://x/")),
        "HTML (Saxon)": lambda d: transform.run(transform.compiled("html.xsl"), transform.to_xdm(d.tree),
                                                {"register": reg}),
        "plain text (Saxon)": lambda d: transform.run(transform.compiled("text.xsl"), transform.to_xdm(d.tree),
                                                      {"register": reg}),
        "static DTS (~230 files)": lambda d: write_static_resource(DtsCorpus(corpus, paths={d.id: d.path}, total=1),
                                                                   d.id, out),
    }
    result = {}
    for name, fn in steps.items():
        fn(docs[0])
        start = time.perf_counter()
        for d in docs:
            fn(d)
        result[name] = (time.perf_counter() - start) / len(docs) * 1000
    result["lint"] -= result["grammar (lxml RELAX NG)"] + result["Schematron (Saxon)"]  # check_document runs all three
    shutil.rmtree(out, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="teikit-bench-"))
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")

    imports = median([timed([sys.executable, "-c", "import lxml.etree, saxonche"]) for _ in range(args.runs)])
    cold = []
    for _ in range(args.runs):
        out = work / "cold"
        shutil.rmtree(out, ignore_errors=True)
        cold.append(timed(teikit("build", str(ROOT / "tei"), "--out", str(out), "-q")))
    edition = median(cold)
    print(f"import lxml+saxonche:            {imports * 1000:8.0f} ms")
    print(f"cold teikit build (edition):     {edition * 1000:8.0f} ms   ({edition / imports:.1f}x import)")

    for n in args.sizes:
        src = work / f"corpus-{n}"
        if not (src / "tei").is_dir():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(src)],
                           check=True, stdout=subprocess.DEVNULL)
        tei = src / "tei"
        ps = parse_serialise(tei)
        t1, rss1 = rss_of(teikit("build", str(tei), "--out", str(src / "out1"), "--jobs", "1", "-q"))
        shutil.rmtree(src / "out2", ignore_errors=True)
        t2, _ = rss_of(teikit("build", str(tei), "--out", str(src / "out2"), "--jobs", "2", "-q"))
        noop = median([rss_of(teikit("build", str(tei), "--out", str(src / "out2"), "--jobs", "2", "-q"))[0]
                       for _ in range(args.runs)])
        marginal = (t1 - edition) / (n - 1)
        print(f"\nN={n}")
        print(f"  parse+serialise per document:  {ps * 1000:8.1f} ms")
        print(f"  full build --jobs 1:           {t1:8.1f} s    marginal {marginal * 1000:.0f} ms/document "
              f"({marginal / ps:.0f}x parse+serialise)")
        print(f"  full build --jobs 2:           {t2:8.1f} s    speed-up {t1 / t2:.2f}x")
        print(f"  no-op rebuild:                 {noop:8.2f} s    ({noop / t2 * 100:.1f}% of the full --jobs 2 build)")
        print(f"  peak RSS --jobs 1:             {rss1 / 1024:8.0f} MiB")
        shutil.rmtree(src / "out1", ignore_errors=True)
    print("\nwhere one document's time goes (warm, in process):")
    for name, ms in stages(work / f"corpus-{args.sizes[0]}" / "tei").items():
        print(f"  {name:28s} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
