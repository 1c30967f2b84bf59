"""Real TEI documents teikit never saw (issue 20, point 7): each validates with at most warnings
and builds, and each output reads right.

The documents are in ``tests/real/`` (a letter, a diary, a play, a novel, verse, a manuscript
letter; sources and licences beside each in SOURCE.md).  What "reads right" is checked against
the TEI itself, read here with lxml, and the outputs read the way their clients read them: the
page parsed as a browser parses it (html5lib), the PDF's text as pdftotext extracts it, the EPUB
checked by EPUBCheck.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import html5lib
import pytest
from lxml import etree

from conftest import epubcheck_report, need
from teikit.publish import BuildOptions, build
from teikit.validate import iter_errors

REAL = Path(__file__).parent / "real"
DOCS = sorted(p.name for p in REAL.iterdir() if p.is_dir())
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XHTML = "{http://www.w3.org/1999/xhtml}"
# What the reading text leaves out: the editor's alternatives and notes, what the author struck
# out, the page's furniture (running heads, catchwords).
# Elements that stand apart from their neighbours (no word runs across their edges).
BLOCKS = {"p", "ab", "l", "lg", "head", "div", "sp", "speaker", "stage", "item", "label", "list", "table", "row",
          "cell", "opener", "closer", "dateline", "salute", "signed", "postscript", "quote", "trailer", "byline",
          "docAuthor", "titlePart", "figure", "address", "addrLine", "castItem"}
# Blocks whose segments are lines of their own (a letterhead in an opener).
LINED = ("opener", "closer", "address", "dateline")
LEFT_OUT = {f"{{{TEI['t']}}}{n}" for n in ("note", "corr", "reg", "expan", "del", "fw", "surplus")}


def test_there_are_six_documents_each_with_its_source_and_licence() -> None:
    assert len(DOCS) == 6
    for name in DOCS:
        source = (REAL / name / "SOURCE.md").read_text(encoding="utf-8")
        assert re.search(r"(?i)licen[cs]e", source) and "github.com" in source.lower(), name
        assert (REAL / name / f"{name}.xml").is_file()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each document in a corpus of its own (no teikit.toml: the default profile), built with every
    default output; name -> (its output folder, its document ID)."""
    out: dict[str, tuple[Path, str]] = {}
    for name in DOCS:
        corpus = tmp_path_factory.mktemp(name) / "tei"
        corpus.mkdir()
        shutil.copy(REAL / name / f"{name}.xml", corpus)
        site = corpus.parent / "site"
        result = build(corpus, site, BuildOptions(jobs=1))
        out[name] = (site, result.documents[0])
    return out


@pytest.mark.parametrize("name", DOCS)
def test_it_validates_with_at_most_warnings(name: str) -> None:
    errors = [str(p) for p in iter_errors(REAL / name / f"{name}.xml") if p.severity == "error"]
    assert errors == []


def _body(name: str) -> etree._Element:
    tree = etree.parse(str(REAL / name / f"{name}.xml"))
    body = tree.find(".//t:text/t:body", TEI)
    assert body is not None
    return body


# The page and the PDF show what the author struck out, struck through (as TEI displays do).
SHOWN_STRUCK = LEFT_OUT - {f"{{{TEI['t']}}}del"}


def _words(el: etree._Element, left_out: set[str] = LEFT_OUT) -> list[str]:
    """The reading text's words of an element, from the TEI: its text but what is left out, a
    break between words where TEI has one (lb, pb, cb without break="no")."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag in left_out:
            return
        local = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if (local in ("lb", "pb", "cb") and node.get("break") != "no") or local in BLOCKS:
            parts.append(" ")
        elif local in ("gap", "space") or (local == "seg" and node.getparent() is not None
                                           and etree.QName(node.getparent()).localname in LINED):
            parts.append(" ")  # a word boundary; a letterhead's segment is a line of its own
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")
        if local in BLOCKS:
            parts.append(" ")

    walk(el)
    # Hyphens are left out of both sides: a PDF may hyphenate a word at a line's end.
    text = re.sub(r"\s+", " ", "".join(parts)).replace("-", "")
    return re.findall(r"[^\W\d_]+|\d+", text)


def _in_order(words: list[str], text: str, what: str) -> None:
    # A word hyphenated at a line's end (the PDF's) is one word again; other hyphens are left out.
    found = re.findall(r"[^\W\d_]+|\d+", re.sub(r"-\s*\n\s*", "", text).replace("-", ""))
    at = 0
    for word in words:
        try:
            at = found.index(word, at) + 1
        except ValueError:
            pytest.fail(f"{what}: {word!r} is missing after word {at}")


@pytest.mark.parametrize("name", DOCS)
def test_the_plain_text_has_every_word_of_the_body_in_order(built: dict[str, tuple[Path, str]], name: str) -> None:
    site, ident = built[name]
    text = (site / ident / f"{ident}.txt").read_text(encoding="utf-8")
    _in_order(_words(_body(name)), text, f"{name} plain text")
    assert not re.search(r"\n[ \t]+\S", text), "no indentation from the XML in the text"


def _page(site: Path, ident: str) -> etree._Element:
    """The reading page as a browser's parser builds it."""
    html = (site / ident / "index.html").read_bytes()
    return html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=True)


def _classes(page: etree._Element, cls: str) -> list[etree._Element]:
    return [el for el in page.iter() if isinstance(el.tag, str) and cls in (el.get("class") or "").split()]


@pytest.mark.parametrize("name", DOCS)
def test_the_page_shows_page_breaks_speakers_verse_lines_and_notes(built: dict[str, tuple[Path, str]],
                                                                   name: str) -> None:
    site, ident = built[name]
    page = _page(site, ident)
    tree = etree.parse(str(REAL / name / f"{name}.xml"))
    text = tree.find(".//t:text", TEI)
    assert text is not None

    def count(xpath: str) -> int:
        return len(text.xpath(xpath, namespaces=TEI))

    # every page break of the text, as a margin mark carrying its number (drawn by CSS)
    marks = _classes(page, "pb")
    assert len(marks) == count(".//t:pb[not(ancestor::t:note)]")
    assert [m.get("data-n") for m in marks] == [pb.get("n", "") for pb in text.xpath(".//t:pb[not(ancestor::t:note)]",
                                                                                       namespaces=TEI)]
    assert len(_classes(page, "speaker")) == count(".//t:speaker")
    assert len(_classes(page, "l")) == count(".//t:l")
    assert len(_classes(page, "stage")) == count(".//t:stage[not(ancestor::t:note)]")
    notes = count(".//t:note[not(ancestor::t:note)][not(ancestor::t:back) or ancestor::t:div]")
    footnotes = page.find(f".//{XHTML}section[@class='footnotes']")
    assert (len(footnotes.findall(f".//{XHTML}li")) if footnotes is not None else 0) == notes
    assert len(_classes(page, "footnote-ref")) == notes
    # the body's words, in order, in the page's text
    article = next(el for el in _classes(page, "reading-text"))
    _in_order(_words(_body(name), SHOWN_STRUCK), _visible_text(article), f"{name} page")


# HTML elements a browser lays out as blocks (its innerText puts a line break at their edges).
HTML_BLOCKS = {"p", "div", "section", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
               "figcaption", "table", "tr", "td", "th", "caption", "br", "article"}


def _visible_text(el: etree._Element) -> str:
    """The text a reader sees, roughly as innerText gives it: no break inside a word that markup
    splits, a break at each block's edges."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        local = etree.QName(node).localname if isinstance(node.tag, str) else ""
        block = local in HTML_BLOCKS
        parts.append(" " if block else "")
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")
        parts.append(" " if block else "")

    walk(el)
    return "".join(parts)


@pytest.mark.parametrize("name", DOCS)
def test_the_pdf_text_has_every_word_of_the_body_in_order(built: dict[str, tuple[Path, str]], name: str) -> None:
    pdftotext = shutil.which("pdftotext")
    need(pdftotext is not None, "poppler's pdftotext is not installed (apt-get install poppler-utils)")
    site, ident = built[name]
    # -layout: lines in reading order (a justified line's wide gap is not taken for a column); the
    # ¶ numbers and page numbers ("p. 62", drawn from pb) in the margins are not the text.
    text = subprocess.run([str(pdftotext), "-layout", str(site / ident / f"{ident}.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = re.sub(r"¶\s*\d+|\bp\. [0-9ivxlcdm]+\b", " ", text)
    text = re.sub(r"(?m)^\s*\d+(\s*/\s*\d+)?\s*$", "", text)  # the page's own number, in its footer
    _in_order(_words(_body(name), SHOWN_STRUCK), text, f"{name} PDF")


@pytest.mark.parametrize("name", DOCS)
def test_epubcheck_passes_the_epub(built: dict[str, tuple[Path, str]], name: str) -> None:
    site, ident = built[name]
    epub = site / ident / f"{ident}.epub"
    with zipfile.ZipFile(epub) as z:
        assert "EPUB/text.xhtml" in z.namelist()
    report = epubcheck_report(epub)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


@pytest.mark.parametrize("name", DOCS)
def test_every_passage_is_in_the_dts_navigation(built: dict[str, tuple[Path, str]], name: str) -> None:
    import json

    site, _ = built[name]
    files = list((site / "api").rglob("*.json")) + list((site / "api").rglob("*.jsonld"))
    assert files, "the static DTS API was written"
    from teikit.load import Corpus
    from teikit.passages import PassageIndex

    corpus = Corpus.discover(REAL / name / f"{name}.xml")
    index = PassageIndex(corpus.load_document(corpus.document_paths[0]))
    assert index.passages, "the document has passages"
    listed: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        if '"member"' in text and '"identifier"' in text and "Navigation" in text:
            data = json.loads(text)
            listed |= {m["identifier"] for m in data.get("member", []) if isinstance(m, dict) and "identifier" in m}
    assert {p.id for p in index.passages} <= listed
