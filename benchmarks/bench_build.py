"""Build benchmarks: cold start, per-document cost, parallelism, no-op rebuilds, peak memory.

Every build runs in a fresh process, as ``python -m teikit.cli build``, the way a user runs it:
teikit's modules are byte-compiled first (as ``pip install`` does) and the children run without
``PYTHONDONTWRITEBYTECODE``, so no run pays for compiling Python source.

- **Cold start.** The bare cost of starting Python and importing lxml and saxonche, against a cold
  ``teikit build`` of the edition into an empty folder; the two are run alternately, and the
  ratio is that of the medians (the machine is shared and noisy: alternating keeps drift out of
  the ratio).
- **Marginal cost per document.** For each size N and for ``--jobs 1`` and ``--jobs 2`` (the
  default on a 2-core machine): (T(N) - T(1)) / (N - 1), where T(1) builds a one-document corpus
  made the same way, against parsing and serialising one document with lxml.
- **Parallelism.** T(N) at ``--jobs 1`` against ``--jobs 2``, the two alternating ``--pairs`` times
  (the median of the pairs' ratios).
- **No-op rebuild.** A second ``--jobs 2`` build into the same folder, nothing changed.
- **Peak memory.** Max RSS of the ``--jobs 1`` build, where one process does all the work.
- **Stages.** Where one document's time goes, stage by stage, warm, in this process.
- **Floor.** What no build of a document with saxonche can avoid: Saxon reading the document and
  writing a same-sized result (an identity transformation), and creating the ~240 files a
  document's outputs take (the static DTS API is most of them), shared by two workers.

Output goes under ``--work`` (default ``benchmarks/.work``, beside the project, as a user's build
output would be; on this machine a new file costs about four times as much under /tmp).

Usage: python benchmarks/bench_build.py [--sizes 100 1000] [--runs 5] [--pairs 3] [--work DIR] [--cold-only]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    """Wall time of a child process."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def rss_of(cmd: list[str]) -> tuple[float, int]:
    """Wall time and max RSS (kB) of one command, measured with a wrapper so runs do not mix."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL);"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=ROOT, check=True, capture_output=True, text=True,
                         env=ENV)
    t, rss = out.stdout.split()
    return float(t), int(rss)


def clean_output(folder: Path) -> None:
    """Remove a build output and the twin teikit keeps beside it, so that the next build is cold."""
    for path in (folder, folder.parent / f".{folder.name}.teikit-twin"):
        if path.exists():
            shutil.rmtree(path)


def teikit(*args: str) -> list[str]:
    return [sys.executable, "-m", "teikit.cli", *args]


def make_corpus(n: int, dest: Path) -> Path:
    if not (dest / "tei").is_dir():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(dest)],
                       check=True, stdout=subprocess.DEVNULL)
    return dest / "tei"


def parse_serialise(tei: Path) -> float:
    """Seconds per document to parse and serialise it with lxml (the best of five passes)."""
    from lxml import etree

    files = [p for p in tei.glob("*.xml") if p.name != "register.xml"][:100]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for p in files:
            etree.tostring(etree.fromstring(p.read_bytes()))
        best = min(best, (time.perf_counter() - start) / len(files))
    return best


def file_creation(work: Path, count: int = 2000) -> float:
    """Seconds to create one small file under ``work`` (the best of three rounds): the floor under
    a build that writes about 240 files per document, and the part of it teikit does not control."""
    best = float("inf")
    for _ in range(3):
        folder = Path(tempfile.mkdtemp(dir=work))
        start = time.perf_counter()
        for i in range(count):
            fd = os.open(folder / f"{i}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, b"{}\n")
            os.close(fd)
        best = min(best, (time.perf_counter() - start) / count)
        shutil.rmtree(folder)
    return best


def saxon_floor(tei: Path) -> tuple[float, float]:
    """Seconds per document (the best of five passes) for Saxon to read it, and to run it through
    an identity transformation and serialise it: the least any XSLT 3.0 output of a document costs
    with saxonche, whatever the stylesheet does."""
    from saxonche import PySaxonProcessor

    proc = PySaxonProcessor(license=False)
    identity = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:mode on-no-match="shallow-copy"/></xsl:stylesheet>'))
    texts = [p.read_text(encoding="utf-8") for p in tei.glob("*.xml") if p.name != "register.xml"][:100]
    builder = proc.new_document_builder()
    best_parse = best_copy = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        trees = [builder.parse_xml(xml_text=t) for t in texts]
        best_parse = min(best_parse, (time.perf_counter() - start) / len(texts))
        start = time.perf_counter()
        for tree in trees:
            identity.transform_to_string(xdm_node=tree)
        best_copy = min(best_copy, (time.perf_counter() - start) / len(texts))
    return best_parse, best_copy


def build_time(tei: Path, out: Path, jobs: int) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    result = rss_of(teikit("build", "--tei-dir", str(tei), "--out", str(out), "--jobs", str(jobs), "-q"))
    return result


def stages(tei: Path, count: int = 30) -> dict[str, float]:
    """Milliseconds per document for each stage of a build, warm, in this process."""
    from teikit import cite, transform, validate
    from teikit.dts import DtsCorpus, write_static_resource
    from teikit.formats.html import citation_data
    from teikit.formats.html import entry_summaries as _entry_summaries
    from teikit.load import Corpus
    from teikit.publish import catalogue_record

    corpus = Corpus.discover(tei)
    register = corpus.register
    assert register is not None
    out = Path(tempfile.mkdtemp(dir=tei.parent))
    totals: dict[str, float] = {}

    def step(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        value = fn(*args)
        totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
        return value

    def html(doc: Any, boxes: Any) -> str:
        return transform.run(transform.compiled("html.xsl"), doc.xdm(),
                             {"register": register.xdm(), "base-url": "https://x/", "citation-data": boxes,
                              "entry-summaries": register.derived("entry-summaries", _entry_summaries)})

    def text(doc: Any) -> str:
        return transform.run(transform.compiled("text.xsl"), doc.xdm(),
                             {"register": register.xdm(), "base-url": "https://x/", "ids": False, "width": 0})

    def exports(items: list[dict[str, Any]]) -> tuple[str, str, str]:
        return cite.csl_json(items, pretty=False), cite.to_bibtex(items), cite.to_ris(items)

    def static_api(doc: Any) -> Any:
        dc = DtsCorpus(corpus, paths={doc.id: doc.path}, total=1, documents=[doc])
        return write_static_resource(dc, doc.id, out / "api" / "dts")

    paths = corpus.document_paths[: count + 3]
    for i, path in enumerate(paths):
        if i == 3:  # the first documents warm everything up
            totals.clear()
        checked = step("read, parse (lxml)", validate._parse, path)
        step("grammar (lxml RELAX NG)", lambda c: list(validate._grammar_problems(c)), checked)
        doc = checked.doc
        step("to Saxon (once per document)", doc.xdm)
        step("Schematron (Saxon)", lambda c: list(validate._schematron_problems(c, register)), checked)
        step("untagged-mention lint", lambda c: list(validate._lint_untagged(c, register)), checked)
        items = step("CSL items (Python)", cite.csl_items, doc, corpus, "https://x/")
        boxes = step("citations (citeproc-py)", citation_data, doc, items)
        step("HTML (Saxon)", html, doc, boxes)
        step("plain text (Saxon)", text, doc)
        step("CSL-JSON, BibLaTeX, RIS", exports, items)
        step("catalogue record (Saxon)", catalogue_record, doc)
        step("static DTS (228 files)", static_api, doc)
    shutil.rmtree(out, ignore_errors=True)
    return {name: seconds / count * 1000 for name, seconds in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=5, help="cold builds (alternating with bare imports)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating --jobs 1 / --jobs 2 builds per size")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--cold-only", action="store_true", help="only the cold start rows (issue 21, target 3)")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    import teikit as package

    compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; output under {work}")
    per_file = file_creation(work)
    print(f"| creating a small file here | {per_file * 1e6:.0f} µs (x 240 files = {per_file * 240 * 1000:.0f} ms "
          "per document) |")
    floor_corpus = make_corpus(args.sizes[0], work / f"corpus-{args.sizes[0]}")
    ps, (parse, copy) = parse_serialise(floor_corpus), saxon_floor(floor_corpus)
    floor = (parse + copy + 240 * per_file) / 2
    print(f"| lxml parse + serialise | {ps * 1000:.2f} ms; Saxon parse {parse * 1000:.2f} ms = {parse / ps:.1f}x, "
          f"Saxon identity transform + serialise {copy * 1000:.2f} ms = {copy / ps:.1f}x |")
    print(f"| floor of the marginal cost at 2 workers: (Saxon parse + identity + 240 files) / 2 | "
          f"{floor * 1000:.2f} ms = {floor / ps:.1f}x parse+serialise, before any validation or rendering |")

    imports, cold = [], []
    for _ in range(args.runs):
        imports.append(timed([sys.executable, "-c", "import lxml.etree, saxonche"]))
        clean_output(work / "cold")  # cold: no output, no twin of one
        cold.append(timed(teikit("build", "--tei-dir", str(ROOT / "tei"), "--out", str(work / "cold"), "-q")))
    imp, edition = statistics.median(imports), statistics.median(cold)
    print(f"| bare `import lxml.etree, saxonche` | {imp * 1000:.0f} ms (min {min(imports) * 1000:.0f}) |")
    print(f"| cold `teikit build` of the edition | {edition * 1000:.0f} ms (min {min(cold) * 1000:.0f}) "
          f"= {edition / imp:.1f}x import |")
    if args.cold_only:
        return

    one = make_corpus(1, work / "corpus-1")
    base = {jobs: statistics.median([build_time(one, work / "out-1", jobs)[0] for _ in range(3)]) for jobs in (1, 2)}
    print(f"| one-document corpus, --jobs 1 / --jobs 2 | {base[1] * 1000:.0f} / {base[2] * 1000:.0f} ms |")
    for n in args.sizes:
        tei = make_corpus(n, work / f"corpus-{n}")
        # The machine's speed drifts: --jobs 1 and --jobs 2 builds alternate, `pairs` times, and
        # parse+serialise is measured around each build; medians are reported.
        samples, t1s, t2s, rss = [parse_serialise(tei)], [], [], []
        for _ in range(args.pairs):
            t1, r1 = build_time(tei, work / f"out-{n}-1", 1)
            samples.append(parse_serialise(tei))
            t2, _ = build_time(tei, work / f"out-{n}-2", 2)
            samples.append(parse_serialise(tei))
            t1s.append(t1)
            t2s.append(t2)
            rss.append(r1)
        ps = statistics.median(samples)
        t1, t2, rss1 = statistics.median(t1s), statistics.median(t2s), max(rss)
        ratios = sorted(a / b for a, b in zip(t1s, t2s, strict=True))
        noop = statistics.median([timed(teikit("build", "--tei-dir", str(tei), "--out", str(work / f"out-{n}-2"), "-q",
                                                "--jobs", "2")) for _ in range(5)])
        m1, m2 = (t1 - base[1]) / (n - 1), (t2 - base[2]) / (n - 1)
        print(f"\nN={n}: parse+serialise {ps * 1000:.2f} ms/document")
        print(f"| full build --jobs 1 | {t1:.1f} s; marginal {m1 * 1000:.1f} ms/document = {m1 / ps:.0f}x |")
        print(f"| full build --jobs 2 | {t2:.1f} s; marginal {m2 * 1000:.1f} ms/document = {m2 / ps:.0f}x |")
        print(f"| --jobs 2 against --jobs 1 | median {statistics.median(ratios):.2f}x faster "
              f"(pairs: {', '.join(f'{r:.2f}' for r in ratios)}) |")
        print(f"| no-op rebuild | {noop:.2f} s = {noop / t2 * 100:.1f}% of the full --jobs 2 build |")
        print(f"| peak RSS --jobs 1 | {rss1 / 1024:.0f} MiB |")
        for name in (f"out-{n}-1", f"out-{n}-2"):
            shutil.rmtree(work / name, ignore_errors=True)
    print("\nwhere one document's time goes (warm, in process):")
    results = stages(make_corpus(args.sizes[0], work / f"corpus-{args.sizes[0]}"))
    for name, ms in results.items():
        print(f"| {name} | {ms:.1f} |")
    print(f"| total | {sum(results.values()):.1f} |")


if __name__ == "__main__":
    main()
