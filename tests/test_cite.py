"""Citations: CSL styles through citeproc-py, CSL-JSON against the official schema, BibLaTeX, RIS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from click.testing import CliRunner
from lxml import etree

from conftest import EDITION_VERSION, TEI_DIR, shared
from teikit.cli import main

DOC = "deutscher-1959-khrushchev-mao"
URL = f"https://teikit.example.org/{DOC}/"


def cite(*args: str, tei: Path = TEI_DIR) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["cite", *args, "--tei-dir", str(tei)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def csl_schema() -> dict[str, object]:
    return json.loads(shared("schemas", "csl", "csl-data.json").read_text())


@pytest.mark.parametrize(("style", "citation"), [
    ("chicago-notes", "Isaac Deutscher, “Khrushchev, Mao and Stalin’s Ghost,” The Reporter (New York), February 19, "
                      f"1959, para. 12, TEI digital edition, version {EDITION_VERSION}, {URL}."),
    ("chicago-author-date", "(Deutscher 1959, para. 12)"),
    ("mla", "(Deutscher, par. 12)"),
    ("apa", "(Deutscher, 1959, para. 12)"),
])
def test_text_citation_in_each_style(style: str, citation: str) -> None:
    code, out, _ = cite("p12", "--style", style)
    lines = out.splitlines()
    assert code == 0 and lines[0] == citation
    assert URL in out and EDITION_VERSION in out and "#p12" not in out  # the item's address: a passage is its locator


def test_reference_list_entries() -> None:
    _, out, _ = cite("p12", "--style", "apa")
    assert out.splitlines()[1] == ("Deutscher, I. (1959, February 19). Khrushchev, Mao and Stalin’s Ghost "
                                   f"[TEI digital edition, version {EDITION_VERSION}]. The Reporter. {URL}")
    _, out, _ = cite("p12", "--style", "mla")
    assert out.splitlines()[1].startswith("Deutscher, Isaac. “Khrushchev, Mao and Stalin’s Ghost.” The Reporter")
    _, out, _ = cite("p12", "--style", "chicago-notes")
    assert "para. 12" in out.splitlines()[0] and "para." not in out.splitlines()[1]  # no locator in an entry


def test_range_and_whole_article() -> None:
    _, out, _ = cite("p12-p14", "--style", "chicago-author-date")
    assert out.splitlines()[0] == "(Deutscher 1959, paras. 12–14)"
    _, out, _ = cite("--style", "chicago-author-date")
    assert out.splitlines()[0] == "(Deutscher 1959)" and f"{URL}." in out and "#" not in out


def test_csl_json_valid_against_official_schema(csl_schema: dict[str, object]) -> None:
    code, out, _ = cite("p12", "--format", "csl-json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, csl_schema)
    [item] = data  # the document's item: the passage is a locator of the citation, not an item
    assert item["type"] == "article-magazine" and item["container-title"] == "The Reporter"
    assert item["author"] == [{"family": "Deutscher", "given": "Isaac"}]
    assert item["issued"] == {"date-parts": [[1959, 2, 19]]}
    assert item["id"] == DOC and item["URL"] == URL and "locator" not in item and "section" not in item
    assert item["medium"] == f"TEI digital edition, version {EDITION_VERSION}" and "version" not in item


def test_bibtex_parses_with_correct_fields() -> None:
    code, out, _ = cite("p12", "--format", "bibtex")
    assert code == 0
    library = bibtexparser.parse_string(out)
    assert not library.failed_blocks
    [entry] = library.entries
    f = {k: v.value for k, v in entry.fields_dict.items()}
    assert entry.entry_type == "article" and entry.key == DOC and f["entrysubtype"] == "magazine"
    assert f["author"] == "Deutscher, Isaac" and f["title"] == "{Khrushchev}, {Mao} and {Stalin}’s Ghost"
    assert f["journal"] == "The Reporter" and f["date"] == "1959-02-19" and f["year"] == "1959"
    assert f["url"] == URL and "pages" not in f and f["pagination"] == "paragraph"
    assert f["note"].startswith(f"TEI digital edition, version {EDITION_VERSION}. Transcribed for")


def test_ris_parses_with_correct_fields() -> None:
    code, out, _ = cite("p12-p13", "--format", "ris")
    assert code == 0
    [record] = rispy.loads(out)
    assert record["type_of_reference"] == "MGZN" and record["authors"] == ["Deutscher, Isaac"]
    assert record["title"] == "Khrushchev, Mao and Stalin’s Ghost" and record["secondary_title"] == "The Reporter"
    assert record["year"] == "1959" and record["date"] == "1959/02/19"
    assert record["urls"] == [URL] and "section" not in record


@pytest.mark.parametrize("ref", ["p99", 'p1" or "1"="1', "", "../x"])
def test_bad_reference_exit_1(ref: str) -> None:
    code, out, err = cite(ref)
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_citation_data_comes_from_the_tei_header(tmp_path: Path) -> None:
    folder = tmp_path / "tei"
    shutil.copytree(TEI_DIR, folder)
    doc = folder / f"{DOC}.xml"
    doc.write_text(doc.read_text().replace('<title level="j" ref="register.xml#the_reporter">The Reporter</title>\n'
                                           '            <imprint>', '<title level="j" ref="register.xml#the_reporter">'
                                           'The Other Reporter</title>\n            <imprint>'))
    _, out, _ = cite("p12", "--format", "csl-json", tei=folder)
    assert json.loads(out)[0]["container-title"] == "The Other Reporter"


def test_csl_items_read_from_the_header() -> None:
    """The article's item and a section's and a paragraph's, field by field: every value is read
    from the TEI header (the author's name through the register), none is written in Python."""
    from teikit.cite import csl_items
    from teikit.load import Corpus

    corpus = Corpus.discover(TEI_DIR)
    items = csl_items(corpus.load_document(corpus.document_paths[0]), corpus, "https://e.example/ed")
    tree = etree.parse(str(TEI_DIR / f"{DOC}.xml"))

    def tei(xpath: str) -> str:  # the expected values come from the TEI, never from the output
        return " ".join(str(tree.xpath(f"string({xpath})", namespaces={"t": "http://www.tei-c.org/ns/1.0"})).split())

    made = tei("/t:TEI/t:teiHeader/t:fileDesc/t:editionStmt/t:edition/t:date/@when")
    transcription = "/t:TEI/t:teiHeader/t:fileDesc/t:sourceDesc/t:biblStruct[not(t:analytic)]/t:monogr"
    base = {"type": "article-magazine", "title": "Khrushchev, Mao and Stalin’s Ghost",
            "author": [{"family": "Deutscher", "given": "Isaac"}], "container-title": "The Reporter",
            "publisher-place": "New York", "issued": {"date-parts": [[1959, 2, 19]]},
            "available-date": {"date-parts": [[int(x) for x in made.split("-")]]},
            "medium": "TEI digital edition, version " + tei("//t:editionStmt/t:edition/@n"),
            "source": tei("/t:TEI/t:teiHeader/t:fileDesc/t:publicationStmt/t:publisher"), "language": "en",
            "note": f"Transcribed for the {tei(transcription + '/t:imprint/t:publisher')} by "
                    f"{tei(transcription + '/t:respStmt/t:persName')}."}
    assert items[0] == dict(sorted({**base, "id": DOC, "URL": f"https://e.example/ed/{DOC}/"}.items()))
    assert items[0]["note"].startswith("Transcribed for the Marxists Internet Archive by Paul Flewers")
    by_id = {item["id"]: item for item in items}
    last_in_s1 = tei("/t:TEI/t:text/t:body/t:div[1]/t:p[last()]/@n")
    assert by_id[f"{DOC}:s1"]["locator"] == f"1–{last_in_s1}"  # a section: its paragraphs
    assert by_id[f"{DOC}:p12"] == {**items[0], "id": f"{DOC}:p12", "locator": "12", "label": "paragraph"}
    assert list(items[0]) == sorted(items[0])


def test_csl_items_follow_xpath_string_rules(tmp_path: Path) -> None:
    """normalize-space collapses XML whitespace only (a no-break space stays); with no register
    the author's name is read from the text."""
    from teikit.cite import csl_items
    from teikit.load import Corpus

    folder = tmp_path / "tei"
    shutil.copytree(TEI_DIR, folder)
    doc = folder / f"{DOC}.xml"
    doc.write_text(doc.read_text().replace("Khrushchev, Mao and Stalin", "Khrushchev,\u00a0Mao\tand\n   Stalin", 1))
    (folder / "register.xml").unlink()
    corpus = Corpus.discover(folder)
    assert corpus.register is None
    [item] = csl_items(corpus.load_document(doc), corpus, "https://e.example/")[:1]
    assert item["title"] == "Khrushchev,\u00a0Mao and Stalin’s Ghost"
    assert item["author"] == [{"family": "Deutscher", "given": "Isaac"}]


def test_a_date_that_is_not_iso_is_refused_in_one_line(tmp_path: Path) -> None:
    """An invalid document cited anyway: its bad @when gets one line with file and line, exit 1."""
    folder = tmp_path / "tei"
    shutil.copytree(TEI_DIR, folder)
    doc = folder / f"{DOC}.xml"
    text = doc.read_text()
    assert text.count('<date when="1959-02-19"') >= 1
    doc.write_text(text.replace('<date when="1959-02-19"', '<date when="1959-02-xx"', 1))
    code, out, err = cite("p1", tei=folder)
    assert code == 1 and out == ""
    assert err.startswith(f"teikit: {doc}:") and "[citation-date]" in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_base_url_is_configurable() -> None:
    _, out, _ = cite("p3", "--format", "csl-json", "--base-url", "https://edition.example.net/deutscher")
    assert json.loads(out)[0]["URL"] == f"https://edition.example.net/deutscher/{DOC}/"


# ---------------------------------------------------------------------------- in the build

def test_build_writes_one_entry_per_document(built: Path, csl_schema: dict[str, object]) -> None:
    """One item per document in every export (README, "Citing the edition": a passage is the item
    cited with a paragraph locator, so that citing the article and a passage gives no 1959a/b)."""
    folder = built / DOC
    items = json.loads((folder / f"{DOC}.csl.json").read_text())
    jsonschema.validate(items, csl_schema)
    assert [i["id"] for i in items] == [DOC]
    library = bibtexparser.parse_string((folder / f"{DOC}.bib").read_text())
    assert not library.failed_blocks and [e.key for e in library.entries] == [DOC]
    assert len(rispy.loads((folder / f"{DOC}.ris").read_text())) == 1


@pytest.mark.parametrize("text", ["plain", r"a\b{c}%&$#_~^", "Ü “quoted” — dash"])
def test_bibtex_escaping_round_trips_through_a_parser(text: str) -> None:
    from teikit.cite import _bib_escape

    entry = "@article{k,\n  title = {" + _bib_escape(text) + "}\n}\n"
    library = bibtexparser.parse_string(entry)
    assert not library.failed_blocks
    value = library.entries[0]["title"]
    assert value == _bib_escape(text) and "{" not in value.replace("\\{", "").replace("{}", "")
