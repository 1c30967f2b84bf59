"""What the search costs (issue 18): at build time, at rebuild time, and per query in a browser.

1. Full build of N documents of make_corpus.py (default 1,000), with and without the search,
   in interleaved pairs (the order alternates), fresh output each time: the search's share.
2. Rebuild after editing one document: what it costs with the search and without it (Pagefind
   cannot update an index, so the search indexes every record again; the records of the untouched
   documents are not rendered again), and the engine's own time on the records.
3. A query in headless Chromium against the site on a loopback static server: bytes transferred
   (response bodies of everything the query loads: the search script, Pagefind's script and
   WebAssembly, the index chunks, filters and fragments) and time from the query to the first
   result on the page, for a first query (nothing cached) and a second one.

Usage: python benchmarks/bench_search.py [--size 1000] [--pairs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(tei: Path, out: Path, *extra: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(tei), "--out", str(out), "-q",
                    *extra], check=True)
    return time.perf_counter() - start


def _rebuild(tei: Path, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(tei), "--out", str(out), "-q",
                    *extra], check=True)
    return time.perf_counter() - start


def _edit(path: Path, round_: int) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(<p xml:id=\"p1\"[^>]*>)(?:Edited\d+ )?", rf"\1Edited{round_} ", text, count=1)
    path.write_text(text, encoding="utf-8")


def _query(site: Path, words: list[str]) -> list[tuple[str, float, int]]:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("bench_search: Debian's chromium is not installed: no query rows", file=sys.stderr)
        return []
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search/"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"])
        context = browser.new_context()
        page = context.new_page()
        sizes: list[int] = []
        page.on("response", lambda r: sizes.append(len(r.body())) if r.ok and r.request.method == "GET" else None)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for i, word in enumerate(words):
            sizes.clear()
            took = page.evaluate("""async (word) => {
                const input = document.querySelector('input[type=search]');
                const status = document.querySelector('.tk-status');
                const t0 = performance.now();
                input.value = word;
                input.form.requestSubmit();
                while (!document.querySelector('li.tk-result') && !/^No passage/.test(status.textContent)) {
                    await new Promise(r => setTimeout(r, 2));
                }
                return performance.now() - t0;
            }""", word)
            # Results are shown as their fragments arrive: the query is over when the status says so.
            page.wait_for_function("!document.querySelector('.tk-status').textContent.startsWith('Searching')")
            page.wait_for_load_state("networkidle")
            rows.append(("first query" if i == 0 else "next query", took, sum(sizes)))
            page.evaluate("document.querySelector('.tk-results').replaceChildren()")
        browser.close()
    server.shutdown()
    return rows


def _components(tei: Path, out: Path, log: Path) -> tuple[float, float, float, float]:
    """One build with the search, in this process, timing the search's own work: each record's
    rendering (in the workers, summed from a log they append to) and the site step (the register's
    records, Pagefind, the search page).  Returns (build wall time, records' CPU seconds, site step
    seconds, Pagefind seconds)."""
    import os

    from teikit.formats import registry
    from teikit.formats import search as fmt
    from teikit.publish import BuildOptions, build

    log.unlink(missing_ok=True)
    original_render, original_site, original_index = fmt.render, fmt.site, fmt.index
    spent: dict[str, float] = {}

    def render(ctx):  # type: ignore[no-untyped-def]
        start = time.process_time()
        written = original_render(ctx)
        with open(log, "a", encoding="utf-8") as fh:  # appended by every worker process
            fh.write(f"{time.process_time() - start}\n")
        return written

    def index(records, dest):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        files = original_index(records, dest)
        spent["pagefind"] = time.perf_counter() - start
        return files

    def site(ctx):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        written = original_site(ctx)
        spent["site"] = time.perf_counter() - start
        return written

    fmt.index = index
    fmt_format = registry()["search"]
    registry()["search"] = type(fmt_format)(fmt_format.name, fmt_format.summary, render=render, site=site,
                                          half=fmt_format.half)
    try:
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        build(tei, out, BuildOptions(formats=("html", "text", "citations", "tei", "dts", "search")))
        wall = time.perf_counter() - start
    finally:
        registry()["search"] = fmt_format
        fmt.index = original_index
    records = sum(float(line) for line in log.read_text(encoding="utf-8").split())
    os.unlink(log)
    return wall, records, spent["site"], spent["pagefind"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work" / "search")
    parser.add_argument("--default-build", action="store_true",
                        help="compare `teikit build` as it is by default (every format, EPUB and PDF included since "
                             "issue 19) with `--no-search`, and stop after the paired builds")
    args = parser.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(args.size), str(work / "c")],
                   check=True, capture_output=True)
    tei = work / "c" / "tei"
    with_s, without = [], []
    for i in range(args.pairs):
        # The formats of issue 18's build (EPUB and PDF came later): with and without the search;
        # or the default build as it now is.
        order = [("search", ()), ("no-search", ("--no-search",))] if args.default_build else [
            ("search", ("--formats", "html,text,citations,tei,dts,search")),
            ("no-search", ("--formats", "html,text,citations,tei,dts"))]
        for name, extra in order if i % 2 == 0 else order[::-1]:
            took = _build(tei, work / name, *extra)
            (with_s if name == "search" else without).append(took)
            print(f"  round {i + 1} {name}: {took:.2f} s", file=sys.stderr)
    a, b = statistics.median(with_s), statistics.median(without)
    print(f"full build, N = {args.size}: without search {b:.2f} s, with {a:.2f} s: "
          f"{100 * (a - b) / b:+.1f} % (target <= 25 %); per round: "
          + ", ".join(f"{100 * (x - y) / y:+.0f} %" for x, y in zip(with_s, without, strict=True))
          + (" (the default build: every format)" if args.default_build else " (issue 18's formats)"))
    if args.default_build:
        return
    # The search's own work, timed inside one build: less at the mercy of the machine's moods than
    # the difference of two whole builds (which varied by a quarter from round to round here).
    from teikit.publish import usable_cores

    wall, records, site_s, engine_s = _components(tei, work / "components", work / "records.log")
    share = records / max(1, usable_cores()) + site_s
    print(f"inside one build with the search ({wall:.1f} s): records {records:.1f} s of CPU in the workers "
          f"({records / max(1, usable_cores()):.1f} s over {usable_cores()} cores), site step {site_s:.1f} s "
          f"(Pagefind {engine_s:.1f} s): {share:.1f} s, {100 * share / (wall - share):.1f} % of the build without it")

    victim = sorted(tei.glob("*.xml"))[args.size // 2]
    re_s, re_n = [], []
    for i in range(args.pairs):
        _edit(victim, i)
        re_s.append(_rebuild(tei, work / "search", "--formats", "html,text,citations,tei,dts,search"))
        re_n.append(_rebuild(tei, work / "no-search", "--formats", "html,text,citations,tei,dts"))
    from teikit.formats.search import RECORDS, executable

    engine = []
    for _ in range(args.pairs):
        shutil.rmtree(work / "engine", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([str(executable()), "--site", str(work / "search" / RECORDS), "--output-path",
                        str(work / "engine"), "--silent"], check=True)
        engine.append(time.perf_counter() - start)
    print(f"rebuild after editing one document of {args.size}: without search {statistics.median(re_n):.2f} s, "
          f"with {statistics.median(re_s):.2f} s; Pagefind alone on all records {statistics.median(engine):.2f} s")

    for name, took, size in _query(work / "search", ["Shelepin", "Beijing", "revolution"]):
        print(f"{name}: results shown after {took:.0f} ms, {size / 1024:.0f} KB transferred "
              "(target <= 300 ms, <= 300 KB)")


if __name__ == "__main__":
    main()
