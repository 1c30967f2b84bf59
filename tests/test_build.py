"""`teikit build`: outputs, golden files, determinism, atomicity, the plain-text round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from conftest import EDITION_VERSION, FIXTURES, SEED, TEI_DIR
from teikit import publish
from teikit.cli import main
from teikit.errors import ValidationFailed
from teikit.publish import BuildOptions, build

DOC = "deutscher-1959-khrushchev-mao"
GOLDEN = Path(__file__).parent / "golden"


def normalise(text: str) -> str:
    """Golden comparison ignores only line-ending style and trailing spaces."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))


@pytest.mark.parametrize("name", [f"{DOC}/index.html", f"{DOC}/{DOC}.txt"])
def test_output_matches_golden(built: Path, name: str, update_golden: bool) -> None:
    golden = GOLDEN / Path(name).name.replace("index.html", f"{DOC}.html")
    current = normalise((built / name).read_text(encoding="utf-8"))
    if update_golden:
        golden.write_text(current, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run pytest --update-golden"
    assert current == normalise(golden.read_text(encoding="utf-8")), \
        f"{name} differs from {golden}; if intended, run pytest --update-golden and review the diff"


def test_plain_text_round_trips_the_seed(built: Path) -> None:
    text = (built / DOC / f"{DOC}.txt").read_text(encoding="utf-8")
    seed = SEED.read_text(encoding="utf-8")
    assert text == seed + "\n"
    body = seed.split("\n", 8)[8]
    assert text.rstrip("\n").endswith(body)


def test_plain_text_ids_and_width(tmp_path: Path) -> None:
    build(TEI_DIR, tmp_path / "out", BuildOptions(text_ids=True, text_width=60))
    text = (tmp_path / "out" / DOC / f"{DOC}.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert "[p1] The Twenty-First Congress" in text
    assert "[p5] Revision and Revolt: In the first" in text
    unwrapped = re.sub(r"\[p\d+\] ", "", " ".join(text.split()))
    assert unwrapped == " ".join(SEED.read_text(encoding="utf-8").split())


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    build(TEI_DIR, tmp_path / "a")
    build(TEI_DIR, tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert {Path(DOC) / name for name in ("index.html", f"{DOC}.txt", f"{DOC}.csl.json", f"{DOC}.bib", f"{DOC}.ris")} \
        <= set(files_a)
    assert any(p.parts[:2] == ("api", "dts") for p in files_a)
    assert Path(".teikit/output.json") in files_a and Path(".teikit/state.json") in files_a
    for rel in files_a:
        if rel.parts[0] == ".teikit" and rel.name == "state.json":
            continue  # the build's bookkeeping records file facts (inodes, times) of this very output
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def leftovers(folder: Path) -> list[str]:
    """Staging or old trees a build left beside its output (the lock file is meant to stay)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in ("dist", ".dist.lock"))


def test_invalid_edition_is_refused_and_previous_output_kept(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(TEI_DIR, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(ValidationFailed):
        build(FIXTURES / "invalid", out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path) == []


def test_failure_midway_leaves_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    build(TEI_DIR, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_write = publish._write

    def failing_write(path: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # as if Ctrl-C arrived halfway through writing
        real_write(path, text)

    monkeypatch.setattr(publish, "_write", failing_write)
    with pytest.raises(KeyboardInterrupt):
        build(TEI_DIR, out, BuildOptions(base_url="https://other.example/"))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path) == []


def test_cli_build_and_refusal(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["build", "--tei-dir", str(TEI_DIR), "--out", str(tmp_path / "o")])
    assert ok.exit_code == 0 and "built 1 document(s)" in ok.stdout
    bad = runner.invoke(main, ["build", "--tei-dir", str(FIXTURES / "invalid"), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1
    assert "[ref-form]" in bad.stderr and "nothing was published" in bad.stderr


# ------------------------------------------------------------------------ HTML structure

@pytest.fixture(scope="module")
def page(built: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((built / DOC / "index.html").read_bytes())


def test_html_sections_paragraphs_and_permalinks(page: lxml_html.HtmlElement) -> None:
    sections = page.xpath("//main//section[@class='section']")
    assert [s.get("id") for s in sections] == [f"s{i}" for i in range(1, 7)]
    paras = page.xpath("//p[@class='passage']")
    assert [p.get("id") for p in paras] == [f"p{i}" for i in range(1, 32)]
    for p in paras:
        link = p.xpath("a[@class='permalink']")[0]
        # The number is drawn from data-n (CSS), so the paragraph's text holds no "¶12".
        assert link.get("href") == "#" + p.get("id") and link.get("data-n") == p.get("id")[1:]
        assert link.text_content() == "" and "¶" in link.get("aria-label")
    assert page.xpath("//section[@id='s2']//h2")[0].text_content() == "Revision and Revolt"
    toc = [a.get("href") for a in page.xpath("//nav[@class='topbar']//details[1]//a")]
    assert toc[:6] == [f"#s{i}" for i in range(1, 7)]


def test_html_language_and_french_phrase(page: lxml_html.HtmlElement) -> None:
    assert page.get("lang") == "en"
    [fr] = page.xpath("//*[@lang='fr']")
    assert fr.text_content() == "univers concentrationnaire"


def test_every_mention_is_a_link_to_an_index_entry(page: lxml_html.HtmlElement) -> None:
    links = page.xpath("//main//a[contains(@class, 'mention')]")
    assert len(links) >= 180
    ids = set(page.xpath("//@id"))
    for a in links:
        assert a.get("href", "").startswith("#entry-") and a.get("href")[1:] in ids
    assert not page.xpath("//a//a"), "nested links"
    mao = page.xpath("//li[@id='entry-mao_zedong']")[0]
    assert "Mao Zedong" in mao.text_content() and "(1893–1976)" in mao.text_content()
    assert mao.xpath(".//a[@href='https://www.wikidata.org/wiki/Q5816']")
    passages = [a.get("href") for a in mao.xpath(".//span[@class='entry-passages']/a")]
    # Each back-link lands on the first words in that paragraph that name Mao.
    assert [h.split("-")[1] for h in passages] == ["p22", "p23", "p24", "p25", "p26", "p27", "p28"]
    for href in passages:
        [words] = page.xpath(f"//*[@id='{href[1:]}']")
        assert "mao_zedong" in words.get("data-entries").split() and "Mao" in words.text_content()


def test_indexes_and_chronology(page: lxml_html.HtmlElement) -> None:
    for kind in ("person", "place", "org", "event"):
        assert page.xpath(f"//section[@id='index-{kind}']//li")
    chron = page.xpath("//section[@id='chronology']//li")
    keys = [li.xpath("time/@datetime")[0] for li in chron]
    assert keys == sorted(keys) and "1959-02-03" in keys
    june = next(li for li in chron if li.xpath("time/@datetime")[0] == "1957-06")
    assert [a.get("href") for a in june.xpath("a")] == ["#p4", "#p10", "#p13"]
    # Dated events merged in, with compact ranges: the Zinoviev trial of 19–24 August 1936.
    trial = next(li for li in chron if li.get("id") == "event-zinoviev_trial")
    assert trial.xpath("string(time)") == "19–24 August 1936" and "Trial of the Sixteen" in trial.text_content()
    # Every date in the text leads to its line.
    ids = {li.get("id") for li in chron}
    assert all(a.get("href")[1:] in ids for a in page.xpath("//main//a[@class='date']"))


def test_reference_manager_metadata(page: lxml_html.HtmlElement) -> None:
    import json

    meta = {m.get("name"): m.get("content") for m in page.xpath("//meta[@name]")}
    assert meta["citation_title"] == "Khrushchev, Mao and Stalin’s Ghost"
    assert meta["citation_author"] == "Deutscher, Isaac"
    assert meta["citation_publication_date"] == "1959/02/19"
    assert meta["citation_journal_title"] == "The Reporter"
    assert meta["citation_public_url"] == f"https://teikit.example.org/{DOC}/"
    [ld] = page.xpath("//script[@type='application/ld+json']")
    edition, _, article = json.loads(ld.text)["@graph"]
    assert article["@type"] == "Article" and article["datePublished"] == "1959-02-19"
    assert article["isPartOf"]["isPartOf"]["name"] == "The Reporter" and edition["version"] == EDITION_VERSION


def test_page_is_self_contained(built: Path, page: lxml_html.HtmlElement) -> None:
    loaded = page.xpath("//script/@src | //link[@rel='stylesheet']/@href | //img/@src")
    assert loaded and all(not re.match(r"^[a-z]+:|^//", u) for u in loaded)
    for u in loaded:
        assert (built / DOC / u).resolve().is_file()
    css = (built / "assets" / "teikit.css").read_text()
    assert "@media print" in css and "@import" not in css and "url(" not in css


def test_html_escapes_markup_in_text(tmp_path: Path) -> None:
    src = (FIXTURES / "minimal" / "doc.xml").read_text()
    hostile = src.replace("went to", "went &lt;script&gt;alert(1)&lt;/script&gt; to")
    folder = tmp_path / "tei"
    folder.mkdir()
    (folder / "doc.xml").write_text(hostile)
    (folder / "register.xml").write_text((FIXTURES / "minimal" / "register.xml").read_text())
    build(folder, tmp_path / "out")
    page = (tmp_path / "out" / "minimal" / "index.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def two_document_corpus(folder: Path) -> Path:
    """A corpus of two small documents sharing one register."""
    folder.mkdir()
    (folder / "register.xml").write_text((FIXTURES / "minimal" / "register.xml").read_text())
    src = (FIXTURES / "minimal" / "doc.xml").read_text()
    for ident, title, date in (("alpha", "Alpha", "1959-02-19"), ("beta", "Beta", "1958-01-01")):
        (folder / f"{ident}.xml").write_text(
            src.replace('xml:id="minimal"', f'xml:id="{ident}"').replace("A Minimal Document", title)
            .replace("1959-02-19", date))
    return folder


def test_a_landing_page_at_the_site_root_even_for_one_document(tmp_path: Path, built: Path) -> None:
    one = lxml_html.fromstring((built / "index.html").read_bytes())  # a static host lists no folder
    assert one.xpath("//ol[@class='catalogue']/li/a/@href") == [f"{DOC}/"]
    result = build(two_document_corpus(tmp_path / "tei"), tmp_path / "out")
    assert result.documents == ["alpha", "beta"]
    page = lxml_html.fromstring((tmp_path / "out" / "index.html").read_bytes())
    items = page.xpath("//ol[@class='catalogue']/li")
    assert [li.xpath("a/@href")[0] for li in items] == ["beta/", "alpha/"]  # by date of publication
    assert "Alpha" in items[1].text_content() and "19 February 1959" in items[1].text_content()
    for ident in ("alpha", "beta"):
        assert (tmp_path / "out" / ident / "index.html").is_file()
