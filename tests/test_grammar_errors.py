"""Grammar errors name the culprit at its place (issue 20, point 5).

Each realistic mistake is made in a copy of the edition; the first error must name the offending
element or attribute at the exact line and column where the mistake was made (computed here from
the mutation itself, not from teikit), and it must be the only error.  A property test checks the
explaining checker (``teikit.rngcheck``) against libxml2 on random damage: they agree on valid
versus invalid, always.
"""

from __future__ import annotations

import functools
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, TEI_DIR
from teikit import rngcheck
from teikit.resources import schema_path
from teikit.validate import iter_errors, relaxng

EDITION = next(p for p in sorted(TEI_DIR.glob("*.xml")) if p.name != "register.xml")

# A mutation: (a regular expression over the edition's text, its replacement, where the culprit
# begins within the replacement).  The culprit's place is then the match's start plus that offset.
Mutation = tuple[str, str | Callable[[re.Match[str]], str], int | str]

CASES: dict[str, tuple[Mutation, str, int]] = {
    # misspelt element, with the name meant
    "element-misspelt": ((r'<placeName (ref="[^"]*")>([^<]*)</placeName>', r"<placeNmae \1>\2</placeNmae>", 0),
                         "error [grammar-unknown-element] <placeNmae> is not an element of the edition's TEI: "
                         "did you mean <placeName>?", 1),
    # misspelt attribute
    "attribute-misspelt": ((r'<date when=', '<date wehn=', "wehn"),
                           "error [grammar-unknown-attribute] @wehn (on <date>) is not an attribute of the "
                           "edition's TEI: did you mean @when?", 1),
    # wrong case
    "element-case": ((r"<roleName>(.*?)</roleName>", r"<rolename>\1</rolename>", 0),
                     "error [grammar-unknown-element] <rolename> is not an element of the edition's TEI: "
                     "did you mean <roleName>?", 1),
    # an element where it is not allowed: a heading between two paragraphs
    "element-misplaced": ((r'(<p xml:id="p5")', r"<head>Stray</head>\1", 0),
                          "error [grammar-misplaced] <head> is not allowed in <div>: expected <p>", 1),
    # an element not allowed in that parent at all: a division inside a paragraph
    "element-not-in-parent": ((r'(<p xml:id="p7"[^>]*>)', r'\1<div type="x"/>', "<div"),
                              "error [grammar-misplaced] <div> is not allowed in <p>: expected", 1),
    # a missing required child, with a sibling after it: the parent lacks it
    "child-missing": ((r"(<publicationStmt>)(\s*)<publisher>.*?</publisher>", r"\1\2", 0),
                      "error [grammar-missing-element] <publicationStmt> lacks a required <publisher> before <date>",
                      1),
    # a missing required child at the end
    "child-missing-at-end": ((r"<respStmt>(\s*<resp>.*?</resp>)\s*<(persName|name|orgName)\b.*?</\2>",
                              r"<respStmt>\1", 0),
                             "error [grammar-incomplete] <respStmt> ends too early: expected", 1),
    # a missing required attribute
    "attribute-missing": ((r'<p xml:id="p5"', "<p", 0),
                          "error [grammar-missing-attribute] <p> lacks the required attribute @xml:id", 1),
    # an attribute this element does not take (other elements do)
    "attribute-not-allowed": ((r'<p xml:id="p6"', '<p xml:id="p6" rend="x"', "rend"),
                              "error [grammar-attribute] @rend is not allowed on <p>", 1),
    # a bad attribute value: a date not in ISO form; a value outside the list
    "value-date": ((r'<date when="[^"]*"', '<date when="1959-2-3"', "when"),
                   "error [grammar-value] @when=“1959-2-3” on <date> is not a valid value: expected a date "
                   "YYYY-MM-DD or a month YYYY-MM or a year YYYY", 1),
    "value-enumerated": ((r'type="section"', 'type="sektion"', 0),
                         "error [grammar-value] @type=“sektion” on <div> is not a valid value: expected one of "
                         "“section”", 1),
    # text where none is allowed
    "text-not-allowed": ((r'(<div xml:id="s2")', r"Stray words\1", 0),
                         "error [grammar-text] text “Stray words” is not allowed in <body>: expected <div> or "
                         "the end of <body>", 1),
}


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _mutate(tmp: Path, mutation: Mutation) -> tuple[Path, int, int]:
    pattern, replacement, culprit = mutation
    original = EDITION.read_text(encoding="utf-8")
    m = re.search(pattern, original, flags=re.S)
    assert m, pattern
    replaced = m.expand(replacement) if isinstance(replacement, str) else replacement(m)
    text = original[:m.start()] + replaced + original[m.end():]
    offset = m.start() + (culprit if isinstance(culprit, int) else replaced.index(culprit))
    folder = tmp / "tei"
    shutil.copytree(TEI_DIR, folder)
    (folder / EDITION.name).write_text(text, encoding="utf-8")
    return folder / EDITION.name, *_line_col(text, offset)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_first_error_names_the_culprit_at_its_place_and_is_the_only_one(tmp_path: Path, case: str) -> None:
    mutation, message, count = CASES[case]
    path, line, col = _mutate(tmp_path, mutation)
    errors = [p for p in iter_errors(path.parent) if p.severity == "error"]
    assert errors, case
    assert str(errors[0]).startswith(f"{path}:{line}:{col}: {message}"), (case, [str(p) for p in errors])
    assert len(errors) == count, [str(p) for p in errors]


# The same kinds of mistake in ordinary TEI (the default profile, schema/tei.rnc): the vocabulary
# document (tests/fixtures/vocabulary), in a folder with no teikit.toml.
VOCABULARY = Path(__file__).parent / "fixtures" / "vocabulary" / "vocabulary.xml"
TEI_CASES: dict[str, tuple[Mutation, str]] = {
    "element-misspelt": ((r'<persName (ref="#ada")>Ada</persName>', r"<persNmae \1>Ada</persNmae>", 0),
                         "error [grammar-unknown-element] <persNmae> is not an element of TEI as teikit knows it: "
                         "did you mean <persName>?"),
    "element-case": ((r"<castList>(.*?)</castList>", r"<castlist>\1</castlist>", 0),
                     "error [grammar-unknown-element] <castlist> is not an element of TEI as teikit knows it: "
                     "did you mean <castList>?"),
    "element-misplaced": ((r"(<p>The body of the letter.</p>)", r"\1<head>Late</head>", "<head"),
                          "error [grammar-misplaced] <head> is not allowed in <div>: expected"),
    "child-missing": ((r"(<titleStmt>\s*)<title>A Miscellany</title>", r"\1", "<titleStmt"),
                      "error [grammar-missing-element] <titleStmt> lacks a required <title> before <author>"),
    "attribute-missing": ((r'<milestone unit="section" n="2"/>', '<milestone n="2"/>', 0),
                          "error [grammar-missing-attribute] <milestone> lacks the required attribute @unit"),
    "value-date": ((r'<date when="1843-07-01"', '<date when="1843-7-1"', "when"),
                   "error [grammar-value] @when=“1843-7-1” on <date> is not a valid value: expected a date "
                   "YYYY-MM-DD"),
    "text-not-allowed": ((r'(<div type="poem">)', r"Stray words\1", 0),
                         "error [grammar-text] text “Stray words” is not allowed in <body>: expected"),
}


@pytest.mark.parametrize("case", sorted(TEI_CASES))
def test_under_the_tei_profile_too_the_first_error_is_the_culprit_and_the_only_one(tmp_path: Path,
                                                                                  case: str) -> None:
    (pattern, replacement, culprit), message = TEI_CASES[case]
    original = VOCABULARY.read_text(encoding="utf-8")
    m = re.search(pattern, original, flags=re.S)
    assert m, pattern
    replaced = m.expand(replacement)
    text = original[:m.start()] + replaced + original[m.end():]
    offset = m.start() + (culprit if isinstance(culprit, int) else
                          (replaced.index(culprit) if culprit in replaced else original.index(culprit, m.start())
                           - m.start()))
    if case == "child-missing":  # the culprit is the parent, before the match
        offset = original.rindex("<titleStmt>", 0, m.end())
    folder = tmp_path / "tei"
    folder.mkdir()
    path = folder / "doc.xml"
    path.write_text(text, encoding="utf-8")
    errors = [p for p in iter_errors(folder) if p.severity == "error"]
    line, col = _line_col(text, offset)
    assert len(errors) == 1, [str(p) for p in errors]
    assert str(errors[0]).startswith(f"{path}:{line}:{col}: {message}"), str(errors[0])


def test_the_checker_finds_nothing_in_valid_documents() -> None:
    grammar = rngcheck.load(schema_path("teikit.rng"))
    for path in [*TEI_DIR.glob("*.xml"), FIXTURES / "minimal" / "minimal.xml"]:
        if path.is_file():
            assert rngcheck.check(grammar, etree.parse(str(path)).getroot()) == [], path


def _damage(root: etree._Element, rnd: random.Random, names: list[str]) -> None:
    """One random edit of the kinds editors make: drop, duplicate, move or rename an element,
    drop or add an attribute, change an attribute's value, add stray text."""
    elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
    el = rnd.choice(elements)
    parent = el.getparent()
    assert parent is not None
    kind = rnd.randrange(7)
    if kind == 0:
        parent.remove(el)
    elif kind == 1:
        import copy

        el.addnext(copy.deepcopy(el))
    elif kind == 2 and len(parent) > 1:
        parent.remove(el)
        parent.insert(rnd.randrange(len(parent) + 1), el)
    elif kind == 3:
        el.tag = f"{{http://www.tei-c.org/ns/1.0}}{rnd.choice(names)}"
    elif kind == 4 and el.attrib:
        del el.attrib[rnd.choice(list(el.attrib))]
    elif kind == 5:
        el.set(rnd.choice(["type", "n", "ref", "when", "rend", "{http://www.w3.org/XML/1998/namespace}id"]),
               rnd.choice(["x", "1959", "p1", "section", "register.xml#stalin", ""]))
    else:
        el.tail = (el.tail or "") + rnd.choice(["words", " ", "1959"])


@functools.cache
def _element_names(profile: str) -> list[str]:
    from teikit.validate import grammar_file

    return sorted({str(n) for n in etree.parse(str(grammar_file(profile))).xpath("//*[local-name()='element']/@name")})


@pytest.mark.parametrize("profile", ["house", "tei"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_the_checker_and_libxml2_agree_on_validity(profile: str, seed: int, edits: int) -> None:
    """Random damage to a document (the edition under the house grammar, the vocabulary document
    under ordinary TEI's): teikit's checker reports a mistake exactly when libxml2 finds the
    document invalid (the checker explains; libxml2 is the reference)."""
    from teikit.validate import grammar_file

    grammar = rngcheck.load(grammar_file(profile))
    names = _element_names(profile)
    tree = etree.parse(str(EDITION if profile == "house" else VOCABULARY))
    rnd = random.Random(seed)
    for _ in range(edits):
        _damage(tree.getroot(), rnd, names)
    valid = relaxng(profile).validate(tree)
    mistakes = rngcheck.check(grammar, tree.getroot())
    assert valid == (not mistakes), (valid, [m.message for m in mistakes])
