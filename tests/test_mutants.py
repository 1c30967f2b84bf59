"""Issue 23: each bug a mutation spot-check showed the suite could not see, pinned by a test that
names what it protects.  Every expected value is read from the input (the TEI, the options), never
from the output under test; every change is made for real (a copy of the schema or a stylesheet is
edited), not simulated by patching the code that should notice it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rispy
from lxml import etree

from conftest import FIXTURES, ROOT, TEI_DIR
from teikit import resources
from teikit.publish import BuildOptions, build

DOC = "deutscher-1959-khrushchev-mao"
TEI = {"tei": "http://www.tei-c.org/ns/1.0"}
HEADER = etree.parse(str(TEI_DIR / f"{DOC}.xml"))


def header(xpath: str) -> str:
    """A value read straight from the edition's TEI header (the independent expectation)."""
    found = HEADER.xpath(xpath, namespaces=TEI)
    assert isinstance(found, list) and len(found) == 1, xpath
    return " ".join(str(found[0]).split())


def teikit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "teikit"
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from teikit._entry import entry; entry()"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# ------------------------------------------------- the build's dependency keys, with real changes

@pytest.fixture
def own_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """teikit running from an installation of its own whose schema and stylesheets a test may edit."""
    package = tmp_path / "teikit-install"
    for name in ("schema", "xslt", "tei"):
        shutil.copytree(ROOT / name, package / "data" / name)
    monkeypatch.setattr(resources, "_PKG", package)
    resources.resource_dir.cache_clear()
    yield package / "data"
    monkeypatch.undo()
    resources.resource_dir.cache_clear()


def _corpus(tmp_path: Path) -> Path:
    tei = tmp_path / "tei"
    shutil.copytree(FIXTURES / "minimal", tei)
    return tei


def test_a_schema_upgrade_revalidates_every_document_and_renders_none(tmp_path: Path, own_resources: Path) -> None:
    tei, out = _corpus(tmp_path), tmp_path / "site"
    build(tei, out, BuildOptions(jobs=1))
    assert build(tei, out, BuildOptions(jobs=1)).up_to_date
    grammar = own_resources / "schema" / "teikit.rng"
    grammar.write_text(grammar.read_text(encoding="utf-8") + "<!-- a new release of the grammar -->\n",
                       encoding="utf-8")
    result = build(tei, out, BuildOptions(jobs=1))
    assert not result.up_to_date and result.validated == [str(tei / "doc.xml")] and result.rendered == []
    rules = own_resources / "schema" / "teikit.sch.xsl"
    rules.write_text(rules.read_text(encoding="utf-8") + "<!-- new rules -->\n", encoding="utf-8")
    result = build(tei, out, BuildOptions(jobs=1))
    assert result.validated == [str(tei / "doc.xml")] and result.rendered == []


@pytest.mark.parametrize("stylesheet", ["html/page.xsl", "text/reading.xsl", "common/functions.xsl",
                                        "html/assets/teikit.css"])
def test_a_stylesheet_upgrade_renders_every_document_again(tmp_path: Path, own_resources: Path,
                                                           stylesheet: str) -> None:
    tei, out = _corpus(tmp_path), tmp_path / "site"
    build(tei, out, BuildOptions(jobs=1))
    path = own_resources / "xslt" / stylesheet
    comment = "/* changed */\n" if path.suffix == ".css" else "<!-- changed -->\n"
    path.write_text(path.read_text(encoding="utf-8") + comment, encoding="utf-8")
    result = build(tei, out, BuildOptions(jobs=1))
    assert result.rendered == [str(tei / "doc.xml")] and result.validated == []


# ------------------------------------------------------------- exports, against the TEI header

def test_ris_note_names_the_edition_version() -> None:
    [record] = rispy.loads(teikit("cite", "p12", "--tei-dir", str(TEI_DIR), "--format", "ris").stdout)
    version = header("/tei:TEI/tei:teiHeader/tei:fileDesc/tei:editionStmt/tei:edition/@n")
    assert record["notes"][0].startswith(f"TEI digital edition, version {version}. Transcribed")


def test_csl_available_date_is_the_edition_date_not_the_issue_date() -> None:
    items = json.loads(teikit("cite", "p12", "--tei-dir", str(TEI_DIR), "--format", "csl-json").stdout)
    made = header("/tei:TEI/tei:teiHeader/tei:fileDesc/tei:editionStmt/tei:edition/tei:date/@when")
    issued = header("//tei:sourceDesc/tei:biblStruct[tei:analytic]/tei:monogr/tei:imprint/tei:date/@when")
    assert items[0]["available-date"] == {"date-parts": [[int(x) for x in made.split("-")]]}
    assert items[0]["issued"] == {"date-parts": [[int(x) for x in issued.split("-")]]}
    assert made != issued


def test_section_locator_spans_exactly_its_paragraphs() -> None:
    """s1's locator runs from its first to its last paragraph, counted in the TEI."""
    from teikit.cite import csl_items
    from teikit.load import Corpus

    first_div = HEADER.xpath("/tei:TEI/tei:text/tei:body/tei:div[1]/tei:p/@n", namespaces=TEI)
    assert isinstance(first_div, list)
    corpus = Corpus.discover(TEI_DIR)
    items = {i["id"]: i for i in csl_items(corpus.load_document(corpus.document_paths[0]), corpus, "https://e/")}
    assert items[f"{DOC}:s1"]["locator"] == f"{first_div[0]}–{first_div[-1]}"
    assert items[f"{DOC}:s1"]["locator"] != "1–31"


# -------------------------------------------------------------------------- options that must act

def test_no_dts_writes_no_api(tmp_path: Path) -> None:
    assert teikit("build", "--tei-dir", str(TEI_DIR), "--out", str(tmp_path / "with")).returncode == 0
    assert teikit("build", "--tei-dir", str(TEI_DIR), "--out", str(tmp_path / "without"), "--no-dts").returncode == 0
    assert (tmp_path / "with" / "api" / "dts" / "index.json").is_file()
    assert not (tmp_path / "without" / "api").exists()
    assert (tmp_path / "without" / DOC / "index.html").is_file()


def test_no_lint_drops_exactly_the_lint_warnings() -> None:
    fixture = FIXTURES / "invalid" / "lint-untagged-mention.xml"
    with_lint = json.loads(teikit("validate", str(fixture), "--format", "json").stdout)
    without = json.loads(teikit("validate", str(fixture), "--format", "json", "--no-lint").stdout)
    assert [p["rule"] for p in with_lint] == ["lint-untagged-mention"]
    assert without == []


def test_text_ids_and_width_through_the_command(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert teikit("build", "--tei-dir", str(TEI_DIR), "--out", str(out), "--ids", "--width", "60").returncode == 0
    text = (out / DOC / f"{DOC}.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    first = HEADER.xpath("string(/tei:TEI/tei:text/tei:body/tei:div[1]/tei:p[1]/@xml:id)", namespaces=TEI)
    assert f"[{first}] " in text and "[p31] " in text
    plain = teikit("build", "--tei-dir", str(TEI_DIR), "--out", str(tmp_path / "plain"))
    assert plain.returncode == 0
    assert "[p1] " not in (tmp_path / "plain" / DOC / f"{DOC}.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ the live server

@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    from teikit.serve import running

    with running(TEI_DIR) as url:
        yield url


def test_head_is_answered_like_get_without_a_body(server: str) -> None:
    for path, params in (("/api/dts", {}), ("/api/dts/navigation", {"resource": DOC, "down": "1"}),
                         ("/api/dts/document", {"resource": DOC, "ref": "p12"})):
        get = httpx.get(server + path, params=params, timeout=30)
        head = httpx.head(server + path, params=params, timeout=30)
        assert get.status_code == head.status_code == 200
        assert head.content == b"" and get.content
        assert head.headers["content-type"] == get.headers["content-type"]


def test_members_are_paged_by_one_hundred(tmp_path: Path) -> None:
    """The default page size, unpatched: 101 documents make a root collection of two pages."""
    from teikit.serve import running

    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "101", str(tmp_path / "c")],
                   check=True, capture_output=True)
    with running(tmp_path / "c" / "tei") as url:
        first = httpx.get(f"{url}/api/dts/collection", timeout=60).json()
        second = httpx.get(f"{url}/api/dts/collection", params={"page": "2"}, timeout=60).json()
    assert first["totalChildren"] == 101
    assert len(first["member"]) == 100 and len(second["member"]) == 1
    assert "next" in first["view"] and "previous" in second["view"]


# ---------------------------------------------------------------------------- passage stability

def test_passages_update_refuses_a_new_version_without_a_recorded_change(tmp_path: Path) -> None:
    tei = tmp_path / "tei"
    shutil.copytree(TEI_DIR, tei)
    doc = tei / f"{DOC}.xml"
    text = doc.read_text(encoding="utf-8")
    changed = text.replace("Thus <persName", "So <persName", 1).replace('<edition n="1.1.0">', '<edition n="1.1.1">', 1)
    assert changed.count('n="1.1.1"') == 1
    doc.write_text(changed, encoding="utf-8")
    before = (tei / "passages.json").read_bytes()
    refused = teikit("passages", "update", "--tei-dir", str(tei))
    assert refused.returncode == 1 and "record the change in revisionDesc" in refused.stderr
    assert (tei / "passages.json").read_bytes() == before
    recorded = changed.replace("</revisionDesc>", '  <change when="2026-11-30" n="1.1.1">¶12 reworded.</change>\n'
                               "    </revisionDesc>", 1)
    doc.write_text(recorded, encoding="utf-8")
    accepted = teikit("passages", "update", "--tei-dir", str(tei))
    assert accepted.returncode == 0, accepted.stderr
    assert "p12 revised in 1.1.1" in accepted.stdout
