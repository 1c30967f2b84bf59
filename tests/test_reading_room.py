"""The reading room (issue 17), driven in Debian's Chromium: desktop and phone, keyboard, touch,
no JavaScript, dark scheme and print.  Each test is one thing a reader does."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import EDITION_VERSION, need, served

DOC = "deutscher-1959-khrushchev-mao"
pytestmark = pytest.mark.browser


def page_of(browser: Any, built: Path, **options: Any) -> Any:
    javascript = options.pop("javascript", True)
    context = browser.new_context(java_script_enabled=javascript, **options)
    page = context.new_page()
    page.goto((built / DOC / "index.html").as_uri())
    return page


# ------------------------------------------------------------------ 1. one entity layer, every device

def test_a_mention_opens_one_panel_in_place_and_escape_returns_focus(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    mention = page.locator("#p22 a.mention[href='#entry-mao_zedong']").first
    mention.focus()
    page.keyboard.press("Enter")
    panel = page.locator(".tk-panel")
    assert panel.count() == 1 and panel.is_visible()
    assert page.evaluate("location.hash") == ""  # no navigation away
    text = panel.inner_text()
    assert "Mao Zedong" in text and "1893–1976" in text and "Wikidata Q5816" in text and "Mentioned in" in text
    assert panel.get_attribute("role") == "dialog" and mention.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert panel.count() == 0
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#entry-mao_zedong"
    mention.click()  # the pointer, and the close button
    page.locator(".tk-panel-close").click()
    assert page.locator(".tk-panel").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#entry-mao_zedong"


def test_a_tap_on_a_phone_opens_a_bottom_sheet(browser: Any, built: Path) -> None:
    page = page_of(browser, built, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.locator("#p24 a.mention[href='#entry-beijing']").first.tap()
    panel = page.locator(".tk-panel")
    assert panel.is_visible() and "Beijing" in panel.inner_text() and "GeoNames 1816670" in panel.inner_text()
    box = panel.bounding_box()
    assert box and abs(box["y"] + box["height"] - 844) < 2 and box["width"] >= 389  # docked at the bottom
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_a_nested_mention_is_one_link_and_its_panel_offers_both(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    link = page.locator("#p31 a.mention-event").first
    assert link.locator("span.mention-org").count() == 1  # the party, inside the congress's link
    link.click()
    names = page.locator(".tk-panel .tk-panel-entry .entry-name").all_inner_texts()
    assert names[:2] == ["21st Congress of the Communist Party of the Soviet Union",
                         "Communist Party of the Soviet Union"]


def test_each_mention_is_one_tab_stop_and_the_budget_holds(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    counts = page.evaluate("""() => {
        const article = document.querySelector('article.reading-text');
        const focusable = Array.from(document.querySelectorAll('a[href], button, summary, input, select, [tabindex]'))
          .filter(el => el.tabIndex >= 0 && !el.closest('details:not([open]) > :not(summary)')
                   && !el.closest('[popover]') && el.getClientRects().length);
        const before = focusable.filter(el => el.compareDocumentPosition(article) & Node.DOCUMENT_POSITION_FOLLOWING
                                          || article.contains(el));
        return {before: before.length, mentions: article.querySelectorAll('.mention, time').length,
                paragraphs: article.querySelectorAll('p.passage').length,
                inPanels: document.querySelectorAll('.tk-panel a').length};
    }""")
    assert counts["inPanels"] == 0  # a panel's links exist only while it is open
    assert counts["before"] <= counts["mentions"] + counts["paragraphs"] + 20, counts


def test_without_javascript_every_mention_leads_to_its_entry(browser: Any, built: Path) -> None:
    page = page_of(browser, built, javascript=False)
    page.locator("#p22 a.mention[href='#entry-mao_zedong']").first.click()
    assert page.evaluate("location.hash") == "#entry-mao_zedong"
    assert page.locator(".tk-panel").count() == 0


def test_layers_are_keyed_switchable_and_remembered(browser: Any, built: Path) -> None:
    with served(built) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/{DOC}/index.html")
        styles = page.evaluate("""() => ['person', 'place', 'org', 'event'].map(k =>
            getComputedStyle(document.querySelector('article .mention-' + k)).textDecorationStyle)""")
        assert len(set(styles)) == 4  # not only colour: four line styles, keyed in the Layers menu
        page.locator("details.layers summary").click()
        legend = page.locator("details.layers label").all_inner_texts()
        assert legend == ["Persons", "Places", "Organisations", "Events", "Dates"]
        page.locator("#layer-person").uncheck()
        line = "getComputedStyle(document.querySelector('article .mention-person')).textDecorationLine"
        assert page.evaluate(line) == "none"
        page.reload()
        assert page.evaluate(line) == "none" and not page.locator("#layer-person").is_checked()
        context.close()


def test_dates_are_visible_and_lead_to_the_chronology_speakers_shown(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    date = page.locator("#p13 a.date").first
    style = "el => getComputedStyle(el.querySelector('time')).borderBottomStyle"
    assert page.evaluate(style, date.element_handle()) != "none"
    date.click()
    assert page.evaluate("document.querySelector(':target').closest('#chronology') !== null")
    speaker = page.evaluate("""() => getComputedStyle(document.querySelector('#p11 .said'), '::after').content""")
    assert "Khrushchev" in speaker


# ------------------------------------------------------------------ 2. citation without clutter

def test_paragraph_numbers_are_neither_copied_nor_found(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    copied = page.evaluate("""() => { const r = document.createRange();
        r.setStartBefore(document.getElementById('p12')); r.setEndAfter(document.getElementById('p13'));
        const s = getSelection(); s.removeAllRanges(); s.addRange(r); return s.toString(); }""")
    assert "Thus Khrushchev went on" in copied and "¶" not in copied and "Cite" not in copied
    assert not re.search(r"\b12\b", copied.split("Thus", 1)[0])
    # What find-in-page searches is the rendered text, which has no ¶ number (drawn by CSS).
    assert "¶" not in page.evaluate("document.querySelector('article.reading-text').innerText")
    drawn = page.evaluate("getComputedStyle(document.querySelector('#p12 .permalink'), '::before').content")
    assert "¶" in drawn and "12" in drawn
    box = page.locator("#p12 .permalink").bounding_box()
    text = page.locator("#p12").bounding_box()
    assert box and text and box["x"] + box["width"] <= text["x"] + 1  # in the margin


def test_one_citation_panel_with_every_style_and_copy(browser: Any, built: Path) -> None:
    with served(built) as url:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(f"{url}/{DOC}/index.html")
        assert page.locator("details.cite-box").count() == 0  # no row of clutter after each paragraph
        page.locator("#p12 .permalink").click()
        panel = page.locator(".tk-panel")
        assert "Cite ¶12" in panel.inner_text() and page.evaluate("location.hash") == "#p12"
        options = panel.locator("select option").all_inner_texts()
        assert options == ["Chicago (notes and bibliography)", "Chicago (author-date)", "MLA", "APA"]
        text = panel.locator(".cite-text")
        assert "para. 12" in text.inner_text() and f"version {EDITION_VERSION}" in text.inner_text()
        panel.locator("select").select_option(label="MLA")
        assert text.inner_text() == "(Deutscher, par. 12)"
        assert [a.get_attribute("href") for a in panel.locator("a").all()][:3] == [
            f"{DOC}.csl.json", f"{DOC}.bib", f"{DOC}.ris"]
        panel.locator("button.copy-citation").click()
        page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
        assert page.evaluate("navigator.clipboard.readText()") == "(Deutscher, par. 12)"
        context.close()


def test_the_citation_panel_equals_what_teikit_cite_prints(browser: Any, built: Path) -> None:
    from conftest import TEI_DIR
    from teikit.cite import csl_items, format_citation, item_for
    from teikit.load import Corpus
    from teikit.passages import resolve

    corpus = Corpus.discover(TEI_DIR)
    doc = corpus.load_document(corpus.document_paths[0])
    expected = format_citation(item_for(resolve(corpus, "p27"), csl_items(doc, corpus, "https://teikit.example.org/")),
                               "apa")[0]
    page = page_of(browser, built)
    page.locator("#p27 .permalink").click()
    page.locator(".tk-panel select").select_option(label="APA")
    assert page.locator(".tk-panel .cite-text").inner_text() == expected


# ------------------------------------------------------------------ 3. typography

def test_run_in_heads_measure_scroll_margin_and_dark_scheme(browser: Any, built: Path) -> None:
    page = page_of(browser, built, viewport={"width": 1366, "height": 900})
    run_in = page.evaluate("""() => { const h = document.querySelector('#s2 h2');
        return [getComputedStyle(h).display, getComputedStyle(h.nextElementSibling).display,
                h.getBoundingClientRect().top === h.nextElementSibling.getClientRects()[0].top]; }""")
    assert run_in == ["inline", "inline", True]
    assert page.locator("h2").count() >= 6  # the outline keeps the heads
    chars = page.evaluate("""() => { const p = document.querySelector('#p12');
        const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(p).font;
        return p.clientWidth / c.measureText('abcdefghijklmnopqrstuvwxyz').width * 26; }""")
    assert 60 <= chars <= 75, chars
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Iowan Old Style"')
    page.goto((built / DOC / "index.html").as_uri() + "#p12")
    top = page.evaluate("document.getElementById('p12').getBoundingClientRect().top")
    bar = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().bottom")
    assert top >= bar  # the target is not hidden under the bar or flush at the top
    dark = page_of(browser, built, color_scheme="dark")
    background = dark.evaluate("getComputedStyle(document.body).backgroundColor")
    assert sum(int(x) for x in re.findall(r"\d+", background)[:3]) < 150  # a dark page


# ------------------------------------------------------------------ 4, 5. top bar, about

def test_the_top_bar_downloads_and_alternates_resolve(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    page.locator("nav.topbar summary", has_text="Download").click()
    links = page.locator("nav.topbar details[open] li:not(.witness) a").all()
    hrefs = [a.get_attribute("href") for a in links]
    assert [a.inner_text() for a in links] == ["TEI XML", "Plain text", "EPUB (e-book)", "PDF (print)", "CSL-JSON",
                                               "BibLaTeX", "RIS", "DTS API (this document)"]
    for href in hrefs:
        assert (built / DOC / href).resolve().is_file(), href
    alternates = page.evaluate(
        "Array.from(document.querySelectorAll('link[rel=alternate]'), l => l.getAttribute('href'))")
    assert alternates == hrefs
    witness = page.locator("nav.topbar li.witness a[rel=external]")
    assert witness.get_attribute("href") == "https://www.marxists.org/archive/deutscher/1959/stalins-ghost.htm"


def test_about_this_edition_comes_from_the_header(browser: Any, built: Path) -> None:
    from lxml import etree

    from conftest import EDITION

    header = etree.parse(str(EDITION))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    page = page_of(browser, built)
    about = page.locator("#about").inner_text()
    first = " ".join(str(header.xpath("string(//t:editorialDecl/t:correction/t:p[1])", namespaces=ns)).split())
    assert first[:80] in " ".join(about.split())
    assert "Metonymy" in about and "Version 1.0.0" in about and f"Version {EDITION_VERSION}" in about
    assert "Creative Commons Attribution-ShareAlike 4.0" in about and "(Deutscher, par. 12)" in about


# ------------------------------------------------------------------ 6. indexes

def test_indexes_sort_persons_by_surname_and_land_on_the_mention(browser: Any, built: Path) -> None:
    page = page_of(browser, built)
    names = page.locator("#index-person .entry-name").all_inner_texts()
    # By surname: the last word, but for names whose surname comes first (the register marks it:
    # Mao Zedong, Zhou Enlai) and a regnal name.
    first_is_surname = {"Mao Zedong", "Zhou Enlai", "Napoleon I"}
    surnames = [n.split()[0] if n in first_is_surname else n.split()[-1] for n in names]
    assert surnames == sorted(surnames, key=str.lower), surnames
    assert names.index("Mao Zedong") < names.index("Vyacheslav Molotov")  # M, not Z
    assert "(single source)" in page.locator(".index-key").first.inner_text()
    page.locator("#entry-mao_zedong .entry-passages a").first.click()
    target = page.evaluate("document.querySelector(':target')")
    assert target is not None
    assert page.evaluate("document.querySelector(':target').classList.contains('mention')")
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert "(1959–1965) (1959" not in page.locator("#indexes").inner_text()


# ------------------------------------------------------------------ 7. print

def test_print_keeps_heads_with_text_and_puts_the_address_on_every_page(browser: Any, built: Path,
                                                                         tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    need(pdftotext is not None, "pdftotext is not installed (apt-get install poppler-utils)")
    page = page_of(browser, built)
    pdf = tmp_path / "edition.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=False)
    text = subprocess.run([str(pdftotext), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 5
    url = f"https://teikit.example.org/{DOC}/"
    for i, sheet in enumerate(pages, 1):
        assert url in sheet and f"version {EDITION_VERSION}" in sheet, i
        assert re.search(rf"\b{i} / {len(pages)}\b", sheet), i
        lines = [ln.strip() for ln in sheet.strip().splitlines() if ln.strip() and url not in ln]
        assert lines and not lines[-1].startswith(("Revision and Revolt", "The Skeleton Battle")), i
    assert "<https://www.wikidata.org/wiki/Q5816>" in text.replace("\n", "")  # link targets printed


# ------------------------------------------------------------------ 9. landing page

def test_the_site_root_is_a_landing_page(browser: Any, built: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto((built / "index.html").as_uri())
    page.locator(f"a[href='{DOC}/']").click()
    assert page.url.endswith(f"{DOC}/index.html") or page.url.endswith(f"{DOC}/")
    context.close()


# ------------------------------------------------------------------ budgets: weight, axe in every state

def test_page_weight_is_within_budget_and_nothing_is_fetched_elsewhere(built: Path) -> None:
    html = (built / DOC / "index.html").read_bytes()
    weight = len(html) + sum((built / "assets" / name).stat().st_size for name in ("teikit.css", "teikit.js"))
    assert weight <= 160 * 1024, weight
    assert not re.search(rb'(src|href)="(https?:)?//[^"]*\.(css|js|woff2?)', html)


@pytest.mark.parametrize("state", ["panel", "dark", "phone", "no-js", "citation", "note"])
def test_axe_finds_no_violations_in_each_state(browser: Any, built: Path, state: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"panel": {}, "dark": {"color_scheme": "dark"},
                               "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
                               "no-js": {}, "citation": {}, "note": {}}[state]
    if state == "no-js":
        # axe itself is JavaScript: the page is checked as it is without teikit.js (blocked).
        context = browser.new_context()
        context.route("**/teikit.js", lambda route: route.abort())
        with served(built) as url:
            page = context.new_page()
            page.goto(f"{url}/{DOC}/index.html")
            assert page.evaluate("document.querySelectorAll('.tk-panel').length") == 0
            results = Axe().run(page)
            context.close()
        assert results.response["violations"] == [], results.generate_report()
        return
    page = page_of(browser, built, **options)
    if state in ("panel", "dark", "phone"):
        page.locator("#p22 a.mention").first.click()
    if state == "citation":
        page.locator("#p12 .permalink").click()
    if state == "note":
        page.locator("#ref-n-rousset-p17-univers").click()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
