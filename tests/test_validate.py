"""Validation: the grammar and every Schematron rule, by rule id, with exact counts on fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ROOT, TEI_DIR, need_java, shared
from teikit.cli import main
from teikit.errors import ValidationFailed
from teikit.validate import Problem, is_valid, iter_errors, validate

# fixture -> {rule id: times it fires}, exactly: the grammar names each mistake once (rngcheck),
# and a Schematron rule firing at the place the grammar already reported is not said twice.
INVALID: dict[str, dict[str, int]] = {
    "ref-form": {"ref-form": 1},
    "ref-target-exists": {"ref-target-exists": 1, "lint-untagged-mention": 1},
    "ref-target-kind": {"ref-target-kind": 2, "lint-untagged-mention": 2},
    "said-who": {"grammar-missing-attribute": 1},
    "who-target-person": {"who-target-person": 1},
    "passage-id-section": {"passage-id-section": 1},
    "passage-id-paragraph": {"passage-id-paragraph": 1},
    "citestructure-scheme": {"citestructure-scheme": 1},
    "date-iso": {"grammar-value": 1},
    "date-range-pair": {"grammar-missing-attribute": 1},
    "date-range-order": {"date-range-order": 1},
    "id-unique": {"id-unique": 2, "passage-id-paragraph": 1},
    "edition-version-recorded": {"edition-version-recorded": 1},
    "foreign-lang-declared": {"foreign-lang-declared": 1},
    "document-id-form": {"document-id-form": 1},
    "document-id-reserved": {"document-id-reserved": 1},
    "link-safe-scheme": {"link-safe-scheme": 1},
    "lint-untagged-mention": {"lint-untagged-mention": 1},
    "grammar-mention-without-ref": {"grammar-missing-attribute": 1, "lint-untagged-mention": 1},
    "grammar-date-without-value": {"grammar-missing-attribute": 1},
    "grammar-paragraph-without-id": {"grammar-missing-attribute": 1},
    "grammar-header-without-edition": {"grammar-missing-element": 1, "edition-version-recorded": 1},
    "grammar-element-outside-subset": {"grammar-unknown-element": 1},
    "grammar-unknown-element": {"grammar-unknown-element": 1},
    "grammar-unknown-attribute": {"grammar-unknown-attribute": 1},
    "note-target": {"note-target": 1},
    "note-source": {"note-source": 1},
    "sic-explained": {"sic-explained": 1},
}
# Rules checked outside the Schematron: the grammar, and Python's corpus-wide and lint checks.
NOT_SCHEMATRON = {"grammar", "lint-untagged-mention", "register-entry-unused", "document-id-reserved",
                  "grammar-unknown-element", "grammar-unknown-attribute", "grammar-missing-attribute",
                  "grammar-value", "grammar-missing-element"}
# Schematron rules whose mistake the house grammar names first, at the same place (so a build
# reports it once): they still hold for teikit.sch used alone (an editor's own grammar, the
# Schematron in an XML editor), and fire on their fixtures when the Schematron runs alone.
SCHEMATRON_ALONE: dict[str, dict[str, int]] = {
    "said-who": {"said-who": 1},
    "date-iso": {"date-iso": 1},
    "date-range-pair": {"date-range-pair": 1},
    "grammar-mention-without-ref": {"mention-ref": 1},
    "grammar-date-without-value": {"date-value": 1},
    "grammar-paragraph-without-id": {"passage-id-paragraph": 1},
}
REGISTER_CASES: dict[str, dict[str, int]] = {
    "authority-wikidata-form": {"authority-wikidata-form": 1},
    "authority-geonames-form": {"authority-geonames-form": 1},
    "register-entry-unused": {"register-entry-unused": 1},
    "register-preferred-name": {"register-preferred-name": 1},
}


def fired(problems: list[Problem]) -> Counter[str]:
    return Counter(p.rule for p in problems)


def assert_fires(problems: list[Problem], expected: dict[str, int]) -> None:
    got = fired(problems)
    assert set(got) == set(expected), [str(p) for p in problems]
    for rule, count in expected.items():
        assert got[rule] == count, (rule, [str(p) for p in problems])


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_fixture_fires_exactly_its_rules(case: str) -> None:
    problems = list(iter_errors(FIXTURES / "invalid" / f"{case}.xml"))
    assert_fires(problems, INVALID[case])
    for p in problems:
        assert p.line > 0 and p.column > 0 and p.xpath.startswith("/"), str(p)


@pytest.mark.parametrize("case", sorted(REGISTER_CASES))
def test_register_fixture_fires_exactly_its_rules(case: str) -> None:
    problems = list(iter_errors(FIXTURES / "registers" / case))
    assert_fires(problems, REGISTER_CASES[case])
    assert all(p.file.endswith("register.xml") for p in problems)


@pytest.mark.parametrize("case", sorted(SCHEMATRON_ALONE))
def test_schematron_alone_fires_the_rule_the_grammar_preempts(case: str) -> None:
    from teikit.load import Register
    from teikit.validate import _parse, _schematron_problems

    checked = _parse(FIXTURES / "invalid" / f"{case}.xml")
    register = Register.load(FIXTURES / "invalid" / "register.xml")
    assert fired(list(_schematron_problems(checked, register))) == Counter(SCHEMATRON_ALONE[case])


def test_every_schematron_rule_has_a_fixture() -> None:
    from lxml import etree

    sch = etree.parse(str(ROOT / "schema" / "teikit.sch"))
    ids = set(sch.xpath("//*[local-name()='assert' or local-name()='report']/@id"))
    covered = {rule for case in (*INVALID.values(), *REGISTER_CASES.values(), *SCHEMATRON_ALONE.values())
               for rule in case}
    # Exactly the Schematron's rules, once the checks made elsewhere are set aside: a rule deleted
    # from teikit.sch leaves its fixture expecting it, and this fails.
    assert ids and ids == covered - NOT_SCHEMATRON, (ids ^ (covered - NOT_SCHEMATRON))


@pytest.mark.parametrize("path", sorted(p.name for p in TEI_DIR.glob("*.xml")))
def test_every_tei_file_in_the_repository_is_valid(path: str) -> None:
    problems = list(iter_errors(TEI_DIR / path))
    assert problems == [], [str(p) for p in problems]


def test_the_edition_corpus_is_valid_with_no_warnings() -> None:
    assert list(iter_errors(TEI_DIR)) == []
    assert is_valid(TEI_DIR)
    assert validate(TEI_DIR) == []


def test_minimal_fixture_is_valid() -> None:
    assert list(iter_errors(FIXTURES / "minimal")) == []


def test_validate_raises_with_all_problems() -> None:
    with pytest.raises(ValidationFailed) as info:
        validate(FIXTURES / "invalid" / "id-unique.xml")
    assert len(info.value.problems) == 3
    assert not is_valid(FIXTURES / "invalid" / "id-unique.xml")


def test_problems_are_sorted_by_location() -> None:
    problems = list(iter_errors(FIXTURES / "invalid" / "ref-target-kind.xml"))
    assert problems == sorted(problems)
    assert str(problems[0]).startswith(str(FIXTURES / "invalid" / "ref-target-kind.xml") + ":46:")


def test_location_points_at_the_attribute() -> None:
    [problem] = iter_errors(FIXTURES / "invalid" / "passage-id-section.xml")
    line = (FIXTURES / "invalid" / "passage-id-section.xml").read_text().splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith("<div xml:id=\"s3\"")


# ------------------------------------------------------------------------------------- the CLI

def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_valid_edition_exit_0() -> None:
    code, out, _ = cli(str(TEI_DIR))
    assert code == 0 and out == ""


def test_cli_invalid_exit_1_with_located_lines() -> None:
    code, out, _ = cli(str(FIXTURES / "invalid" / "ref-form.xml"))
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(str(FIXTURES / "invalid" / "ref-form.xml") + ":46:")
    assert ": error [ref-form] " in line


def test_cli_json_output() -> None:
    code, out, _ = cli("--format", "json", str(FIXTURES / "invalid" / "date-range-order.xml"))
    assert code == 1
    [item] = json.loads(out)
    assert set(item) == {"file", "line", "column", "severity", "rule", "message", "xpath"}
    assert item["rule"] == "date-range-order" and item["severity"] == "error"
    assert item["xpath"].startswith("/tei:TEI/tei:text/tei:body/")


def test_cli_warnings_alone_exit_0() -> None:
    code, out, _ = cli(str(FIXTURES / "invalid" / "lint-untagged-mention.xml"))
    assert code == 0 and "warning [lint-untagged-mention]" in out and "“Smith”" in out


def test_cli_missing_file_exit_2(tmp_path: Path) -> None:
    code, out, _ = cli(str(tmp_path / "missing.xml"))
    assert code == 2 and "no such file or directory" in out


def test_cli_directory_without_tei_exit_2(tmp_path: Path) -> None:
    code, out, _ = cli(str(tmp_path))
    assert code == 2 and "no TEI documents" in out


@pytest.mark.parametrize(("content", "rule"), [
    (b"", "xml-empty"),
    (b"\x00\x01\x02\xff binary", "xml-binary"),
    (b"<html><body/></html>", "tei-root"),
    (b'<TEI xmlns="urn:wrong"/>', "tei-root"),
    (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", "xml-malformed"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<TEI>&x;</TEI>',
     "xml-doctype"),
])
def test_cli_bad_input_one_line_exit_1(tmp_path: Path, content: bytes, rule: str) -> None:
    f = tmp_path / "input.xml"
    f.write_bytes(content)
    code, out, _ = cli(str(f))
    assert code == 1
    [line] = out.splitlines()
    assert f"[{rule}]" in line and line.startswith(str(f))
    assert "root:" not in out  # nothing from /etc/passwd


def test_doctype_error_is_located(tmp_path: Path) -> None:
    f = tmp_path / "x.xml"
    f.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "http://example.org/x.dtd">\n<TEI/>')
    [p] = iter_errors(f)
    assert (p.line, p.column, p.rule) == (2, 1, "xml-doctype")


# ---------------------------------------------------------------- the grammar and tei_all

@pytest.mark.java
def test_shipped_grammar_is_the_current_simplification_of_the_source() -> None:
    need_java()
    run = subprocess.run([sys.executable, str(ROOT / "schema" / "build.py"), "--check"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_shipped_schematron_xslt_is_current() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "schema" / "build.py"), "--check", "--schematron-only"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


@pytest.mark.java
def test_documents_the_project_schema_accepts_are_valid_tei_all() -> None:
    rng = shared("tei", "tei_all.rng")
    need_java()
    accepted = [p for p in [*TEI_DIR.glob("*.xml"), *(FIXTURES / "minimal").glob("*.xml")]
                if not any(x.severity == "error" for x in iter_errors(p))]
    assert len(accepted) >= 4
    run = subprocess.run(["pyjing", str(rng), *map(str, accepted)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_simplified_grammar_loads_in_lxml_quickly() -> None:
    from teikit.validate import relaxng

    assert relaxng() is relaxng()  # compiled once per process


def _regex_matches(names: list[str], text: str) -> list[str]:
    """The reference: one pattern of every name, longest first, searched left to right, a match
    neither starting nor ending inside a word (what the lint did before the word index)."""
    import re

    pattern = re.compile("(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w\-])")
    found, pos = [], 0
    while (m := pattern.search(text, pos)) is not None:
        if m.start() and re.match(r"[\w\-‘]", text[m.start() - 1]):
            pos = m.start() + 1
            continue
        found.append(m.group(0))
        pos = m.end()
    return found


def test_the_lints_word_index_finds_what_a_search_for_every_name_finds() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from teikit.validate import _WORD, _LintNames, _matches

    words = st.sampled_from(["Mao", "Tse-tung", "Khrushchev", "Moscow", "Peking", "‘Hundred", "Flowers’",
                             "speech", "Maoist", "Mao’s", "of", "the", "-", "‘", "Stalin", "Stalinist"])
    name = st.lists(words, min_size=1, max_size=3).map(" ".join)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(name, min_size=1, max_size=6, unique=True), st.lists(words, max_size=25).map(" ".join))
    def check(names: list[str], text: str) -> None:
        first: dict[str, list[tuple[str, int]]] = {}
        for n in names:
            w = _WORD.search(n)
            if w:
                first.setdefault(w.group(0), []).append((n, w.start()))
        for c in first.values():
            c.sort(key=lambda x: -len(x[0]))
        indexed = _LintNames(first, {n: [] for n in names})
        usable = [n for n in names if _WORD.search(n)]
        assert _matches(indexed, text) == (_regex_matches(usable, text) if usable else [])

    check()


@pytest.mark.parametrize(("case", "first"), [
    ("grammar-unknown-element", ":46:85: error [grammar-unknown-element] <placeNmae> is not an element of the "
                                "edition's TEI: did you mean <placeName>?"),
    ("grammar-unknown-attribute", ":46:148: error [grammar-unknown-attribute] @whn (on <date>) is not an attribute "
                                  "of the edition's TEI: did you mean @when?"),
])
def test_a_misspelt_name_is_named_at_its_place_and_alone(case: str, first: str) -> None:
    """libxml2's report of a typo is a cascade about the neighbours that never names it; teikit
    names the misspelt element or attribute, at its line and column, with the name meant."""
    path = FIXTURES / "invalid" / f"{case}.xml"
    problems = [p for p in iter_errors(path) if p.severity == "error"]
    assert [str(p) for p in problems] == [str(path) + first]
