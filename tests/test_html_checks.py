"""The HTML edition in real tools: the W3C Nu HTML Checker and axe-core in headless Chromium.

Both need software outside Python (Java; Debian's chromium).  Without them these tests skip with a
reason on a developer's machine; under CI=true a missing tool fails the run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import need, need_java

DOC = "deutscher-1959-khrushchev-mao"


@pytest.mark.java
def test_nu_html_checker_reports_no_errors(built: Path, tmp_path: Path) -> None:
    from teikit.publish import build
    from test_build import two_document_corpus

    java = need_java()
    jar = Path(__file__).parent / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    need(jar.is_file(), "the Nu HTML Checker (npm vnu-jar) is not installed (bash tests/bootstrap.sh)")
    checker = [java, "-jar", str(jar), "--errors-only", "--format", "text"]
    build(two_document_corpus(tmp_path / "tei"), tmp_path / "site")
    pages = [built / DOC / "index.html", tmp_path / "site" / "index.html", tmp_path / "site" / "alpha" / "index.html"]
    run = subprocess.run([*checker, *map(str, pages)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    # The checker must really have looked: a broken page fails.
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><a href=#><a href=#>x</a></a>")
    bad = subprocess.run([*checker, str(broken)], capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0


def open_page(browser: Any, built: Path, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto((built / DOC / "index.html").as_uri())
    return page


@pytest.mark.browser
def test_axe_core_finds_no_violations(browser: Any, built: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, built)
    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
