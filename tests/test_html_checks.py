"""The HTML edition in real tools: the W3C Nu HTML Checker and axe-core in headless Chromium.

Both need software outside Python (Java; Debian's chromium).  Without them these tests skip with a
reason on a developer's machine; under CI=true a missing tool fails the run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import need, need_java, served

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


@pytest.mark.browser
def test_permalink_navigates_to_its_paragraph(browser: Any, built: Path) -> None:
    page = open_page(browser, built)
    page.click("#p12 a.permalink")
    assert page.evaluate("location.hash") == "#p12"
    assert page.evaluate("document.querySelector(':target').id") == "p12"


@pytest.mark.browser
def test_popover_opens_and_closes_by_keyboard(browser: Any, built: Path) -> None:
    page = open_page(browser, built)
    mention = page.locator("#p22 a.mention[href='#entry-mao_zedong']")
    mention.focus()
    popover = page.locator(".tk-popover")
    assert popover.is_visible()
    assert "Mao Zedong" in popover.inner_text() and "1893–1976" in popover.inner_text()
    assert mention.get_attribute("aria-describedby") == "tk-popover"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.tk-popover') !== null")
    assert page.evaluate("document.activeElement.href") == "https://www.wikidata.org/wiki/Q5816"
    page.keyboard.press("Escape")
    assert popover.count() == 0
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#entry-mao_zedong"


@pytest.mark.browser
def test_page_works_without_javascript(browser: Any, built: Path) -> None:
    page = open_page(browser, built, javascript=False)
    mention = page.locator("#p22 a.mention[href='#entry-mao_zedong']")
    mention.focus()
    assert page.locator(".tk-popover").count() == 0
    mention.click()
    assert page.evaluate("location.hash") == "#entry-mao_zedong"
    assert "Mao Zedong" in page.locator("#entry-mao_zedong").inner_text()


def _click_copy(page: Any) -> tuple[str, str]:
    box = page.locator("#p12 + details.cite-box")
    box.locator("summary").click()
    button = box.locator("button.copy-citation")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('#p12 + details .copy-status').textContent !== ''")
    return box.locator(".copy-status").inner_text(), box.locator(".cite-text").inner_text()


@pytest.mark.browser
def test_cite_box_copies_the_citation_to_the_clipboard(browser: Any, built: Path) -> None:
    with served(built) as url:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(f"{url}/{DOC}/index.html")
        status, text = _click_copy(page)
        assert status == "Copied."
        assert "para. 12" in text
        assert page.evaluate("navigator.clipboard.readText()") == text
        context.close()


@pytest.mark.browser
def test_cite_box_without_a_clipboard_says_how_to_copy(browser: Any, built: Path) -> None:
    context = browser.new_context()
    # No clipboard API and a refused execCommand: the page must say how to copy by hand.
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                            "document.execCommand = function () { return false; };")
    page = context.new_page()
    page.goto((built / DOC / "index.html").as_uri())
    status, _ = _click_copy(page)
    assert status == "Select the text above to copy it."
    context.close()


@pytest.mark.browser
def test_cite_box_readable_without_javascript(browser: Any, built: Path) -> None:
    page = open_page(browser, built, javascript=False)
    box = page.locator("#p12 + details.cite-box")
    box.locator("summary").click()
    assert box.locator("button").count() == 0
    assert "para. 12" in box.locator(".cite-text").inner_text()


@pytest.mark.browser
def test_readable_on_a_phone(browser: Any, built: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto((built / DOC / "index.html").as_uri())
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#p12')).fontSize)")
    assert size >= 15


@pytest.mark.browser
def test_print_hides_navigation_and_keeps_passage_numbers(browser: Any, built: Path) -> None:
    page = open_page(browser, built)
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('details.cite-box')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('#p12 .permalink')).display") != "none"
    assert page.locator("#p12 .permalink").inner_text() == "¶12"


@pytest.mark.browser
def test_popover_opens_on_hover(browser: Any, built: Path) -> None:
    page = open_page(browser, built)
    page.hover("#p24 a.mention[href='#entry-beijing']")
    popover = page.locator(".tk-popover")
    assert popover.is_visible()
    text = popover.inner_text()
    assert "Beijing" in text and "Peking" in text and "GeoNames 1816670" in text and "Wikidata Q956" in text
