"""Output formats (issue 19): EPUB 3 and PDF read by their real checkers and readers, the choice of
formats and its incremental state, and the registry the engine reads (a format added in a test)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import EDITION, TEI_DIR, epubcheck_report, need
from teikit import formats
from teikit.formats import Format
from teikit.passages import passage_text
from teikit.publish import BuildOptions, build

DOC = "deutscher-1959-khrushchev-mao"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XHTML = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _paragraphs() -> list[tuple[str, str]]:
    tree = etree.parse(str(EDITION))
    return [(p.get(XML_ID), passage_text(p)) for p in tree.iterfind(f".//{TEI}body//{TEI}p")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("formats") / "site"
    build(TEI_DIR, out, BuildOptions(formats=("html", "epub", "pdf")))
    return out


# ------------------------------------------------------------------ EPUB

def _epub(site: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(site / DOC / f"{DOC}.epub")


def test_epubcheck_reports_no_error_and_no_warning(site: Path) -> None:
    report = epubcheck_report(site / DOC / f"{DOC}.epub")
    assert "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" in report, report
    assert "Check finished with errors" not in report


def test_the_epub_container_is_as_the_ocf_requires(site: Path) -> None:
    with _epub(site) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_epub_keeps_passages_notes_and_links_both_ways(site: Path) -> None:
    with _epub(site) as zf:
        text = etree.fromstring(zf.read("EPUB/text.xhtml"))
        back = etree.fromstring(zf.read("EPUB/back.xhtml"))
        nav = etree.fromstring(zf.read("EPUB/nav.xhtml"))
    ids = [p.get("id") for p in text.iterfind(".//h:p[@id]", XHTML)]
    assert ids == [pid for pid, _ in _paragraphs()]
    for p in text.iterfind(".//h:p[@id]", XHTML):  # each paragraph's words, after its ¶ number
        number = p.find("h:span[@class='pnum']", XHTML)
        assert number is not None and number.text.strip() == "¶" + p.get("id")[1:]
    # The navigation document lists the sections.
    toc = [a.text for a in nav.iterfind(".//h:nav[@epub:type='toc']//h:a", XHTML)]
    assert "Revision and Revolt" in toc and toc[0] == "Title page"
    back_ids = {el.get("id") for el in back.iter() if el.get("id")}
    text_ids = {el.get("id") for el in text.iter() if el.get("id")}
    # Every note marker is a noteref to an endnote, which links back to the marker.
    refs = text.findall(".//h:a[@epub:type='noteref']", XHTML)
    assert len(refs) >= 20
    for ref in refs:
        assert ref.get("href").split("#")[1] in back_ids
    for link in back.iterfind(".//h:a[@role='doc-backlink']", XHTML):
        assert link.get("href").split("#")[1] in text_ids
    # Mentions link to their register entries; each entry links back to every mention.
    mentions = [a for a in text.iterfind(".//h:a[@href]", XHTML) if "#entry-" in a.get("href")]
    assert mentions and all(a.get("href").split("#")[1] in back_ids for a in mentions)
    shelepin = back.find(".//h:li[@id='entry-alexander_shelepin']", XHTML)
    assert shelepin is not None
    back_links = [a.get("href") for a in shelepin.iterfind("h:a", XHTML)]
    assert len(back_links) == 1 and back_links[0].startswith("text.xhtml#m-p17-")
    for a in back.iterfind(".//h:a[@href]", XHTML):
        if a.get("href").startswith("text.xhtml#"):
            assert a.get("href").split("#")[1] in text_ids, a.get("href")


def test_the_epub_metadata_says_what_the_edition_is(site: Path) -> None:
    with _epub(site) as zf:
        opf = etree.fromstring(zf.read("EPUB/package.opf"))
    meta = opf.find("opf:metadata", OPF)
    dc = {etree.QName(el).localname: el.text for el in meta if etree.QName(el).namespace == OPF["dc"]}
    assert dc["title"] == "Khrushchev, Mao and Stalin’s Ghost" and dc["creator"] == "Isaac Deutscher"
    assert dc["language"] == "en" and dc["identifier"] == f"https://teikit.example.org/{DOC}/"
    assert "The Reporter" in dc["source"] and "19 February 1959" in dc["source"]
    assert dc["rights"] and "version" in dc["description"]
    props: dict[str, list[str]] = {}
    for el in meta.iterfind("opf:meta", OPF):
        props.setdefault(el.get("property") or "", []).append(el.text or "")
    assert props["schema:version"] == [re.search(r'<edition n="([^"]+)"', EDITION.read_text()).group(1)]
    assert props["schema:accessMode"] == ["textual"] and props["schema:accessibilityHazard"] == ["none"]
    assert {"structuralNavigation", "tableOfContents"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilitySummary"] and props["dcterms:conformsTo"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", props["dcterms:modified"][0])


# ------------------------------------------------------------------ PDF

def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    need(found is not None, f"poppler-utils is not installed ({tool}; apt-get install poppler-utils)")
    assert found is not None
    return found


def test_the_pdf_text_holds_every_paragraph_in_order(site: Path) -> None:
    text = subprocess.run([_poppler("pdftotext"), str(site / DOC / f"{DOC}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    # Words as runs of letters or of digits: a footnote call ("Party¹", extracted as "Party1") is a
    # word of its own, between the text's words.
    token = re.compile(r"[^\W\d_]+|\d+")
    # pdftotext joins a word hyphenated at a line's end ("re-" + "Stalinisation"): hyphens are left
    # out of both texts.
    words = token.findall(text.replace("-", ""))
    at = 0
    for pid, para in _paragraphs():
        for word in token.findall(para.replace("-", "")):
            try:
                at = words.index(word, at) + 1  # in order: running heads and footnotes may come between
            except ValueError:
                pytest.fail(f"{pid}: {word!r} is missing after word {at} of the PDF's text")
    assert "Stable address: https://teikit.example.org/" in text and "version" in text


def test_the_pdf_has_bookmarks_metadata_embedded_fonts_and_tags(site: Path) -> None:
    pdf = site / DOC / f"{DOC}.pdf"
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == "Khrushchev, Mao and Stalin’s Ghost"
    assert fields["Author"].strip() == "Isaac Deutscher" and fields["Tagged"].strip() == "yes"
    assert int(fields["Pages"]) >= 5
    fonts = subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    titles: list[str] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    heads = [el.xpath("string(.)").strip()
             for el in etree.parse(str(EDITION)).iterfind(f".//{TEI}body/{TEI}div/{TEI}head")]
    assert titles[0] == "Khrushchev, Mao and Stalin’s Ghost" and all(h in titles for h in heads)
    xmp = reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else b""
    assert b'pdfuaid:part="1"' in xmp


def test_epub_and_pdf_are_byte_identical_across_builds(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(TEI_DIR, again, BuildOptions(formats=("epub", "pdf")))
    for name in (f"{DOC}.epub", f"{DOC}.pdf"):
        assert (again / DOC / name).read_bytes() == (site / DOC / name).read_bytes(), name


def test_both_are_offered_in_the_downloads_the_alternates_and_the_site_index(site: Path) -> None:
    page = (site / DOC / "index.html").read_text(encoding="utf-8")
    for ext, kind in (("epub", "application/epub+zip"), ("pdf", "application/pdf")):
        assert f'<link rel="alternate" type="{kind}" href="{DOC}.{ext}"' in page
        assert f'<a href="{DOC}.{ext}" type="{kind}">' in page
        assert f'href="{DOC}/{DOC}.{ext}"' in (site / "index.html").read_text(encoding="utf-8")
    # A format not built is not offered.
    assert f"{DOC}.ris" not in page and f"{DOC}.txt" not in page


# ------------------------------------------------------------------ choosing formats

def test_switching_formats_renders_only_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(TEI_DIR, out, BuildOptions(formats=("html", "text")))
    assert sorted(p.name for p in (out / DOC).iterdir()) == [f"{DOC}.txt", "index.html"]
    text = (out / DOC / f"{DOC}.txt").stat().st_ino
    assert f'href="{DOC}.epub"' not in (out / DOC / "index.html").read_text(encoding="utf-8")
    build(TEI_DIR, out, BuildOptions(formats=("html", "text", "epub")))
    assert (out / DOC / f"{DOC}.epub").is_file()
    assert (out / DOC / f"{DOC}.txt").stat().st_ino == text  # kept (linked), not rendered again
    # The page is rendered again: its downloads menu now offers the EPUB.
    assert f'href="{DOC}.epub"' in (out / DOC / "index.html").read_text(encoding="utf-8")
    assert build(TEI_DIR, out, BuildOptions(formats=("html", "text", "epub"))).up_to_date
    build(TEI_DIR, out, BuildOptions(formats=("text",)))
    assert sorted(p.name for p in (out / DOC).iterdir()) == [f"{DOC}.txt"]  # what is not chosen goes


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "teikit.cli", "build", "--tei-dir", str(TEI_DIR), "--out",
                           str(tmp_path / "o"), "--formats", "html,mobi"], capture_output=True, text=True)
    assert proc.returncode == 2 and "mobi" in proc.stderr and "epub" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_a_format_added_in_one_registry_line_is_built_without_touching_the_engine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trivial format (a word count per document, and a total for the site): registered, chosen,
    built, kept on a rebuild, without a line of the engine (teikit.publish) changed."""
    def render(ctx: formats.DocContext) -> list[str]:
        return [ctx.write(f"{ctx.doc.id}/{ctx.doc.id}.words", str(len(" ".join(
            passage_text(p) for p in ctx.doc.paragraphs()).split())))]

    def site(ctx: formats.SiteContext) -> list[str]:
        total = sum(int((ctx.staging / d.id / f"{d.id}.words").read_text()) for d in ctx.documents)
        return [ctx.write("words.txt", f"{total}\n")]

    registry = dict(formats.registry())
    registry["words"] = Format("words", "word counts", render=render, site=site)
    monkeypatch.setattr(formats, "REGISTRY", registry)
    out = tmp_path / "site"
    build(TEI_DIR, out, BuildOptions(formats=("html", "words"), jobs=1))
    count = int((out / DOC / f"{DOC}.words").read_text())
    assert count == sum(len(text.split()) for _, text in _paragraphs())
    assert (out / "words.txt").read_text() == f"{count}\n"
    assert build(TEI_DIR, out, BuildOptions(formats=("html", "words"), jobs=1)).up_to_date
    engine = (Path(formats.__file__).parent.parent / "publish.py").read_text(encoding="utf-8")
    for name in formats.names():  # the engine names no format
        assert not re.search(rf"""["']{name}["']""", engine), name

