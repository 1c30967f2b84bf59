"""Edition 1.1.0: the explanatory commentary, the corrections in markup, and what stays stable (issue 16).

The notes are checked against the edition's fact sheet (``../shared/reference/commentary.tsv``):
one note per row, of a type, anchored to words of the passage the row names, citing every source
the row gives through the edition's bibliography.  The passages are checked against the manifest:
every identifier and fingerprint recorded at 1.0.0 still holds, with no revision.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import EDITION, SEED, TEI_DIR, shared

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI}
DOC = "deutscher-1959-khrushchev-mao"


def edition() -> etree._ElementTree:
    return etree.parse(str(EDITION))


def rows() -> list[dict[str, str]]:
    with shared("reference", "commentary.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def passages_of(el: etree._Element) -> set[str]:
    """The passage (paragraph, or section for a head) an element of the text lies in."""
    p = next((a for a in el.iterancestors(f"{{{TEI}}}p")), None)
    if p is not None:
        return {str(p.get("{http://www.w3.org/XML/1998/namespace}id"))}
    div = next(a for a in el.iterancestors(f"{{{TEI}}}div"))
    return {str(div.get("{http://www.w3.org/XML/1998/namespace}id"))}


def test_one_note_per_row_of_the_fact_sheet_anchored_where_the_row_says() -> None:
    tree = edition()
    notes = {n.get("{http://www.w3.org/XML/1998/namespace}id"): n for n in tree.iterfind(".//t:back//t:note", NS)}
    facts = rows()
    assert len(facts) == 20 and set(notes) == {f"n-{row['key']}" for row in facts}
    ids = {el.get("{http://www.w3.org/XML/1998/namespace}id"): el for el in tree.iter() if isinstance(el.tag, str)}
    bibl = {b.get("{http://www.w3.org/XML/1998/namespace}id"): b for b in tree.iterfind(".//t:listBibl/t:bibl", NS)}
    for row in facts:
        note = notes[f"n-{row['key']}"]
        assert note.get("type") in ("explanatory", "contextual", "corrective")
        # Anchored to words of the passage(s) the row explains.
        wanted = set(re.findall(r"\b([ps]\d+)\b", row["passage"]))
        anchored = set().union(*(passages_of(ids[t[1:]]) for t in note.get("target", "").split()))
        assert anchored == wanted, (row["key"], anchored, wanted)
        # Every source of the row, cited through the bibliography.
        cited = " ".join("".join(bibl[s[1:]].itertext()) for s in note.get("source", "").split())
        for source in (s.strip() for s in row["sources"].split("|")):
            url = source.split(" ")[0]
            assert (url if url.startswith("http") else source.split(" (")[0].split(",")[0]) in cited, (row["key"], url)
    # The claims of the article the facts correct get corrective notes.
    assert {k for k, n in notes.items() if n.get("type") == "corrective"} == {"n-rudenko", "n-malinovsky"}


def test_the_notes_state_only_what_their_rows_allow() -> None:
    """The caveats, in the words: no exact day for Humphrey, no 1959 for the Hague rumour but this
    article's, the term 'thaw' derived from the novel, the January 1938 date only as inferred."""
    notes = {n.get("{http://www.w3.org/XML/1998/namespace}id"): " ".join("".join(n.itertext()).split())
             for n in edition().iterfind(".//t:back//t:note", NS)}
    assert "1 December" not in notes["n-humphrey"] and "early December 1958" in notes["n-humphrey"]
    assert "no source but this article places that rumour in 1959" in notes["n-molotov"]
    assert "comes from Ilya Ehrenburg’s novel" in notes["n-thaw"]
    assert "apparently" in notes["n-khrushchev-politburo"]
    assert "1961 or 1962" in notes["n-molotov"]


def test_every_passage_id_and_text_is_as_published_in_1_0_0() -> None:
    from teikit.load import Corpus
    from teikit.passages import PassageIndex, fingerprint

    manifest = json.loads((TEI_DIR / "passages.json").read_text(encoding="utf-8"))["documents"][DOC]
    assert manifest["version"] == "1.1.0"
    corpus = Corpus.discover(TEI_DIR)
    index = PassageIndex(corpus.load_document(EDITION))
    assert sorted(manifest["passages"]) == sorted(p.id for p in index.passages)
    for passage in index.passages:
        record = manifest["passages"][passage.id]
        assert record["since"] == "1.0.0" and "revisions" not in record, passage.id
        assert fingerprint(index, passage) == record["sha256"], passage.id


def test_a_citation_of_paragraph_12_made_against_1_0_0_resolves_to_the_same_words() -> None:
    from test_cli_contract import teikit
    from test_edition import seed_parts

    paragraph = seed_parts()[1][11]  # the twelfth paragraph of the source, which 1.0.0 published as p12
    done = teikit("resolve", "p12", "--tei-dir", str(TEI_DIR))
    assert done.returncode == 0
    assert done.stdout.strip() == "[p12] " + paragraph.strip()


def test_the_reading_text_keeps_the_sources_error_and_the_plain_text_has_no_notes(built: Path) -> None:
    text = (built / DOC / f"{DOC}.txt").read_text(encoding="utf-8")
    assert "Marshal Rodion L Malinovsky" in text and "Ya." not in text
    assert "Notes" not in text and "Rousset" not in text
    assert text.rstrip("\n") == SEED.read_text(encoding="utf-8").rstrip("\n")


def test_the_plain_text_prints_the_notes_when_asked(tmp_path: Path) -> None:
    from teikit.publish import BuildOptions, build

    build(TEI_DIR, tmp_path / "site", BuildOptions(text_notes=True, without=("dts",), jobs=1))
    text = (tmp_path / "site" / DOC / f"{DOC}.txt").read_text(encoding="utf-8")
    body, _, notes = text.partition("\n\nNotes\n\n")
    assert body.rstrip("\n") == SEED.read_text(encoding="utf-8").rstrip("\n")  # the text itself unchanged
    entries = notes.strip().split("\n\n")
    assert len(entries) == 20  # one entry a note (the Tito note names both its places)
    assert entries[0].startswith("¶1 (“The Twenty-First Congress of the Soviet Communist Party”), contextual:")


def test_the_dts_documents_carry_the_notes_as_tei(built: Path) -> None:
    whole = etree.parse(str(built / "api" / "dts" / "document" / f"{DOC}.xml"))
    assert len(whole.findall(".//t:back//t:note", NS)) == 20
    part = etree.parse(str(built / "api" / "dts" / "document" / DOC / "p17.xml"))
    ids = [n.get("{http://www.w3.org/XML/1998/namespace}id") for n in part.findall(".//t:back//t:note", NS)]
    assert ids == ["n-rousset", "n-shelepin-kgb"]
    assert {b.get("{http://www.w3.org/XML/1998/namespace}id") for b in part.findall(".//t:listBibl/t:bibl", NS)} == \
        {"src-fr-univers", "src-universalis-rousset", "src-oxford-shelepin", "src-wp-shelepin"}


def test_the_header_records_the_witness_from_the_source_facts() -> None:
    tree = edition()
    facts = shared("reference", "source.md").read_text(encoding="utf-8")
    [uri] = tree.xpath("//t:biblStruct[@xml:id='source-transcription']/t:monogr/t:idno[@type='URI']/text()",
                       namespaces=NS)
    assert uri in facts
    assert not tree.xpath("//t:biblScope | //t:date[@type='access']", namespaces=NS)  # what may not be claimed
    assert tree.xpath("count(//t:front/*[@resp='#source-transcription'])", namespaces=NS) == 3
    assert tree.xpath("//t:creation/t:date/@notBefore", namespaces=NS) == ["1959-02-05"]


# ---------------------------------------------------------------------------------- in a browser

@pytest.mark.browser
def test_a_note_opens_in_place_without_javascript_and_is_listed(browser: Any, built: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((built / DOC / "index.html").as_uri())
    marker = page.locator("#ref-n-rousset-p17-univers")
    pop = page.locator("#pop-n-rousset-p17-univers")
    assert pop.is_hidden()
    marker.focus()
    page.keyboard.press("Enter")  # keyboard
    assert pop.is_visible() and "David Rousset" in pop.inner_text()
    box = pop.bounding_box()
    anchor = marker.bounding_box()
    assert box and anchor and abs(box["y"] - anchor["y"]) < 900  # in place, not a jump down the page
    page.keyboard.press("Escape")
    assert pop.is_hidden()
    marker.click()  # pointer
    assert pop.is_visible()
    page.keyboard.press("Escape")
    items = page.locator("#notes li")
    assert items.count() == 20
    assert page.locator("#n-rousset a.note-back").get_attribute("href") == "#ref-n-rousset-p17-univers"
    # Copying the paragraph gives the author's words only (the markers are not text to copy).
    selected = page.evaluate("""() => { const p = document.getElementById('p17');
        const r = document.createRange(); r.selectNodeContents(p); const s = getSelection();
        s.removeAllRanges(); s.addRange(r); return s.toString(); }""")
    assert "concentrationnaire, to stage" in " ".join(selected.split())
    context.close()
