"""Passage identifiers: every reference form, hostile references, and stability of published IDs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import TEI_DIR
from teikit.cli import main
from teikit.errors import InvalidInput, ReferenceNotFound
from teikit.load import Corpus
from teikit.passages import (
    MANIFEST_FILE,
    PassageIndex,
    check_stability,
    load_manifest,
    parse_reference,
    resolve,
    update_manifest,
)
from teikit.xmlutil import XML_ID

DOC = "deutscher-1959-khrushchev-mao"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.discover(TEI_DIR)


@pytest.mark.parametrize(("ref", "ids"), [
    ("p12", ["p12"]),
    ("s3", ["s3"]),
    ("s3.p12", ["p12"]),
    ("p12-p14", ["p12", "p13", "p14"]),
    ("p12–p14", ["p12", "p13", "p14"]),
    ("s2-s3", ["s2", "s3"]),
    (f"{DOC}:p12", ["p12"]),
    ("urn:cts:teikit:deutscher1959.khrushchevMao.teikit-en1:p12", ["p12"]),
    ("urn:cts:teikit:deutscher1959.khrushchevMao.teikit-en1:p1-p2", ["p1", "p2"]),
    ("#p12", ["p12"]),
    (f"https://teikit.example.org/{DOC}/#p12", ["p12"]),
])
def test_reference_forms(corpus: Corpus, ref: str, ids: list[str]) -> None:
    assert [p.id for p in resolve(corpus, ref).passages] == ids


@pytest.mark.parametrize(("ref", "message"), [
    ("p99", "nearest: p31, p30, p29"),
    ("s9", "nearest: s6, s5, s4"),
    ("s1.p9", "p9 is in s3"),
    ("p14-p12", "runs backwards"),
    ("p12-s3", "one kind"),
    ('p1" or "1"="1', "nearest valid IDs: p1, p2, p3"),
    ("", "nearest valid IDs: s1, p1, p2"),
    ("   ", "empty"),
    ("../../etc/passwd", "malformed"),
    ("/etc/passwd", "malformed"),
    ("p1]/..//*[1", "malformed"),
    ("p" + "9" * 400, "malformed"),
    ("nodoc:p1", "no document"),
    ("urn:cts:teikit:other.work:p1", "no document"),
    ("p1\x00", "malformed"),
])
def test_bad_references_get_one_clear_line(corpus: Corpus, ref: str, message: str) -> None:
    with pytest.raises(ReferenceNotFound) as info:
        resolve(corpus, ref)
    text = str(info.value)
    assert message in text and "\n" not in text and len(text) < 300


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_any_string_either_resolves_or_raises_reference_not_found(ref: str) -> None:
    corpus = Corpus.discover(TEI_DIR)
    try:
        resolved = resolve(corpus, ref)
    except ReferenceNotFound as exc:
        assert "\n" not in str(exc)
    else:
        assert resolved.passages


@given(st.integers(min_value=1, max_value=31), st.integers(min_value=1, max_value=31))
@settings(max_examples=50, deadline=None)
def test_paragraph_range_round_trip(a: int, b: int) -> None:
    corpus = Corpus.discover(TEI_DIR)
    lo, hi = min(a, b), max(a, b)
    ids = [p.id for p in resolve(corpus, f"p{lo}-p{hi}").passages]
    assert ids == [f"p{i}" for i in range(lo, hi + 1)]
    for pid in ids:
        section = resolve(corpus, pid).passages[0].section
        assert [p.id for p in resolve(corpus, f"{section}.{pid}").passages] == [pid]


def test_passage_ids_are_unique_and_ordered(corpus: Corpus) -> None:
    index = PassageIndex(corpus.load_document(corpus.document_paths[0]))
    ids = [p.id for p in index.passages]
    assert len(ids) == len(set(ids)) == 37
    assert [p.id for p in index.paragraphs()] == [f"p{i}" for i in range(1, 32)]


def test_parse_reference_never_returns_unchecked_text() -> None:
    assert parse_reference(" s3.p12 ") == (None, "s3.p12", None)
    assert parse_reference(f"{DOC}:p1-p3") == (DOC, "p1", "p3")


# ------------------------------------------------------------------------------ stability

def copy_edition(tmp_path: Path) -> Path:
    folder = tmp_path / "tei"
    shutil.copytree(TEI_DIR, folder)
    return folder


def test_committed_manifest_matches_the_edition(corpus: Corpus) -> None:
    manifest = load_manifest(TEI_DIR / MANIFEST_FILE)
    assert check_stability(corpus, manifest) == []
    published = manifest["documents"][DOC]["passages"]  # type: ignore[index]
    assert len(published) == 37 and all(r["since"] == "1.0.0" for r in published.values())


def rules(folder: Path) -> list[str]:
    corpus = Corpus.discover(folder)
    return sorted(p.rule for p in check_stability(corpus, load_manifest(folder / MANIFEST_FILE)))


def test_removed_passage_is_caught(tmp_path: Path) -> None:
    folder = copy_edition(tmp_path)
    doc = folder / f"{DOC}.xml"
    text = doc.read_text()
    start = text.index('<p xml:id="p31"')
    doc.write_text(text[:start] + text[text.index("</p>", start) + 4:])
    assert rules(folder) == ["passage-removed", "passage-text-changed"]  # p31, and its section s6


def test_changed_text_without_revision_is_caught_and_update_refuses(tmp_path: Path) -> None:
    folder = copy_edition(tmp_path)
    doc = folder / f"{DOC}.xml"
    doc.write_text(doc.read_text().replace("Will he dare to tear it up?", "Will he dare?"))
    assert rules(folder) == ["passage-text-changed", "passage-text-changed"]  # p19 and its section s4
    with pytest.raises(InvalidInput, match="raise the edition version"):
        update_manifest(Corpus.discover(folder), load_manifest(folder / MANIFEST_FILE))


def test_changed_text_with_recorded_revision_can_be_updated(tmp_path: Path) -> None:
    folder = copy_edition(tmp_path)
    doc = folder / f"{DOC}.xml"
    text = doc.read_text().replace("Will he dare to tear it up?", "Will he dare?")
    text = text.replace('<edition n="1.1.0">', '<edition n="1.2.0">').replace(
        '<revisionDesc status="published">',
        '<revisionDesc status="published">\n      <change when="2026-12-01" n="1.2.0">Corrected p19.</change>')
    doc.write_text(text)
    result = CliRunner().invoke(main, ["passages", "update", "--tei-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert rules(folder) == []
    record = json.loads((folder / MANIFEST_FILE).read_text())["documents"][DOC]["passages"]["p19"]
    assert record["since"] == "1.0.0" and record["revisions"][0]["version"] == "1.2.0"


def test_reused_retired_id_is_caught(tmp_path: Path) -> None:
    folder = copy_edition(tmp_path)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    manifest["documents"][DOC]["retired"] = ["p31"]
    del manifest["documents"][DOC]["passages"]["p31"]
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert rules(folder) == ["passage-id-reused"]


def test_new_passage_must_be_published_explicitly(tmp_path: Path) -> None:
    folder = copy_edition(tmp_path)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    del manifest["documents"][DOC]["passages"]["p31"]
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert rules(folder) == ["passage-unpublished"]
    result = CliRunner().invoke(main, ["passages", "check", "--tei-dir", str(folder)])
    assert result.exit_code == 1 and "[passage-unpublished]" in result.output


# ------------------------------------------------------------------------------- resolve CLI

def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_resolve_text_includes_run_in_head() -> None:
    code, out, _ = cli("resolve", "p5", "--tei-dir", str(TEI_DIR))
    assert code == 0 and out.startswith("[p5] Revision and Revolt: In the first period")


def test_resolve_range_prints_each_passage_in_order() -> None:
    code, out, _ = cli("resolve", "p12-p14", "--tei-dir", str(TEI_DIR))
    paras = out.strip().split("\n\n")
    assert code == 0 and len(paras) == 3
    assert paras[0].startswith("[p12] Thus Khrushchev") and paras[2].startswith("[p14] Two Steps Forwards…: Yet")


def test_resolve_section_prints_its_paragraphs() -> None:
    code, out, _ = cli("resolve", "s2", "--tei-dir", str(TEI_DIR))
    assert code == 0 and len(out.strip().split("\n\n")) == 4


def test_resolve_tei_and_html() -> None:
    code, out, _ = cli("resolve", "p22", "--format", "tei", "--tei-dir", str(TEI_DIR))
    root = etree.fromstring(out.encode())
    assert code == 0 and root.tag == "{urn:teikit:passages}passages" and root.get("ids") == "p22"
    assert [(c.tag, c.get(XML_ID)) for c in root] == [("{http://www.tei-c.org/ns/1.0}p", "p22")]
    code, out, _ = cli("resolve", "p22", "--format", "html", "--tei-dir", str(TEI_DIR))
    assert code == 0 and 'id="p22"' in out and 'href="#entry-mao_zedong"' in out


@pytest.mark.parametrize("ref", ["p99", 'p1" or "1"="1', "", "../../etc/passwd"])
def test_resolve_bad_reference_exit_1_one_line(ref: str) -> None:
    code, out, err = cli("resolve", ref, "--tei-dir", str(TEI_DIR))
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_validate_and_build_refuse_an_unrecorded_text_change(tmp_path: Path) -> None:
    from teikit.errors import ValidationFailed
    from teikit.publish import BuildOptions, build
    from teikit.validate import iter_errors

    folder = copy_edition(tmp_path)
    doc = folder / f"{DOC}.xml"
    doc.write_text(doc.read_text().replace("Will he dare to tear it up?", "Will he dare?"))
    problems = list(iter_errors(folder))
    assert sorted(p.rule for p in problems) == ["passage-text-changed", "passage-text-changed"]
    assert all(p.file.endswith(MANIFEST_FILE) and p.severity == "error" for p in problems)
    with pytest.raises(ValidationFailed):
        build(folder, tmp_path / "site", BuildOptions(jobs=1))
    assert not (tmp_path / "site").exists()
