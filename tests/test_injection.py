"""No string from the TEI changes how an output is parsed (issue 14, points 1 and 2).

The edition is copied with hostile strings (``hostile_edition.PAYLOAD``) in every header text field,
every register name and note, and every paragraph, and built beside a control copy with nothing
hostile in it.  Each output is then read by the parser its users' software uses — an HTML5 parser
(html5lib, which tokenises ``<script>`` as browsers do) and Chromium for pages; pybtex and
bibtexparser for BibLaTeX; rispy for RIS; json for CSL-JSON and DTS — and must have exactly the
control's structure, with the hostile strings back as the values they were.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import TEI_DIR, served
from hostile_edition import DOC, PAYLOAD_NORMALISED, SECOND, hostile_edition

XML_SPACE = re.compile(r"[ \t\n\r]+")


def build_copy(folder: Path, payload: str | None) -> Path:
    from teikit.publish import BuildOptions, build

    tei = hostile_edition(TEI_DIR, folder / "tei", *(() if payload is None else (payload,)))
    build(tei, folder / "site", BuildOptions(jobs=1))
    return folder / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the hostile site, the control site): the same corpus built with and without the payload."""
    root = tmp_path_factory.mktemp("injection")
    return build_copy(root / "hostile", None), build_copy(root / "control", "")


def pages(site: Path) -> list[Path]:
    found = sorted(p.relative_to(site) for p in site.rglob("*.html") if ".teikit" not in p.parts)
    assert len(found) == 4  # the site index, the search page and the two documents' pages
    return found


def html5(path: Path) -> Any:
    import html5lib

    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def shape(tree: Any) -> collections.Counter[str]:
    """Every element with its attribute names: what a page's markup is, whatever its text says."""
    return collections.Counter(f"{el.tag}[{' '.join(sorted(el.attrib))}]" for el in tree.iter()
                               if isinstance(el.tag, str))


def text(el: Any) -> str:
    return XML_SPACE.sub(" ", "".join(el.itertext()))


# ------------------------------------------------------------------------------------------ HTML


def test_every_page_has_the_controls_markup_in_an_html5_parser(sites: tuple[Path, Path]) -> None:
    hostile, control = sites
    for page in pages(hostile):
        tree, clean = html5(hostile / page), html5(control / page)
        assert shape(tree) == shape(clean), page  # no element or attribute more or less: nothing live
        scripts = [(s.get("type"), s.get("src"), (s.text or "").strip() != "") for s in tree.iter("script")]
        if page == Path("search/index.html"):
            assert scripts == [("module", "../assets/search.js", False)]
        elif page.name == "index.html" and page.parent != Path("."):
            assert scripts == [("application/ld+json", None, True), (None, "../assets/teikit.js", False),
                               ("application/json", None, True)]
            ids = {el.get("id") for el in tree.iter("p") if el.get("id")}
            assert {f"p{n}" for n in range(1, 32)} <= ids
            # The hostile strings are there, as text.
            assert PAYLOAD_NORMALISED in text(tree.find(".//h1"))
            meta = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
            assert PAYLOAD_NORMALISED in meta["citation_title"]
            assert PAYLOAD_NORMALISED in meta["citation_journal_title"]


def test_json_ld_reads_back_the_values_it_was_given(sites: tuple[Path, Path]) -> None:
    hostile, _ = sites
    raw = (hostile / DOC / "index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    for char in "<>&\u2028\u2029":  # none of them raw inside the script element
        assert char not in block
    edition, _, article = json.loads(block)["@graph"]
    assert PAYLOAD_NORMALISED in edition["name"] and PAYLOAD_NORMALISED in article["headline"]
    assert PAYLOAD_NORMALISED in article["isPartOf"]["isPartOf"]["name"]
    names = [m["name"] for m in article["mentions"]]
    assert names and all(name.endswith(PAYLOAD_NORMALISED) for name in names)


@pytest.mark.browser
def test_chromium_renders_every_paragraph_and_runs_only_teikit_js(browser: Any, sites: tuple[Path, Path]) -> None:
    hostile, _ = sites
    with served(hostile) as origin:
        for ident in (DOC, SECOND):
            check_page_in_chromium(browser, f"{origin}/{ident}/index.html")


def check_page_in_chromium(browser: Any, url: str) -> None:
    """One page in Chromium: every paragraph, only teikit's scripts, and the hostile text as text."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    state = page.evaluate("""() => ({
        paragraphs: document.querySelectorAll('main p[id^="p"]').length,
        scripts: Array.from(document.scripts, s => s.type || s.src.split('/').pop()),
        loaded: performance.getEntriesByType('resource').map(r => r.name.split('/').pop()),
        images: document.images.length,
        title: document.querySelector('h1').textContent,
    })""")
    context.close()
    assert state["paragraphs"] == 31, state
    assert state["scripts"] == ["application/ld+json", "teikit.js", "application/json"]
    assert "teikit.js" in state["loaded"]
    assert state["images"] == 0 and dialogs == []
    assert PAYLOAD_NORMALISED in XML_SPACE.sub(" ", state["title"])


# --------------------------------------------------------------------------------------- exports


def csl(site: Path, ident: str = DOC) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((site / ident / f"{ident}.csl.json").read_text(encoding="utf-8"))
    return items


def test_csl_json_carries_the_hostile_values(sites: tuple[Path, Path]) -> None:
    hostile, control = sites
    items, clean = csl(hostile), csl(control)
    assert [sorted(i) for i in items] == [sorted(i) for i in clean]  # the same fields, no more
    assert all(PAYLOAD_NORMALISED in item["title"] and PAYLOAD_NORMALISED in item["container-title"]
               for item in items)


def latex_to_text(value: str) -> str:
    """What LaTeX prints for a field, as pylatexenc reads it, told the text commands teikit uses."""
    from pylatexenc import latex2text

    db = latex2text.get_default_latex_context_db()
    db.add_context_category("teikit-text-commands", prepend=True, macros=[
        latex2text.MacroTextSpec(name, simplify_repl=repl) for name, repl in (
            ("textbraceleft", "{"), ("textbraceright", "}"), ("textless", "<"), ("textgreater", ">"),
            ("textasciigrave", "`"), ("textasciicircum", "^"), ("textasciitilde", "~"), ("textbackslash", "\\"))])
    return XML_SPACE.sub(" ", latex2text.LatexNodes2Text(latex_context=db, math_mode="verbatim")
                         .latex_to_text(value)).strip()


BIB_FIELDS = {"title": "title", "journal": "container-title"}


def test_biblatex_fields_cannot_be_broken_out_of(sites: tuple[Path, Path]) -> None:
    import bibtexparser
    from pybtex.database import parse_string

    hostile, control = sites
    bib = (hostile / DOC / f"{DOC}.bib").read_text(encoding="utf-8")
    clean = parse_string((control / DOC / f"{DOC}.bib").read_text(encoding="utf-8"), "bibtex")
    # pybtex parses as BibTeX does (it raises on a stray brace or an undefined string).
    db = parse_string(bib, "bibtex")
    items = {re.sub(r"[^A-Za-z0-9:._-]", "-", i["id"]): i for i in csl(hostile)}
    assert list(db.entries) == list(clean.entries) == list(items)
    for key, entry in db.entries.items():
        assert sorted(entry.fields) == sorted(clean.entries[key].fields), key  # no injected field
        assert len(entry.persons["author"]) == len(items[key]["author"])  # no injected name
        for person, name in zip(entry.persons["author"], items[key]["author"], strict=True):
            parts = [" ".join(person.last_names), " ".join(person.first_names + person.middle_names)]
            expected = [name.get("family", name.get("literal", "")), name.get("given", "")]
            assert [" ".join(latex_to_text(p.strip("{}")).split()) for p in parts] == \
                [" ".join(e.split()) for e in expected], key
    # bibtexparser sees the same entries and fields, fails on no block, and keeps each value's
    # characters as written (pybtex folds Unicode whitespace), so the values are checked on it.
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == list(db.entries)
    for entry in library.entries:
        item = items[entry.key]
        assert sorted(entry.fields_dict) == sorted([*db.entries[entry.key].fields, "author"])
        for field, csl_key in BIB_FIELDS.items():
            if csl_key in item:
                assert latex_to_text(entry.fields_dict[field].value) == item[csl_key], (entry.key, field)


def test_ris_records_cannot_be_broken_out_of(sites: tuple[Path, Path]) -> None:
    import rispy

    hostile, control = sites
    records = rispy.loads((hostile / DOC / f"{DOC}.ris").read_text(encoding="utf-8"))
    clean = rispy.loads((control / DOC / f"{DOC}.ris").read_text(encoding="utf-8"))
    items = csl(hostile)
    assert [sorted(r) for r in records] == [sorted(r) for r in clean]  # no tag more or less
    assert len(records) == len(items)
    for record, item in zip(records, items, strict=True):
        # RIS is one line per value: line breaks (and the other characters software treats as one)
        # become spaces, and that is the only change.
        assert record["title"] == " ".join(item["title"].split())
        assert record["type_of_reference"] == "MGZN"
        assert len(record["authors"]) == len(item["author"])


def test_plain_text_paragraphs_stay_paragraphs(sites: tuple[Path, Path]) -> None:
    hostile, control = sites
    blocks = (hostile / DOC / f"{DOC}.txt").read_text(encoding="utf-8").split("\n\n")
    clean = (control / DOC / f"{DOC}.txt").read_text(encoding="utf-8").split("\n\n")
    assert len(blocks) == len(clean)
    assert all("\n" not in b.strip("\n") for b in blocks)  # a line break in the TEI is a space
    assert sum(PAYLOAD_NORMALISED in b for b in blocks) == 31 + 3  # 31 paragraphs, byline, title, source


def test_dts_json_answers_parse_and_keep_the_values(sites: tuple[Path, Path]) -> None:
    hostile, control = sites
    api = hostile / "api" / "dts"
    files = sorted(api.rglob("*.json"))
    assert len(files) == len(list((control / "api" / "dts").rglob("*.json"))) > 100
    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    about_a_document = 0
    for path in files:
        found = list(strings(json.loads(path.read_text(encoding="utf-8"))))
        if DOC in path.name or DOC in path.parent.name:
            about_a_document += 1
            assert any(PAYLOAD_NORMALISED in value for value in found), path  # the title, as it was
    assert about_a_document > 100


def test_the_control_is_clean(sites: tuple[Path, Path]) -> None:
    """The comparisons above mean something only if the control has none of the payload."""
    _, control = sites
    for path in control.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".bib", ".ris", ".txt", ".xml"):
            assert "onerror=alert(2)" not in path.read_text(encoding="utf-8"), path


# -------------------------------------------------------------------------------------- terminal

# What a terminal acts on: ESC and the other C0 controls but line feed and tab, DEL, C1 (CSI is
# U+009B), the line/paragraph separators, bidi embeddings, overrides and isolates, zero-width spaces.
ACTED_ON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200b\u200e\u200f\u202a-\u202e"
                      "\u2060-\u2069\ufeff]")


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the installed command with stdout and stderr on a pseudo-terminal; all it printed."""
    import os
    import pty
    import subprocess
    import sys

    from test_cli_contract import teikit

    script = Path(sys.executable).parent / "teikit"
    assert script.exists() or teikit  # the console script, as a user runs it
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(script), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    # The terminal's line discipline writes each line feed as CR LF.
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("args", [
    ("cite", f"{DOC}:p3"),
    ("cite", f"{DOC}:p3", "--format", "json"),
    ("cite", f"{DOC}:p3", "--format", "bibtex"),
    ("resolve", f"{DOC}:p3"),
    ("resolve", f"{DOC}:p3", "--format", "json"),
    ("validate",),
    ("info",),
    ("cite", f"{DOC}:p3\u202e\x1b[2J\u009b31m"),  # a hostile reference, echoed in the error
])
def test_nothing_a_terminal_would_act_on_is_printed_raw(args: tuple[str, ...], sites: tuple[Path, Path]) -> None:
    hostile, _ = sites
    code, printed = on_a_terminal(*args, "--tei-dir", str(hostile.parent / "tei"))
    assert code in (0, 1), printed
    assert not ACTED_ON.findall(printed), printed[:2000]
    if args[0] in ("cite", "resolve"):  # they print the hostile text (validate and info only count it)
        assert "\\u202e" in printed and "\\u009b" in printed  # shown, as escapes


def test_a_redirected_output_keeps_the_characters(sites: tuple[Path, Path]) -> None:
    """Escaping is for terminals: a citation written to a file is the TEI's text, character for character."""
    from test_cli_contract import teikit

    hostile, _ = sites
    done = teikit("cite", f"{DOC}:p3", "--format", "ris", "--tei-dir", str(hostile.parent / "tei"))
    assert done.returncode == 0, done.stderr
    assert "\u202eevil\u202c" in done.stdout and "\\u202e" not in done.stdout
    assert not ACTED_ON.findall(done.stderr)


# -------------------------------------------------------------------------------------- base URL

BAD_BASE_URLS = ["javascript:alert(1)//", "example.edu", "data:text/html,x", "https://", "https:///path",
                 "https://exa mple.org/", "https://example.org/\"><script>", "https://u:p@example.org/",
                 "https://example.org/?q=1", "https://example.org/#top", "https://example.org:99999/",
                 "ftp://example.org/", "https://example.org/\u202e/", "//example.org/"]


@pytest.mark.parametrize("command", ["build", "cite", "resolve", "serve", "merge"])
def test_a_base_url_that_is_not_an_absolute_http_url_is_a_usage_error(command: str, tmp_path: Path) -> None:
    from test_cli_contract import teikit

    args = {"build": ["build", "--out", str(tmp_path / "site")], "cite": ["cite", "p12"],
            "resolve": ["resolve", "p12"], "serve": ["serve", "--port", "1"],
            "merge": ["merge", str(tmp_path / "shard"), "--out", str(tmp_path / "site")]}[command]
    for bad in BAD_BASE_URLS if command == "build" else BAD_BASE_URLS[:3]:
        done = teikit(*args, "--tei-dir", str(TEI_DIR), "--base-url", bad)
        assert done.returncode == 2, (bad, done.stderr)
        lines = [ln for ln in done.stderr.splitlines() if "--base-url" in ln]
        assert len(lines) == 1 and "absolute http(s) URL" in lines[0], done.stderr
        assert "Traceback" not in done.stderr and not (tmp_path / "site").exists()


def test_the_library_refuses_it_too() -> None:
    from teikit.errors import UsageProblem
    from teikit.publish import BuildOptions

    with pytest.raises(UsageProblem):
        BuildOptions(base_url="javascript:alert(1)//")
    assert BuildOptions(base_url="HTTPS://Example.org/ed").base_url == "https://example.org/ed/"


def test_the_base_url_reaches_every_place_that_names_the_editions_address(tmp_path: Path) -> None:
    import html5lib
    import rispy

    from teikit.publish import BuildOptions, build

    base = "https://example.org/editions/deutscher/"
    site = tmp_path / "site"
    build(TEI_DIR, site, BuildOptions(base_url=base.rstrip("/"), jobs=1))
    url = f"{base}{DOC}/"
    page = html5lib.parse((site / DOC / "index.html").read_bytes(), namespaceHTMLElements=False)
    assert [ln.get("href") for ln in page.iter("link") if ln.get("rel") == "canonical"] == [url]
    meta = {m.get("name"): m.get("content") for m in page.iter("meta") if m.get("name")}
    assert meta["citation_public_url"] == meta["citation_fulltext_html_url"] == url
    ld = json.loads(next(s.text for s in page.iter("script") if s.get("type") == "application/ld+json"))["@graph"]
    assert ld[0]["@id"] == ld[0]["url"] == url and all(node["@id"].startswith(url) for node in ld)
    items = csl(site)
    assert items[0]["URL"] == url and all(i["URL"].startswith(url) for i in items)
    assert f"url = {{{url}}}" in (site / DOC / f"{DOC}.bib").read_text(encoding="utf-8")
    assert rispy.loads((site / DOC / f"{DOC}.ris").read_text(encoding="utf-8"))[0]["urls"] == [url]
    api = site / "api" / "dts"
    entry = json.loads((api / "index.json").read_text(encoding="utf-8"))
    assert entry["@id"] == f"{base}api/dts"
    assert all(entry[k].startswith(f"{base}api/dts/{k}") for k in ("collection", "navigation", "document"))
    resource = json.loads((api / "collection" / f"{DOC}.json").read_text(encoding="utf-8"))
    assert resource["dublinCore"]["identifier"][0] == url
    assert resource["navigation"].startswith(f"{base}api/dts/navigation/{DOC}")
    # Nothing teikit writes names the default address; only the TEI itself (the DTS Document
    # answers and the TEI download, the encoded text as it is) keeps the URI its header states.
    for path in site.rglob("*"):
        if path.is_file() and "teikit.example.org" in path.read_text(encoding="utf-8", errors="replace"):
            assert path.suffix == ".xml" and (path.is_relative_to(api / "document") or path.name == f"{DOC}.xml"), path
    from test_cli_contract import teikit

    done = teikit("cite", "p12", "--tei-dir", str(TEI_DIR), "--base-url", base, "--format", "json")
    assert json.loads(done.stdout)["item"]["URL"].startswith(url)


def test_the_live_servers_html_and_json_answers_keep_their_shape(sites: tuple[Path, Path]) -> None:
    import html5lib
    import httpx

    from teikit.serve import running

    shapes = []
    for site in sites:
        with running(site.parent / "tei") as url, httpx.Client(base_url=url, timeout=30) as client:
            page = client.get("/api/dts/document", params={"resource": DOC, "ref": "p3", "mediaType": "text/html"})
            nav = client.get("/api/dts/navigation", params={"resource": DOC, "down": "1"})
            assert page.status_code == nav.status_code == 200
            tree = html5lib.parse(page.text, namespaceHTMLElements=False)
            shapes.append((shape(tree), sorted(nav.json())))
            if site == sites[0]:
                assert PAYLOAD_NORMALISED in text(tree.find(".//p"))
                assert PAYLOAD_NORMALISED in nav.json()["resource"]["title"]
    assert shapes[0] == shapes[1]
