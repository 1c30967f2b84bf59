"""Bring your own TEI (issue 20): profiles, the chores commands, the project's own rules."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TEI_DIR
from teikit.cli import main
from teikit.validate import iter_errors

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>A letter</title>
      </titleStmt>
      <publicationStmt>
        <p>Unpublished.</p>
      </publicationStmt>
      <sourceDesc>
        <p>Born digital.</p>
      </sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
      <div type="letter">
        <opener>
          <dateline>London, <date when="1959-02-03">3 February 1959</date></dateline>
          <salute>Dear <persName>Tamara</persName>,</salute>
        </opener>
        <p>Thank you for your <hi rend="italic">long</hi> letter.<lb/>
          I read it twice.</p>
        <p xml:id="p2">The <placeName ref="#moscow">Moscow</placeName> news; <note place="foot">See the papers.</note>
          more soon.</p>
        <closer>
          <salute>Yours ever,</salute>
          <signed>Isaac</signed>
        </closer>
      </div>
    </body>
    <back>
      <div type="places">
        <listPlace>
          <place xml:id="moscow"><placeName>Moscow</placeName></place>
        </listPlace>
      </div>
    </back>
  </text>
</TEI>
"""


def _corpus(tmp: Path, text: str = MINIMAL, name: str = "letter.xml", config: str | None = None) -> Path:
    folder = tmp / "c"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    if config is not None:
        (folder / "teikit.toml").write_text(config, encoding="utf-8")
    return folder


def _rules(problems: list) -> Counter[tuple[str, str]]:  # type: ignore[type-arg]
    return Counter((p.severity, p.rule) for p in problems)


def test_the_tei_minimum_validates_with_the_house_conventions_as_warnings(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    problems = list(iter_errors(folder))
    assert _rules(problems) == Counter({
        ("warning", "house-edition-version"): 1, ("warning", "house-document-idno"): 1,
        ("warning", "house-cite-structure"): 1, ("warning", "house-passage-ids"): 1,
        ("warning", "mention-ref"): 1, ("warning", "manifest-missing"): 1}), [str(p) for p in problems]
    ids = next(p for p in problems if p.rule == "house-passage-ids")
    # the division, the opener, the first paragraph and the closer lack IDs; the back is not cited
    assert ids.message.startswith("4 division(s) and block(s)") and "teikit ids" in ids.message
    assert (ids.line, ids.column) == (18, 7)
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0, result.output


def test_the_house_profile_makes_them_errors(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, config='profile = "house"\n')
    problems = [p for p in iter_errors(folder) if p.severity == "error"]
    rules = {p.rule for p in problems}
    assert "register-missing" in rules and any(r.startswith("grammar") for r in rules), rules
    assert CliRunner().invoke(main, ["validate", str(folder)]).exit_code == 1


def test_the_edition_opts_into_the_house_profile() -> None:
    from teikit.config import load_config

    assert load_config(TEI_DIR).strict


@pytest.mark.parametrize(("config", "message"), [
    ('profile = "lax"\n', "profile = “lax”: choose one of tei, house"),
    ("profile = \n", "not valid TOML"),
    ('colour = "red"\n', "unknown setting(s) colour"),
    ('[schema]\nrelaxng = "../outside.rng"\n', "leads outside the corpus folder"),
    ('[schema]\nschematron = ["missing.sch"]\n', "no such file in the corpus folder"),
])
def test_a_bad_settings_file_is_one_line_and_exit_2(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "outside.rng").write_text("<grammar/>", encoding="utf-8")
    folder = _corpus(tmp_path, config=config)
    for command in (["validate", str(folder)], ["build", "--tei-dir", str(folder), "--out", str(tmp_path / "o")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if "error" in line]
        assert len(lines) == 1 and message in lines[0] and "teikit.toml" in lines[0], result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_a_pointer_into_this_document_or_another_file_must_land(tmp_path: Path) -> None:
    text = MINIMAL.replace('ref="#moscow"', 'ref="#moskva"').replace(
        "<salute>Yours ever,</salute>", '<salute>Yours <ref target="other.xml#x">ever</ref>,</salute>')
    folder = _corpus(tmp_path, text)
    (folder / "other.xml").write_text(MINIMAL.replace('<div type="letter">', '<div xml:id="x" type="letter">')
                                      .replace('<div type="places">', '<div xml:id="y" type="places">'),
                                      encoding="utf-8")
    errors = [p for p in iter_errors(folder / "letter.xml") if p.rule == "pointer-target"]
    assert [(p.rule, p.line, p.message) for p in errors] == [
        ("pointer-target", 25, "@ref=“#moskva” on <placeName> points at no element of this document")]
    (folder / "other.xml").write_text(MINIMAL, encoding="utf-8")
    errors = [p for p in iter_errors(folder / "letter.xml") if p.rule == "pointer-target"]
    assert [(p.rule, p.line) for p in errors] == [("pointer-target", 25), ("pointer-target", 28)]
    assert "other.xml" in errors[1].message


# --------------------------------------------------------------------------- teikit ids

def _without_insertions(new: bytes, added: list[str]) -> bytes:
    """The edited file with what teikit ids inserted (the IDs ``added``, the refsDecl) taken out."""
    text = new.decode("utf-8")
    for ident in added:
        text = text.replace(f' xml:id="{ident}"', "", 1)
    text = re.sub(r"\n *<encodingDesc>\n *<refsDecl>.*?</refsDecl>\n *</encodingDesc>", "", text, flags=re.S)
    return text.encode("utf-8")


def test_ids_adds_passage_ids_and_the_cite_structure_and_changes_nothing_else(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    path = folder / "letter.xml"
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["ids", "--check", str(path)])
    assert result.exit_code == 1 and "lacks 1 division ID(s), 3 block ID(s), a citeStructure" in result.output
    assert path.read_bytes() == before  # --check changes nothing
    result = CliRunner().invoke(main, ["ids", str(path)])
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert _without_insertions(after, ["s1", "p1", "p3", "p4"]) == before  # byte for byte, but the insertions
    text = after.decode("utf-8")
    # the existing p2 is kept, so the new paragraph IDs skip it
    assert re.findall(r'<(\w+) xml:id="([sp]\d+)"', text) == [
        ("div", "s1"), ("opener", "p1"), ("p", "p3"), ("p", "p2"), ("closer", "p4")]
    assert '<citeStructure unit="section" match="/TEI/text/body//div" use="@xml:id">' in text
    problems = list(iter_errors(folder))
    assert {p.rule for p in problems} & {"house-passage-ids", "house-cite-structure"} == set()
    assert not [p for p in problems if p.severity == "error"]
    again = CliRunner().invoke(main, ["ids", str(path)])  # nothing left to do: the file is not touched
    assert again.exit_code == 0 and path.read_bytes() == after
    assert CliRunner().invoke(main, ["ids", "--check", str(path)]).exit_code == 0


def test_ids_keeps_another_encoding_and_refuses_a_link(tmp_path: Path) -> None:
    text = MINIMAL.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("Thank you", "Merci, café")
    folder = tmp_path / "c"
    folder.mkdir()
    path = folder / "letter.xml"
    path.write_bytes(text.encode("iso-8859-1"))
    assert CliRunner().invoke(main, ["ids", str(path)]).exit_code == 0
    data = path.read_bytes()
    assert "café".encode("iso-8859-1") in data and b'<p xml:id="p3">Merci' in data
    link = folder / "link.xml"
    os.symlink(path, link)
    result = CliRunner().invoke(main, ["ids", str(link)])
    assert result.exit_code == 1 and "symbolic link" in result.output


def test_ids_gives_the_edition_nothing_to_add() -> None:
    from teikit.ids import add_ids

    edition = next(p for p in sorted(TEI_DIR.glob("*.xml")) if p.name != "register.xml")
    data, added = add_ids(edition)
    assert not added.anything and data == edition.read_bytes()


# --------------------------------------------------------------------------- the project's own rules

PROJECT_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.tei-c.org/ns/1.0">
  <!-- This project's letters: every division says which kind of letter it is, from a closed list. -->
  <start><ref name="any"/></start>
  <define name="any">
    <element><anyName><except><name>div</name></except></anyName>
      <zeroOrMore><attribute><anyName/></attribute></zeroOrMore>
      <zeroOrMore><choice><text/><ref name="any"/><ref name="div"/></choice></zeroOrMore>
    </element>
  </define>
  <define name="div">
    <element name="div">
      <attribute name="type"><choice><value>letter</value><value>places</value></choice></attribute>
      <optional><attribute name="id" ns="http://www.w3.org/XML/1998/namespace"/></optional>
      <zeroOrMore><choice><text/><ref name="any"/><ref name="div"/></choice></zeroOrMore>
    </element>
  </define>
</grammar>
"""

PROJECT_SCH = """<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
  <sch:ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <sch:pattern>
    <sch:rule context="tei:closer">
      <sch:assert id="letters-signed" test="tei:signed">A letter's closer names who signed it (signed).</sch:assert>
    </sch:rule>
  </sch:pattern>
</sch:schema>
"""


def test_a_project_layers_its_own_grammar_and_schematron(tmp_path: Path) -> None:
    config = '[schema]\nrelaxng = "rules/letters.rng"\nschematron = ["rules/letters.sch"]\n'
    folder = _corpus(tmp_path, config=config)
    (folder / "rules").mkdir()
    (folder / "rules" / "letters.rng").write_text(PROJECT_RNG, encoding="utf-8")
    (folder / "rules" / "letters.sch").write_text(PROJECT_SCH, encoding="utf-8")
    assert not [p for p in iter_errors(folder) if p.severity == "error"]
    bad = MINIMAL.replace('<div type="letter">', '<div type="postcard">').replace("<signed>Isaac</signed>", "")
    (folder / "letter.xml").write_text(bad, encoding="utf-8")
    errors = [p for p in iter_errors(folder) if p.severity == "error"]
    assert [(p.rule, p.line, p.column) for p in errors] == [
        ("project-grammar-value", 18, 12), ("letters-signed", 27, 9)]
    assert "postcard" in errors[0].message and "“letter”, “places”" in errors[0].message


def test_a_project_grammar_may_not_include_files_outside_the_corpus(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, config='[schema]\nrelaxng = "letters.rng"\n')
    (tmp_path / "secret.rng").write_text(PROJECT_RNG, encoding="utf-8")
    (folder / "letters.rng").write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><include href="../secret.rng"/></grammar>',
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "includes “../secret.rng”, which is not a file inside the corpus folder" in result.output


def test_a_corpus_without_a_register_builds_under_the_tei_profile(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--tei-dir", str(folder), "--out", str(out), "-q",
                                       "--formats", "html,text,tei,dts"])
    assert result.exit_code == 0, result.output
    assert (out / "letter" / "index.html").is_file()
    shutil.rmtree(out)


@pytest.mark.parametrize("order", [[3, 1, 2, 5, 4], [1, 2, 3, 4, 5]])
def test_passages_with_ids_of_their_own_and_footnotes_are_numbered_by_their_place(
        tmp_path: Path, order: list[int]) -> None:
    """An edition's own paragraph IDs (any form) are kept; the ¶ numbers and the footnote numbers
    come from their places in the text (counted once per document, not per paragraph: issue 21)."""
    paras = "".join(f'<p xml:id="para-{k}">Paragraph in place {i}<note place="foot">Note {i}.</note> ends.</p>'
                    for i, k in enumerate(order, start=1))
    text = MINIMAL.replace("</opener>", f"</opener>{paras}", 1)
    folder = _corpus(tmp_path, text)
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--tei-dir", str(folder), "--out", str(out), "-q",
                                       "--formats", "html,text"])
    assert result.exit_code == 0, result.output
    import html5lib

    page = html5lib.parse((out / "letter" / "index.html").read_bytes(), namespaceHTMLElements=False)
    paragraphs = {p.get("id"): p for p in page.iter("p") if (p.get("id") or "").startswith("para-")}
    for i, k in enumerate(order, start=1):
        p = paragraphs[f"para-{k}"]
        assert f"Paragraph in place {i}" in "".join(p.itertext())
        link = p.find("a[@class='permalink']")
        assert link is not None and link.get("data-n") == str(i + 1)  # the opener is passage 1
        assert link.get("aria-label", "").startswith(f"¶{i + 1}:")
    plain = (out / "letter" / "letter.txt").read_text(encoding="utf-8")
    for i in range(1, 6):
        assert f"[{i}] Note {i}." in plain  # footnotes numbered in the order of the text
    assert "[6] See the papers." in plain  # the letter's own footnote, after the five


def test_a_commentary_of_plain_notes_builds_and_validates_in_time(tmp_path: Path) -> None:
    """Ordinary TEI commentary: notes in the back pointing at words, with neither @type nor
    xml:id.  They validate (a long run of notes once took libxml2 minutes: the div grammar is now
    read one way only) and build in every output, each note linked, numbered and searchable."""
    n = 300
    paras = "".join(f'<p>Text with <seg xml:id="w{i}">word {i}</seg> here.</p>' for i in range(1, n + 1))
    notes = "".join(f'<note target="#w{i}">Comment {i}.</note>' for i in range(1, n + 1))
    text = MINIMAL.replace("</opener>", f"</opener>{paras}", 1).replace(
        '<div type="places">', f'<div type="commentary">{notes}</div><div type="places">', 1)
    folder = _corpus(tmp_path, text)
    assert [p for p in iter_errors(folder) if p.severity == "error"] == []
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--tei-dir", str(folder), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    import html5lib

    page = html5lib.parse((out / "letter" / "index.html").read_bytes(), namespaceHTMLElements=False)
    ids = [el.get("id") for el in page.iter() if (el.get("id") or "").startswith("note-")]
    assert len(ids) == len(set(ids)) >= n  # every note has its own anchor
    assert sum(1 for a in page.iter("a") if a.get("href") == f"#note-{n}") >= 1
    record = (out / ".teikit" / "search" / "letter" / "index.html").read_text(encoding="utf-8")
    assert record.count('<h4 id="note-') == n


# --------------------------------------------------------------------------- teikit init

def test_init_makes_an_edition_that_validates_and_builds_at_once(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(tmp_path / "ed"), "--title", "My letters", "--author", "Ada Editor"])
    assert result.exit_code == 0, result.output
    tei = tmp_path / "ed" / "tei"
    assert sorted(p.name for p in tei.iterdir()) == ["document.xml", "passages.json", "register.xml", "teikit.toml"]
    assert (tmp_path / "ed" / "README.md").read_text(encoding="utf-8").startswith("# My letters")
    problems = list(iter_errors(tei))
    assert problems == [], [str(p) for p in problems]  # not even a warning: the header is complete
    result = runner.invoke(main, ["build", "--tei-dir", str(tei), "--out", str(tmp_path / "site"), "-q"])
    assert result.exit_code == 0, result.output
    for name in ("index.html", "document.txt", "document.epub", "document.pdf", "document.csl.json"):
        assert (tmp_path / "site" / "document" / name).is_file(), name


def test_init_creates_files_and_never_replaces_one(tmp_path: Path) -> None:
    folder = tmp_path / "ed"
    (folder / "tei").mkdir(parents=True)
    (folder / "tei" / "register.xml").write_text("mine", encoding="utf-8")
    (folder / "README.md").write_text("my readme", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 2 and "exists; teikit init creates files and never replaces one" in result.output
    assert sorted(p.name for p in (folder / "tei").iterdir()) == ["register.xml"]
    assert (folder / "tei" / "register.xml").read_text(encoding="utf-8") == "mine"
    (folder / "tei" / "register.xml").unlink()
    result = CliRunner().invoke(main, ["init", str(folder)])  # a README of one's own is kept, not replaced
    assert result.exit_code == 0 and "kept" in result.output
    assert (folder / "README.md").read_text(encoding="utf-8") == "my readme"


ARTICLE = ("On Reading Slowly\n\nThe first paragraph, with an ampersand & a <tag>.\n\n"
           "The second paragraph — with “quotes”, ½ café and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n\nA third.\n")


def _text_of(tmp: Path, text: str, *extra: str) -> bytes:
    source = tmp / "article.txt"
    source.write_text(text, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(tmp / "ed"), "--from-text", str(source), *extra])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["build", "--tei-dir", str(tmp / "ed" / "tei"), "--out", str(tmp / "site"), "-q",
                                  "--formats", "text"])
    assert result.exit_code == 0, result.output
    return (tmp / "site" / "article" / "article.txt").read_bytes()


def test_init_from_text_keeps_the_reading_text_byte_for_byte(tmp_path: Path) -> None:
    assert _text_of(tmp_path, ARTICLE) == ARTICLE.encode("utf-8")
    problems = list(iter_errors(tmp_path / "ed" / "tei"))
    assert problems == [], [str(p) for p in problems]


def test_init_from_text_unwraps_lines_inside_a_paragraph(tmp_path: Path) -> None:
    wrapped = "A title\n\nA paragraph that was\nwrapped at a width.\n\n\nAnother,\n  indented.\n"
    assert _text_of(tmp_path, wrapped) == b"A title\n\nA paragraph that was wrapped at a width.\n\nAnother, indented.\n"


@pytest.mark.parametrize("bad", [b"\xff\xfe not utf-8", b"only one block\n", b"ctrl \x01 char\n\npara\n"])
def test_init_from_text_refuses_what_is_not_an_article(tmp_path: Path, bad: bytes) -> None:
    (tmp_path / "a.txt").write_bytes(bad)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ed"), "--from-text", str(tmp_path / "a.txt")])
    assert result.exit_code == 1 and len([ln for ln in result.output.splitlines() if "error" in ln]) == 1
    assert not (tmp_path / "ed").exists() or not any((tmp_path / "ed").rglob("*.xml"))


# --------------------------------------------------------------------------- the vocabulary

VOCABULARY = Path(__file__).parent / "fixtures" / "vocabulary" / "vocabulary.xml"


def test_the_vocabulary_document_validates_under_the_default_profile() -> None:
    problems = list(iter_errors(VOCABULARY))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert {p.rule for p in problems} == {"house-cite-structure", "house-document-idno", "house-edition-version",
                                          "house-passage-ids", "foreign-lang-declared", "pointer-target"}


@pytest.mark.java
def test_what_the_tei_profile_accepts_here_is_valid_tei_all(tmp_path: Path) -> None:
    """schema/tei.rnc claims to accept only valid TEI: the vocabulary document, teikit init's
    document (both kinds) and a real document are checked against the official tei_all.rng."""
    import subprocess

    from conftest import need_java, shared

    rng = shared("tei", "tei_all.rng")
    need_java()
    assert CliRunner().invoke(main, ["init", str(tmp_path / "a")]).exit_code == 0
    (tmp_path / "t.txt").write_text(ARTICLE, encoding="utf-8")
    made = CliRunner().invoke(main, ["init", str(tmp_path / "b"), "--from-text", str(tmp_path / "t.txt")])
    assert made.exit_code == 0
    real = Path(__file__).parent / "real" / "play-kafka-gruftwaechter" / "play-kafka-gruftwaechter.xml"
    files = [VOCABULARY, tmp_path / "a" / "tei" / "document.xml", tmp_path / "b" / "tei" / "t.xml", real]
    for f in files:
        assert not [p for p in iter_errors(f) if p.severity == "error"], f
    run = subprocess.run(["pyjing", str(rng), *map(str, files)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def vocabulary_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from teikit.publish import BuildOptions, build

    folder = tmp_path_factory.mktemp("vocabulary") / "tei"
    folder.mkdir()
    shutil.copy(VOCABULARY, folder)
    site = folder.parent / "site"
    build(folder, site, BuildOptions(jobs=1, formats=("html", "text", "epub", "pdf", "tei", "dts", "citations")))
    return site


def test_every_construct_is_rendered_in_the_reading_page(vocabulary_site: Path) -> None:
    import html5lib

    page = html5lib.parse((vocabulary_site / "vocabulary" / "index.html").read_bytes(), treebuilder="lxml",
                          namespaceHTMLElements=False)

    def one(xpath: str) -> str:
        found = page.xpath(xpath)
        assert found, xpath
        return " ".join(" ".join("".join(el.itertext()).split()) if hasattr(el, "itertext") else str(el)
                        for el in found)

    article = "//article[contains(@class, 'reading-text')]"
    assert one(f"{article}//i[contains(@class, 'hi')]") == "italics"
    assert one(f"{article}//b") == "bold" and one(f"{article}//em") == "emphasis"
    assert page.xpath(f"{article}//br[@class='lb']")
    assert one(f"{article}//cite") == "A Book"
    assert one(f"{article}//a[@href='https://example.org/']") == "link"
    assert one(f"{article}//a[@class='ptr']/@href") == "https://example.org/ptr"
    text = one(article)
    # the source's readings are the text: sic, abbreviation, original spelling; never the editor's
    assert "teh error" in text and "Dr. Who" in text and "colour" in text
    assert "Doctor" not in text and "color;" not in text and " the error" not in text
    assert one(f"{article}//ins[@class='add']") == "added" and one(f"{article}//del[@class='del']") == "deleted"
    assert page.xpath(f"{article}//span[@class='gap']") and one(f"{article}//span[@class='unclear']") == "unclear"
    assert one(f"{article}//span[@class='supplied']") == "supplied"
    assert one(f"{article}//i[@lang='fr']") == "un mot"
    assert one(f"{article}//a[contains(@class, 'mention')][@href='#entry-ada']") == "Ada"  # the document's own list
    assert page.xpath(f"{article}//span[@class='pb'][@data-n='1']")
    assert page.xpath(f"{article}//span[@class='milestone'][@data-n='2']")
    assert one(f"{article}//section//section/h3") == "Nested"  # a division in a division
    assert "A quotation set off." in one(f"{article}//blockquote")
    assert "A Source, 1901" in one(f"{article}//div[contains(@class, 'cit')]")
    assert ["".join(li.itertext()).strip() for li in page.xpath(f"{article}//ol/li")] == ["First item", "Second item"]
    assert one(f"{article}//table/caption") == "A table" and "Name" in one(f"{article}//table//th")
    assert "What the figure shows." in one(f"{article}//figure/figcaption")
    assert len(page.xpath(f"{article}//div[contains(@class, 'lg')]/span[contains(@class, 'l')]")) == 2
    assert "London" in one(f"{article}//div[contains(@class, 'opener')]/p[@class='dateline']")
    assert one(f"{article}//div[contains(@class, 'closer')]/p[@class='signed']") == "Ann"
    assert "A postscript." in one(f"{article}//div[contains(@class, 'postscript')]")
    assert "Hamlet" in one(f"{article}//div[contains(@class, 'castList')]")
    assert one(f"{article}//div[contains(@class, 'sp')]/p[@class='speaker']") == "Hamlet."
    assert "He sits." in one(f"{article}//div[contains(@class, 'sp')]/p[contains(@class, 'stage')]")
    assert "A Miscellany" in one(f"{article}//div[@class='titlePage']")  # the front
    assert "Words in the back." in text  # the back
    assert one("//section[@class='footnotes']//li") .startswith("The footnote’s words.")
    assert page.xpath(f"{article}//a[contains(@class, 'footnote-ref')][@href='#fn1']")


def test_every_construct_is_in_the_plain_text_as_a_reader_expects(vocabulary_site: Path) -> None:
    text = (vocabulary_site / "vocabulary" / "vocabulary.txt").read_text(encoding="utf-8")
    for expected in (
            "Words in italics, bold and emphasis; a line break, a word broken; a note[1]; a quotation and A Book;",
            "teh error, Dr. Who, colour; added and words, a gap […], an unclear and a supplied reading, un mot, "
            "and Ada on 1 July 1843.",
            "The first line of verse,\nthe second line of verse.",
            "London, 11 February 1900\nDear Friend,",
            "Yours,\nAnn",
            "Hamlet.\nTo be, or not to be.\nHe sits.",
            "- First item\n- Second item",
            "A table\nName | Year\nAda | 1843",
            "Notes\n\n[1] The footnote’s words.\n"):
        assert expected in text, (expected, text)
    assert "deleted" not in text and "Doctor" not in text  # what was struck out, the editor's expansion
    assert not re.search(r"\n[ \t]", text)  # no indentation from the XML


def test_every_construct_is_in_the_epub_and_epubcheck_passes_it(vocabulary_site: Path) -> None:
    import zipfile

    from conftest import epubcheck_report

    epub = vocabulary_site / "vocabulary" / "vocabulary.epub"
    with zipfile.ZipFile(epub) as z:
        xhtml = z.read("EPUB/text.xhtml").decode("utf-8")
    for marker in ('class="lg', 'class="speaker"', 'class="opener', 'epub:type="footnote"', "<table>", "<ol>",
                   'class="pb"', "<blockquote", 'class="titlePage"', "Words in the back."):
        assert marker in xhtml, marker
    report = epubcheck_report(epub)
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in report, report


def test_names_pointing_into_another_file_of_the_corpus_are_indexed(tmp_path: Path) -> None:
    import html5lib

    people = MINIMAL.replace('<div type="places">', '<div type="people">').replace(
        '<listPlace>\n          <place xml:id="moscow"><placeName>Moscow</placeName></place>\n        </listPlace>',
        '<listPerson>\n          <person xml:id="tamara"><persName>Tamara Deutscher</persName></person>\n'
        '        </listPerson>')
    letter = MINIMAL.replace("<persName>Tamara</persName>", '<persName ref="people.xml#tamara">Tamara</persName>')
    folder = _corpus(tmp_path, letter)
    (folder / "people.xml").write_text(people, encoding="utf-8")
    assert not [p for p in iter_errors(folder) if p.severity == "error"]
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--tei-dir", str(folder), "--out", str(out), "-q", "--formats", "html"])
    assert result.exit_code == 0, result.output
    page = html5lib.parse((out / "letter" / "index.html").read_bytes(), treebuilder="lxml",
                          namespaceHTMLElements=False)
    assert page.xpath("//article//a[contains(@class, 'mention-person')][@href='#entry-tamara']")
    assert "Tamara Deutscher" in "".join(page.xpath("//li[@id='entry-tamara']//text()"))


def test_ids_header_supplies_the_edition_version_and_the_document_identifier(tmp_path: Path) -> None:
    text = MINIMAL.replace("<publicationStmt>\n        <p>Unpublished.</p>\n      </publicationStmt>",
                           "<publicationStmt>\n        <publisher>Ann Editor</publisher>\n      </publicationStmt>")
    folder = _corpus(tmp_path, text)
    path = folder / "letter.xml"
    before = path.read_bytes()
    warned = {p.rule: p.message for p in iter_errors(folder)}
    assert "teikit ids --header" in warned["house-edition-version"]
    assert "teikit ids --header" in warned["house-document-idno"]
    result = CliRunner().invoke(main, ["ids", "--header", str(path)])
    assert result.exit_code == 0 and "an edition version, the document's identifier" in result.output, result.output
    after = path.read_text(encoding="utf-8")
    assert '<editionStmt>\n        <edition n="1.0.0"/>\n      </editionStmt>' in after
    assert '<idno type="teikit">letter</idno>' in after
    rules = {p.rule for p in iter_errors(folder)}
    assert not rules & {"house-edition-version", "house-document-idno", "house-cite-structure", "house-passage-ids"}
    assert not [p for p in iter_errors(folder) if p.severity == "error"]
    # only insertions: taken out again, the file is what it was
    undone = re.sub(r'\n *<editionStmt>\n *<edition n="1.0.0"/>\n *</editionStmt>', "", after)
    undone = undone.replace('  <idno type="teikit">letter</idno>\n      ', "")
    undone = re.sub(r"\n *<encodingDesc>\n *<refsDecl>.*?</refsDecl>\n *</encodingDesc>", "", undone, flags=re.S)
    for ident in ("s1", "p1", "p3", "p4"):
        undone = undone.replace(f' xml:id="{ident}"', "", 1)
    assert undone.encode("utf-8") == before


def test_ids_header_leaves_a_publication_statement_of_paragraphs_alone(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    result = CliRunner().invoke(main, ["ids", "--header", str(folder / "letter.xml")])
    assert result.exit_code == 0 and "the document's identifier" not in result.output
    warned = {p.rule: p.message for p in iter_errors(folder)}
    assert "add a publisher and" in warned["house-document-idno"]  # TEI allows no idno beside paragraphs
    assert not [p for p in iter_errors(folder) if p.severity == "error"]
