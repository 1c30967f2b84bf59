"""Citations follow the source description (issue 20, point 4).

A document's CSL type and fields come from its header: a magazine, journal or newspaper article,
a book, a chapter, a letter (its sender, recipient and date), a manuscript, a web page, or a
born-digital document.  For each, teikit's formatted citation must equal citeproc-js's (Zotero's
processor) for the exported item, in every style, as the edition's own citations do
(tests/test_clients.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from teikit.cite import STYLES, csl_items, export_items, format_citation
from teikit.load import Corpus
from test_clients import citeproc_js, tidy_html

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="doc" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{title}</title>
        <author>Ada Editor</author>
      </titleStmt>
      <publicationStmt>
        <publisher>The Test Edition</publisher>
        <date when="2026-01-15">2026</date>
      </publicationStmt>
      <sourceDesc>
        {source}
      </sourceDesc>
    </fileDesc>
    {profile}
  </teiHeader>
  <text><body><div><p>Text.</p></div></body></text>
</TEI>
"""

ARTICLE = """<biblStruct type="{kind}">
          <analytic>
            <title level="a">On Reading Slowly</title>
            <author><persName><forename>Jane</forename> <surname>Doe</surname></persName></author>
          </analytic>
          <monogr>
            <title level="j">{container}</title>
            <imprint>
              <pubPlace>London</pubPlace>
              <date when="1921-03-04">4 March 1921</date>
              <biblScope unit="volume">12</biblScope>
              <biblScope unit="issue">3</biblScope>
              <biblScope unit="page" from="45" to="67">45–67</biblScope>
            </imprint>
          </monogr>
        </biblStruct>"""

CASES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    # name: (title, sourceDesc, profileDesc, expected CSL fields)
    "article-journal": ("On Reading Slowly", ARTICLE.format(kind="", container="The Quarterly Review"), "",
                        {"type": "article-journal", "container-title": "The Quarterly Review",
                         "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[1921, 3, 4]]},
                         "volume": "12", "issue": "3", "page": "45–67"}),
    "article-magazine": ("On Reading Slowly", ARTICLE.format(kind="magazine", container="The Reporter"), "",
                         {"type": "article-magazine", "container-title": "The Reporter"}),
    "article-newspaper": ("On Reading Slowly", ARTICLE.format(kind="newspaper", container="The Times"), "",
                          {"type": "article-newspaper", "container-title": "The Times"}),
    "book": ("A Short History", """<biblStruct>
          <monogr>
            <author>Smith, John</author>
            <title level="m">A Short History</title>
            <imprint>
              <pubPlace>Boston</pubPlace><publisher>Ginn and Company</publisher><date when="1881">1881</date>
            </imprint>
          </monogr>
        </biblStruct>""", "", {"type": "book", "author": [{"family": "Smith", "given": "John"}],
                               "publisher": "Ginn and Company", "publisher-place": "Boston",
                               "issued": {"date-parts": [[1881]]}}),
    "chapter": ("The Garden", """<biblStruct>
          <analytic><author>Mary Roe</author><title level="a">The Garden</title></analytic>
          <monogr>
            <title level="m">Collected Essays</title>
            <editor>Ann Lee</editor>
            <imprint><publisher>Small Press</publisher><date when="1950">1950</date></imprint>
            <biblScope unit="page">10–20</biblScope>
          </monogr>
        </biblStruct>""", "", {"type": "chapter", "container-title": "Collected Essays",
                               "editor": [{"family": "Lee", "given": "Ann"}], "page": "10–20",
                               "author": [{"family": "Roe", "given": "Mary"}]}),
    "letter": ("Letter to Arthur Schnitzler, 11 February 1900", "<p>The autograph letter.</p>", """<profileDesc>
      <correspDesc>
        <correspAction type="sent">
          <persName>Goldmann, Paul</persName>
          <placeName>Berlin</placeName>
          <date when="1900-02-11">11. 2. 1900</date>
        </correspAction>
        <correspAction type="received">
          <persName>Schnitzler, Arthur</persName>
        </correspAction>
      </correspDesc>
    </profileDesc>""", {"type": "letter", "author": [{"family": "Goldmann", "given": "Paul"}],
                          "recipient": [{"family": "Schnitzler", "given": "Arthur"}],
                          "issued": {"date-parts": [[1900, 2, 11]]}}),
    "manuscript": ("A Commonplace Book", """<msDesc>
          <msIdentifier>
            <settlement>Oxford</settlement>
            <repository>Bodleian Library</repository>
            <idno>MS. Eng. misc. e. 1</idno>
          </msIdentifier>
          <history><origin><origDate when="1750">c. 1750</origDate></origin></history>
        </msDesc>""", "", {"type": "manuscript", "archive": "Bodleian Library",
                           "archive_location": "MS. Eng. misc. e. 1", "archive-place": "Oxford",
                           "issued": {"date-parts": [[1750]]}}),
    "webpage": ("A Page", """<biblStruct type="webpage">
          <monogr>
            <title level="m">A Page</title>
            <idno type="URI">https://example.org/page</idno>
          </monogr>
        </biblStruct>""", "", {"type": "webpage"}),
    "document": ("Notes of the Editors", "<p>Born digital.</p>", "",
                 {"type": "document", "author": [{"family": "Editor", "given": "Ada"}],
                  "issued": {"date-parts": [[2026, 1, 15]]}, "source": "The Test Edition"}),
}


def _item(tmp_path: Path, case: str) -> dict[str, Any]:
    title, source, profile, _ = CASES[case]
    folder = tmp_path / case
    folder.mkdir()
    (folder / "doc.xml").write_text(HEADER.format(title=title, source=source, profile=profile), encoding="utf-8")
    corpus = Corpus.discover(folder)
    return csl_items(corpus.load_document(corpus.document_paths[0]), corpus, "https://example.org/")[0]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_csl_type_and_fields_follow_the_source_description(tmp_path: Path, case: str) -> None:
    item = _item(tmp_path, case)
    expected = CASES[case][3]
    assert {k: item.get(k) for k in expected} == expected, json.dumps(item, indent=1, ensure_ascii=False)
    assert item["title"] == CASES[case][0]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_type_is_cited_as_citeproc_js_cites_it(tmp_path: Path, style: str) -> None:
    """One citeproc-js run per style for every type, as citation and as bibliography entry, plain
    and HTML; for three types also a passage (a paragraph as the locator: the edition's own tests
    cite passages of every kind).  citeproc-js takes ~0.7 s to build an engine per case."""
    runs = []
    for case in sorted(CASES):
        item = _item(tmp_path, case)
        exported = json.loads(json.dumps(export_items([item])))
        cites = [("work", {"id": item["id"]})]
        if case in ("book", "chapter", "letter"):
            cites.append(("passage", {"id": item["id"], "locator": "3", "label": "paragraph"}))
        for name, cite in cites:
            runs.append((case, name, item, cite, {"items": exported, "cite": cite}))
    oracle = citeproc_js(style, [run[-1] for run in runs])
    mismatches = []
    for (case, name, item, cite, _), expected in zip(runs, oracle, strict=True):
        ours = {**item, **{k: v for k, v in cite.items() if k != "id"}}
        for html in (False, True):
            citation, entry = format_citation(ours, style, html=html)
            want = expected["html" if html else "text"]
            want_entry = tidy_html(want["bibliography"][0]) if html else want["bibliography"][0]
            for kind, got, exp in (("citation", citation, want["citation"]), ("bibliography", entry, want_entry)):
                if got != exp:
                    mismatches.append(f"{case} {name} {kind} {'html' if html else 'text'}:\n  teikit {got}\n"
                                      f"  js     {exp}")
    assert not mismatches, "\n".join(mismatches)
