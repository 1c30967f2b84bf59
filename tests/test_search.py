"""The static search (issue 18): what is indexed, facets from the markup, determinism, incremental
builds, and a reader's searches in Debian's Chromium against the built site on a local server."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import cbor2
import pytest
from lxml import etree, html

from conftest import EDITION, ROOT, TEI_DIR, served
from teikit.errors import OutputError
from teikit.formats import search
from teikit.load import Corpus
from teikit.passages import passage_text
from teikit.publish import BuildOptions, build

DOC = "deutscher-1959-khrushchev-mao"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _tei() -> etree._ElementTree:
    return etree.parse(str(EDITION))


def _mentioning(entry: str) -> list[str]:
    """The passages whose markup points at a register entry: computed from the TEI with lxml."""
    ns = {"tei": TEI[1:-1]}
    return [p.get(XML_ID) for p in _tei().iterfind(".//tei:body//tei:p", ns)
            if any(f"#{entry}" in el.get("ref", "").split() or el.get("ref", "").endswith(f"#{entry}")
                   for el in p.iter() if isinstance(el.tag, str) and el.get("ref"))]


def _containing(word: str) -> list[str]:
    """The passages whose reading text contains a word (case-insensitive, as a word)."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
    return [p.get(XML_ID) for p in _tei().iter(f"{TEI}p")
            if p.get(XML_ID, "").startswith("p") and pattern.search(passage_text(p))]


def _fragments(site: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((site / "pagefind" / "fragment").iterdir()):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        out.append(json.loads(raw[12:]))
    return out


# ------------------------------------------------------------------ what is indexed

def test_the_record_holds_the_reading_text_by_passage_and_no_chrome(built: Path) -> None:
    record = html.fromstring((built / search.record_path(DOC)).read_bytes())
    body = record.find(".//main")
    anchors = [h.get("id") for h in body.iter("h3")]
    ids = [p.get(XML_ID) for p in _tei().iterfind(f".//{TEI}body//{TEI}p")]
    assert anchors == ids and len(ids) == 31
    for h in body.iter("h3"):  # each passage's words are the reading text, exactly
        assert h.getnext().text_content() == passage_text(_tei().find(f".//{TEI}p[@{XML_ID}='{h.get('id')}']"))
    text = body.text_content()
    for chrome in ("Copy citation", "Download", "Layers", "How to cite", "Mentioned in", "Contents"):
        assert chrome not in text
    notes = [h.get("id") for h in body.iter("h4")]
    assert len(notes) == len(_tei().findall(f".//{TEI}back//{TEI}note")) == 20


def test_facets_and_mentions_come_from_the_markup(built: Path) -> None:
    record = html.fromstring((built / search.record_path(DOC)).read_bytes())
    meta = {el.get("data-pagefind-meta"): el.text_content() for el in record.iter() if el.get("data-pagefind-meta")}
    mentions = json.loads(meta["mentions"])
    assert mentions["person"]["Nikita Khrushchev"] == _mentioning("nikita_khrushchev")
    assert mentions["person"]["Alexander Shelepin"] == _mentioning("alexander_shelepin") == ["p17"]
    assert mentions["place"]["Beijing"] == _mentioning("beijing")
    # Every value of a facet is a register entry's preferred name, never a string found in the text.
    register = etree.parse(str(TEI_DIR / "register.xml"))
    names = {search.preferred_name(e) for e in register.iter(f"{TEI}person", f"{TEI}place", f"{TEI}org", f"{TEI}event")}
    values = {el.text_content() for el in record.iter() if el.get("data-pagefind-filter") in
              ("person", "place", "organisation", "event")}
    assert values <= names and "Nikita Khrushchev" in values
    assert "Khrushchev" not in values  # the words of the text are not facet values
    years = mentions["year"]
    assert "1956" in years and all(re.fullmatch(r"\d{4}", y) for y in years)


def test_register_entries_are_records_of_their_own(built: Path) -> None:
    folder = built / search.RECORDS / "register"
    entry = html.fromstring((folder / "alexander_shelepin.html").read_bytes())
    meta = {el.get("data-pagefind-meta"): el.text_content() for el in entry.iter() if el.get("data-pagefind-meta")}
    assert meta["kind"] == "register" and meta["url"] == f"/{DOC}/" and meta["title"] == "Alexander Shelepin"
    assert entry.find(".//h5").get("id") == "entry-alexander_shelepin"
    used = len(list(folder.iterdir()))
    register = etree.parse(str(TEI_DIR / "register.xml"))
    entries = [e for e in register.iter(f"{TEI}person", f"{TEI}place", f"{TEI}org", f"{TEI}event")]
    assert 0 < used <= len(entries)


def test_the_published_index_holds_every_record_and_no_unused_bundle(built: Path) -> None:
    fragments = _fragments(built)
    urls = sorted(f.get("meta", {}).get("url") or f["url"] for f in fragments)
    assert urls.count(f"/{DOC}/") == len(fragments)  # the document, and each entry linked into it
    assert len(fragments) == 1 + len(list((built / search.RECORDS / "register").iterdir()))
    assert not any((built / "pagefind" / name).exists() for name in search._UNUSED)
    assert (built / "search" / "index.html").is_file() and (built / "assets" / "search.js").is_file()


# ------------------------------------------------------------------ deterministic, atomic, incremental

def test_two_builds_write_identical_index_files(tmp_path: Path, built: Path) -> None:
    other = tmp_path / "again"
    build(TEI_DIR, other)
    first = {p.relative_to(built): p.read_bytes() for p in (built / "pagefind").rglob("*") if p.is_file()}
    second = {p.relative_to(other): p.read_bytes() for p in (other / "pagefind").rglob("*") if p.is_file()}
    assert first == second


def test_canonical_undoes_the_engines_random_filter_order(tmp_path: Path, built: Path) -> None:
    """Pagefind writes filter values in a per-run random order (the reason for canonical()): write
    them in another order under other names, as another run would, and canonical() restores the bytes."""
    copy = tmp_path / "pagefind"
    shutil.copytree(built / "pagefind", copy)
    entry = json.loads((copy / "pagefind-entry.json").read_text(encoding="utf-8"))
    lang, info = next(iter(entry["languages"].items()))
    meta_path = copy / f"pagefind.{info['hash']}.pf_meta"
    meta = cbor2.loads(gzip.decompress(meta_path.read_bytes())[12:])
    shuffled = []
    for i, (name, old) in enumerate(meta[3]):
        path = copy / "filter" / f"{old}.pf_filter"
        key, values = cbor2.loads(gzip.decompress(path.read_bytes())[12:])
        path.unlink()
        new = f"{lang}_{i:07d}"
        scrambled = gzip.compress(b"pagefind_dcd" + cbor2.dumps([key, values[::-1]]))
        (copy / "filter" / f"{new}.pf_filter").write_bytes(scrambled)
        shuffled.append([name, new])
    meta[3] = shuffled[::-1]
    meta_path.unlink()
    (copy / f"pagefind.{lang}_scrambled.pf_meta").write_bytes(gzip.compress(b"pagefind_dcd" + cbor2.dumps(meta)))
    info["hash"] = f"{lang}_scrambled"
    (copy / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    assert any(values != sorted(values) for values in [[v[0] for v in cbor2.loads(
        gzip.decompress(p.read_bytes())[12:])[1]] for p in (copy / "filter").iterdir()])
    search.canonical(copy)
    bundle = built / "pagefind"
    original = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*") if p.is_file()} == original


def _small_corpus(tmp_path: Path, n: int) -> Path:
    dest = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), str(n), str(dest)],
                   check=True, capture_output=True)
    return dest / "tei"


def test_one_changed_document_is_rendered_alone_and_the_index_follows(tmp_path: Path) -> None:
    tei = _small_corpus(tmp_path, 3)
    out = tmp_path / "site"
    options = BuildOptions(formats=("html", "search"), jobs=1)
    build(tei, out, options)
    records = sorted((out / search.RECORDS).glob("deutscher-*/index.html"))
    inodes = {p.parent.name: p.stat().st_ino for p in records}
    assert build(tei, out, options).up_to_date  # a no-op rebuild does not index again
    changed = sorted(tei.glob("deutscher-*.xml"))[1]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(re.sub(r"(<p xml:id=\"p1\"[^>]*>)", r"\1Zanzibarian ", text, count=1), encoding="utf-8")
    result = build(tei, out, options)
    assert [Path(p).name for p in result.rendered] == [changed.name]
    now = {p.parent.name: p.stat().st_ino for p in sorted((out / search.RECORDS).glob("deutscher-*/index.html"))}
    moved = [k for k in inodes if inodes[k] != now[k]]
    assert len(moved) == 1  # the untouched documents' records were linked, not rendered again
    assert sum("Zanzibarian" in f["content"] for f in _fragments(out)) == 1


def test_no_search_writes_no_index_page_or_link(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(TEI_DIR, out, BuildOptions(without=("search", "dts")))
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert not (out / search.RECORDS).exists()
    assert b"search-link" not in (out / DOC / "index.html").read_bytes()


def test_a_missing_engine_is_one_line_and_nothing_is_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    out = tmp_path / "site"
    with pytest.raises(OutputError, match="search engine"):
        build(TEI_DIR, out, BuildOptions(formats=("html", "search")))
    assert not out.exists()
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")}
    proc = subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(TEI_DIR), "--out",
                           str(out), "-q"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "search engine" in proc.stderr and not out.exists()


# ------------------------------------------------------------------ a reader's searches, in Chromium

def _open_search(page: Any, url: str) -> Any:
    page.goto(f"{url}/{DOC}/")
    page.locator("a.search-link").click()
    dialog = page.locator("dialog.tk-search-dialog")
    dialog.locator("input[type=search]").wait_for()
    return dialog


def _listed(scope: Any) -> list[str]:
    """The passage IDs of the results shown, from their links (#p12)."""
    return [h.split("#")[-1] for h in scope.locator("li.tk-passage a").evaluate_all("els => els.map(a => a.href)")]


@pytest.mark.browser
def test_shelepin_finds_his_paragraph_and_lands_on_the_marked_words(browser: Any, built: Path) -> None:
    with served(built) as url:
        page = browser.new_page()
        dialog = _open_search(page, url)
        dialog.locator("input[type=search]").fill("Shelepin")
        dialog.locator("li.tk-result").first.wait_for()
        assert _listed(dialog) == _containing("Shelepin") == ["p17"]
        first = dialog.locator("li.tk-passage").first
        assert first.locator(".tk-where").inner_text().startswith("¶17 · ")
        assert first.locator("mark").all_inner_texts() == ["Shelepin"]
        kinds = dialog.locator("li.tk-result").evaluate_all("els => els.map(e => e.dataset.kind)")
        assert set(kinds) == {"passage", "note", "register"}  # notes and entries, marked as such
        assert "Note" in dialog.locator("li.tk-note .tk-where").inner_text()
        assert "Register entry" in dialog.locator("li.tk-register .tk-where").inner_text()
        first.locator("a").click()
        # The new page's hash is set before its deferred script has marked the words: wait for the
        # document itself to have loaded (a timeout fails the test if it never does).
        page.wait_for_url(f"{url}/{DOC}/?hl=Shelepin#p17", wait_until="load")
        assert page.locator("#p17 mark.tk-hit").all_inner_texts() == ["Shelepin"]
        assert page.locator("mark.tk-hit").count() == 1
        page.close()


@pytest.mark.browser
def test_the_person_facet_alone_lists_every_passage_that_mentions_him_and_no_other(browser: Any, built: Path) -> None:
    with served(built) as url:
        page = browser.new_page()
        page.goto(f"{url}/search/")
        page.locator("details.tk-facet summary", has_text="Persons").click()
        label = page.locator("details.tk-facet label", has_text="Nikita Khrushchev")
        expected = _mentioning("nikita_khrushchev")
        assert label.locator(".tk-count").inner_text() == "1 document"  # the corpus counts documents
        label.locator("input").check()
        page.locator("li.tk-result").first.wait_for()
        page.wait_for_function(f"document.querySelectorAll('li.tk-passage').length === {len(expected)}")
        assert _listed(page) == expected
        assert page.locator("li.tk-note, li.tk-register").count() == 0
        assert "person=Nikita+Khrushchev" in page.url  # the search can be linked
        # In a document, the counts are its passages.
        dialog = _open_search(page, url)
        dialog.locator("details.tk-facet summary", has_text="Persons").click()
        count = dialog.locator("details.tk-facet label", has_text="Alexander Shelepin").locator(".tk-count")
        assert count.inner_text() == "1 passage"
        assert dialog.locator("details.tk-facet label", has_text="Nikita Khrushchev").locator(
            ".tk-count").inner_text() == f"{len(expected)} passages"
        page.close()


@pytest.mark.browser
def test_a_phrase_query_and_a_query_without_results(browser: Any, built: Path) -> None:
    with served(built) as url:
        page = browser.new_page()
        page.goto(f"{url}/search/?q=%22grim+old+policeman%22")
        page.locator("li.tk-result").first.wait_for()
        assert _listed(page) == ["p17"]
        assert page.locator("li.tk-passage mark").all_inner_texts() == ["grim", "old", "policeman"]
        page.goto(f"{url}/search/?q=%22policeman+old+grim%22")  # the same words, not as a phrase
        page.wait_for_function("document.querySelector('.tk-status').textContent.startsWith('No passage')")
        assert page.locator("li.tk-result").count() == 0
        page.goto(f"{url}/search/?q=zzyzzx")
        page.wait_for_function("document.querySelector('.tk-status').textContent.startsWith('No passage')")
        assert page.locator(".tk-status").inner_text() == "No passage matches “zzyzzx”."
        assert page.locator(".tk-status").get_attribute("role") == "status"
        page.close()


@pytest.mark.browser
def test_search_is_usable_from_the_keyboard_and_without_javascript(browser: Any, built: Path) -> None:
    with served(built) as url:
        page = browser.new_page()
        page.goto(f"{url}/{DOC}/")
        page.locator("a.search-link").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.type === 'search'")
        page.keyboard.type("Peking")  # the text's word for Beijing
        page.keyboard.press("Enter")
        page.locator("li.tk-passage").first.wait_for()
        assert _listed(page.locator("dialog")) == _containing("Peking") and len(_containing("Peking")) >= 2
        page.keyboard.press("Escape")
        assert not page.locator("dialog.tk-search-dialog").is_visible()
        assert page.evaluate("document.activeElement.classList.contains('search-link')")
        page.close()
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{url}/{DOC}/")
        page.locator("a.search-link").click()
        assert page.evaluate("location.hash") == "#indexes"
        page.goto(f"{url}/search/")
        page.locator(f"a[href='../{DOC}/#indexes']").click()
        assert page.url.endswith(f"/{DOC}/#indexes")
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["page", "dialog", "phone"])
def test_axe_finds_no_violations_in_search(browser: Any, built: Path, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True} if where == "phone" else {}
    with served(built) as url:
        context = browser.new_context(**options)
        page = context.new_page()
        if where == "dialog":
            dialog = _open_search(page, url)
            dialog.locator("input[type=search]").fill("Mao")
        else:
            page.goto(f"{url}/search/?q=Mao")
        page.locator("li.tk-result").first.wait_for()
        page.locator("details.tk-facet summary").first.click()
        results = Axe().run(page)
        if where == "phone":
            assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        context.close()
    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.browser
def test_searching_a_corpus_of_a_thousand_documents_from_the_site_root(browser: Any, tmp_path: Path) -> None:
    tei = _small_corpus(tmp_path, 1000)
    out = tmp_path / "site"
    build(tei, out, BuildOptions(formats=("html", "search")))
    assert len(_fragments(out)) > 1000
    corpus = Corpus.discover(tei)
    target = corpus.load_document(sorted(corpus.document_paths)[500])
    with served(out) as url:
        page = browser.new_page()
        page.goto(f"{url}/")
        page.locator("a[href='search/']").first.click()
        page.locator("input[type=search]").fill("Shelepin")
        page.wait_for_function("/in \\d+ documents/.test(document.querySelector('.tk-status').textContent)")
        status = page.locator(".tk-status").inner_text()
        assert "more below" in status  # a thousand documents, ten at a time
        assert page.locator("li.tk-passage").count() == 10
        page.locator("button.tk-more").click()
        page.wait_for_function("document.querySelectorAll('li.tk-passage').length === 20")
        # The document facet narrows the corpus to one document by its title.
        page.goto(f"{url}/search/?q=Shelepin&document={target.title.replace(' ', '+')}")
        page.wait_for_function("document.querySelectorAll('li.tk-passage').length === 1")
        assert page.locator("li.tk-passage .tk-doc").inner_text() == target.title
        page.close()
