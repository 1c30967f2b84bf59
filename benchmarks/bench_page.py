"""How fast the reading edition's page is ready in headless Chromium (issue 17's budget).

Builds the edition, serves it on loopback, loads the page once to warm the cache, then RUNS times
more, and reports DOMContentLoaded and load (from the Navigation Timing entry) as median and max,
against the 150 ms budget for DOMContentLoaded on a warm load. Needs Debian's chromium.

Usage: python benchmarks/bench_page.py [--runs 20]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = "deutscher-1959-khrushchev-mao"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("bench_page: Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from teikit.publish import build

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(ROOT / "tei", site)
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # the timings are the output
                pass

        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/{DOC}/index.html"
        ready, loaded = [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                                                          "--disable-background-networking"])
            page = browser.new_page()
            page.goto(url)  # warm: the cache holds the page and its two assets
            for _ in range(args.runs):
                page.goto(url)
                timing = page.evaluate("""() => { const t = performance.getEntriesByType('navigation')[0];
                    return [t.domContentLoadedEventEnd - t.startTime, t.loadEventEnd - t.startTime]; }""")
                ready.append(timing[0])
                loaded.append(timing[1])
            browser.close()
        server.shutdown()
    print("| measure (warm, headless Chromium, loopback) | median | max | budget |")
    print("|---|---|---|---|")
    print(f"| DOMContentLoaded | {statistics.median(ready):.1f} ms | {max(ready):.1f} ms | ≤ 150 ms |")
    print(f"| load | {statistics.median(loaded):.1f} ms | {max(loaded):.1f} ms | — |")


if __name__ == "__main__":
    main()
