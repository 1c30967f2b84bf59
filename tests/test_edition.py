"""The edition itself: seed identity, text fidelity, register integrity, TEI conformance."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from lxml import etree

from conftest import EDITION, REGISTER, SEED, TEI_DIR, need_java, shared
from teikit.load import REGISTER_KINDS, Corpus, Document
from teikit.xmlutil import NS, XML_ID, local_name

MENTION_TO_KIND = {"persName": "person", "placeName": "place", "orgName": "org", "eventName": "event"}


def seed_parts() -> tuple[list[str], list[str]]:
    """The seed's front lines (before the first paragraph) and its body paragraphs."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    src = next(i for i, line in enumerate(lines) if line.startswith("Source:"))
    return lines[: src + 1], [line for line in lines[src + 1 :] if line.strip()]


EDITORIAL = {f"{{{NS['tei']}}}corr", f"{{{NS['tei']}}}note"}


def reading(el: etree._Element) -> str:
    """An element's reading text: the source's words; an editor's correction (corr) is not text."""
    if el.tag in EDITORIAL:
        return ""
    return (el.text or "") + "".join(reading(c) + (c.tail or "") for c in el if isinstance(c.tag, str))


def reading_paragraphs(doc: Document) -> list[str]:
    """The body's reading text, one string per paragraph, run-in heads joined by ': '."""
    out = []
    for div in doc.sections():
        head = div.find("tei:head", NS)
        for i, p in enumerate(div.findall("tei:p", NS)):
            text = reading(p)
            if i == 0 and head is not None:
                text = reading(head) + ": " + text
            out.append(text)
    return out


def test_seed_is_byte_identical_to_the_source_transcription() -> None:
    original = shared("seeds", "000_906cac87ef16d613.txt")
    assert SEED.read_bytes() == original.read_bytes()


def test_body_reproduces_the_seed_character_for_character(edition: Document) -> None:
    _, seed_body = seed_parts()
    assert reading_paragraphs(edition) == seed_body


def test_front_reproduces_the_seed_heading(edition: Document) -> None:
    front, _ = seed_parts()
    byline = " ".join(edition.xpath("tei:text/tei:front/tei:byline")[0].itertext())
    title = "".join(edition.xpath("tei:text/tei:front/tei:docTitle")[0].itertext()).strip()
    source = "".join(edition.xpath("tei:text/tei:front/tei:div[@type='source']/tei:p")[0].itertext())
    assert [line for line in front if line.strip()] == [" ".join(byline.split()), title, source]


def test_sections_and_paragraphs_carry_the_canonical_ids(edition: Document) -> None:
    assert [d.get(XML_ID) for d in edition.sections()] == [f"s{i}" for i in range(1, 7)]
    assert [p.get(XML_ID) for p in edition.paragraphs()] == [f"p{i}" for i in range(1, 32)]
    heads = ["".join(h.itertext()) for h in edition.xpath("tei:text/tei:body/tei:div/tei:head")]
    assert heads == ["Revision and Revolt", "The Skeleton Battle", "Two Steps Forwards…",
                     "… One Step Backwards", "Family Quarrel"]
    assert edition.sections()[0].find("tei:head", NS) is None


def _targets(value: str) -> list[str]:
    out = []
    for token in value.split():
        assert token.startswith("register.xml#"), token
        out.append(token.partition("#")[2])
    return out


def test_every_ref_and_who_resolves_to_an_entry_of_the_right_kind(corpus: Corpus) -> None:
    register = corpus.register
    assert register is not None
    checked = 0
    for doc in corpus.iter_documents():
        for el in doc.xpath(".//*[@ref]"):
            name = local_name(el)
            for target in _targets(el.get("ref", "")):
                kind = register.kind_of(target)
                assert kind is not None, f"{name} line {el.sourceline}: {target} not in register"
                if name in MENTION_TO_KIND:
                    assert kind == MENTION_TO_KIND[name], f"{name} line {el.sourceline} -> {kind}"
                checked += 1
        for el in doc.xpath(".//tei:said[@who]"):
            for target in _targets(el.get("who", "")):
                assert register.kind_of(target) == "person", f"said line {el.sourceline}: {target}"
                checked += 1
    assert checked > 150


def test_every_register_entry_is_used(corpus: Corpus) -> None:
    register = corpus.register
    assert register is not None
    used: set[str] = set()
    for doc in corpus.iter_documents():
        for el in doc.xpath(".//*[@ref or @who]"):
            for attr in ("ref", "who"):
                used.update(_targets(el.get(attr, "")) if el.get(attr) else [])
    assert set(register.entries) - used == set()


def test_same_entity_same_entry_whatever_the_surface_form(edition: Document) -> None:
    refs = {"".join(p.itertext()): p.get("ref") for p in edition.xpath(".//tei:persName")}
    assert refs["Mao"] == refs["Mao Tse-tung"] == "register.xml#mao_zedong"
    assert refs["Zhukov"] == refs["Marshal Zhukov"]


def test_xml_ids_are_unique_across_the_corpus() -> None:
    seen: dict[str, str] = {}
    for path in sorted(TEI_DIR.glob("*.xml")):
        for el in etree.parse(str(path)).iter():
            ident = el.get(XML_ID) if isinstance(el.tag, str) else None
            if ident:
                assert ident not in seen, f"{ident} in {path.name} and {seen[ident]}"
                seen[ident] = path.name


ISO = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$")


def _as_date(value: str, end: bool) -> date:
    assert ISO.match(value), value
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12 if end else 1, 31 if end else 1)
    if len(parts) == 2:
        if end:
            nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(parts[0], parts[1], 1)
    return date(*parts)


def test_dates_are_valid_iso_and_ranges_are_ordered() -> None:
    count = 0
    for path in (EDITION, REGISTER):
        for el in etree.parse(str(path)).iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("when", "from", "to"):
                if el.get(attr):
                    _as_date(el.get(attr, ""), end=False)
                    count += 1
            if el.get("from") and el.get("to"):
                assert _as_date(el.get("from", ""), False) <= _as_date(el.get("to", ""), True)
    assert count > 60


def test_every_date_in_the_body_has_a_machine_readable_value(edition: Document) -> None:
    dates = edition.xpath("tei:text//tei:date")
    assert dates and all(d.get("when") or (d.get("from") and d.get("to")) for d in dates)
    values = {"".join(d.itertext()): d.get("when") or f"{d.get('from')}/{d.get('to')}" for d in dates}
    assert values["3 February"] == "1959-02-03"
    assert values["October and November 1956"] == "1956-10/1956-11"
    assert values["1930-34"] == "1930/1934"


def test_register_kinds_and_authority_ids_come_from_the_reference_table(corpus: Corpus) -> None:
    table = shared("reference", "authority.tsv")
    rows = [line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()]
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    allowed: dict[tuple[str, str], tuple[str, str]] = {}
    for row in body:
        for kind in ("wikidata", "geonames"):
            if row[col[kind]]:
                allowed[(row[col["key"]], kind)] = (row[col[kind]], row[col["verified"]])
    register = corpus.register
    assert register is not None
    seen = 0
    for ident, entry in register.entries.items():
        for idno in entry.findall("tei:idno", NS):
            kind = idno.get("type", "")
            assert (ident, kind) in allowed, f"{ident}: {kind} identifier not in the authority table"
            value, verified = allowed[(ident, kind)]
            assert idno.text == value
            assert verified in ("yes", "partial")
            assert (idno.get("cert") == "medium") == (verified == "partial"), ident
            seen += 1
    assert seen == sum(1 for (key, _), (_, v) in allowed.items()
                       if key in register.entries and v in ("yes", "partial"))


def test_register_has_normalised_names_life_dates_and_coordinates(corpus: Corpus) -> None:
    register = corpus.register
    assert register is not None
    for ident, entry in register.entries.items():
        kind = local_name(entry)
        names = entry.findall(f"tei:{REGISTER_KINDS[kind]}[@type='preferred']", NS)
        assert len(names) == 1, ident
    mao = register.entries["mao_zedong"]
    preferred = mao.find("tei:persName[@type='preferred']", NS)
    assert preferred is not None and "".join(preferred.itertext()) == "Mao Zedong"
    assert preferred.findtext("tei:surname", namespaces=NS) == "Mao"  # the surname comes first
    assert "Mao Tse-tung" in [n.text for n in mao.findall("tei:persName[@type='variant']", NS)]
    assert mao.find("tei:birth", NS).get("when") == "1893-12-26"  # type: ignore[union-attr]
    peking = register.entries["beijing"]
    assert peking.findtext("tei:location/tei:geo", namespaces=NS) == "39.9075 116.39723"


@pytest.mark.java
def test_edition_is_valid_against_official_tei_all() -> None:
    rng = shared("tei", "tei_all.rng")
    need_java()
    files = sorted(str(p) for p in TEI_DIR.glob("*.xml"))
    run = subprocess.run(["pyjing", str(rng), *files], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
