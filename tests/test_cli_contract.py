"""Issue 22: the command line as an editor expects it — consistent, forgiving, scriptable.

Through the installed command (the console script beside the running interpreter), except where a
test drives the library or a live server directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from lxml import etree

from conftest import ROOT, TEI_DIR
from teikit.cli import command_paths, main, synopsis

DOC = "deutscher-1959-khrushchev-mao"


def teikit(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "teikit"
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from teikit._entry import entry; entry()"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


# ------------------------------------------------------------------ 1. one way to name the corpus

def test_every_command_takes_tei_dir() -> None:
    import click

    for path in command_paths():
        command: click.Command = main
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
        assert "--tei-dir" in options, path


@pytest.mark.parametrize("args", [["info"], ["validate"], ["build", "--out", "o"], ["cite", "p12"],
                                  ["resolve", "p12"], ["passages", "check"], ["passages", "update"],
                                  ["merge", "shard"], ["serve", "--port", "1"]])
def test_a_missing_corpus_is_the_same_line_everywhere(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "nowhere"
    result = teikit(*args[:2] if args[0] == "passages" else args[:1], "--tei-dir", str(missing),
                    *(args[2:] if args[0] == "passages" else args[1:]), cwd=tmp_path)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert f"{missing}: error [unreadable] no such file or directory" in result.stdout + result.stderr, args
    assert "Traceback" not in result.stderr


def test_the_old_positional_still_works_with_a_deprecation_line(tmp_path: Path) -> None:
    result = teikit("info", str(TEI_DIR))
    assert result.returncode == 0 and "paragraphs: 31" in result.stdout
    assert f"the TEI_DIR argument is deprecated; use --tei-dir {TEI_DIR}" in result.stderr
    both = teikit("info", str(TEI_DIR), "--tei-dir", str(TEI_DIR))
    assert both.returncode == 2 and "name the corpus once" in both.stderr


# ---------------------------------------------------------------------- 2. forgiving references

@pytest.mark.parametrize(("typed", "canonical"), [
    ("P12", "p12"), ("12", "p12"), ("¶12", "p12"), ("#12", "p12"), ("S3", "s3"), ("s3.P12", "s3.p12"),
    ("p12-14", "p12-p14"), ("p12–14", "p12-p14"), ("¶12-14", "p12-p14"), ("12-14", "p12-p14"),
    (f"{DOC}:P12", f"{DOC}:p12"),
])
def test_references_with_one_sensible_reading_resolve(typed: str, canonical: str) -> None:
    got = teikit("resolve", typed, "--tei-dir", str(TEI_DIR), "--format", "json")
    want = teikit("resolve", canonical, "--tei-dir", str(TEI_DIR), "--format", "json")
    assert got.returncode == 0 and want.returncode == 0, got.stderr
    assert json.loads(got.stdout)["passages"] == json.loads(want.stdout)["passages"]


def test_references_are_echoed_as_typed_and_errors_name_the_nearest_ids() -> None:
    result = teikit("resolve", "§12", "--tei-dir", str(TEI_DIR))
    assert result.returncode == 1 and "“§12”" in result.stderr and "\\u00a7" not in result.stderr
    result = teikit("resolve", "p99", "--tei-dir", str(TEI_DIR))
    assert result.returncode == 1 and "nearest: p31, p30, p29" in result.stderr
    result = teikit("resolve", "p\u202e12", "--tei-dir", str(TEI_DIR))
    assert result.returncode == 1 and "\u202e" not in result.stderr and "\\u202e" in result.stderr


# ------------------------------------------------------------------- 3. output a program can use

def test_resolve_labels_each_passage() -> None:
    result = teikit("resolve", "p12-p14", "--tei-dir", str(TEI_DIR))
    blocks = result.stdout.strip().split("\n\n")
    assert [b.split("]", 1)[0] + "]" for b in blocks] == ["[p12]", "[p13]", "[p14]"]


@pytest.mark.parametrize(("ref", "ids"), [("p12-p14", ["p12", "p13", "p14"]), ("s2", ["s2"]), ("p3", ["p3"])])
def test_resolve_tei_is_one_well_formed_document(ref: str, ids: list[str]) -> None:
    result = teikit("resolve", ref, "--tei-dir", str(TEI_DIR), "--format", "tei")
    root = etree.fromstring(result.stdout.encode())  # one root element: well-formed XML
    assert root.tag == "{urn:teikit:passages}passages"
    assert root.get("document") == DOC and root.get("reference") == ref and root.get("ids") == " ".join(ids)
    assert [c.get("{http://www.w3.org/XML/1998/namespace}id") for c in root] == ids


def test_json_formats_have_their_documented_shapes(tmp_path: Path) -> None:
    data = json.loads(teikit("resolve", "p12", "--tei-dir", str(TEI_DIR), "--format", "json").stdout)
    assert set(data) == {"document", "reference", "passages"}
    assert set(data["passages"][0]) == {"id", "kind", "section", "label", "url", "text"}
    assert data["passages"][0]["label"] == "¶12" and data["passages"][0]["text"].startswith("Thus Khrushchev")
    data = json.loads(teikit("cite", "p12", "--tei-dir", str(TEI_DIR), "--format", "json").stdout)
    assert set(data) == {"reference", "document", "style", "citation", "bibliography", "item", "locator"}
    assert data["locator"] == {"locator": "12", "label": "paragraph"} and "Stalin’s Ghost" in data["citation"]
    assert data["item"]["id"] == DOC and "locator" not in data["item"]
    data = json.loads(teikit("info", "--tei-dir", str(TEI_DIR), "--format", "json").stdout)
    assert data["paragraphs"] == 31 and set(data) == {"documents", "sections", "paragraphs", "mentions", "register",
                                                      "register_total"}
    for command in (["validate"], ["passages", "check"]):
        tei = tmp_path / command[-1] / "tei"
        shutil.copytree(TEI_DIR, tei)
        doc = tei / f"{DOC}.xml"
        doc.write_text(doc.read_text(encoding="utf-8").replace('xml:id="p12"', 'xml:id="p12x"', 1), encoding="utf-8")
        result = teikit(*command, "--tei-dir", str(tei), "--format", "json")
        problems = json.loads(result.stdout)
        assert result.returncode == 1 and problems
        assert all(set(p) == {"file", "line", "column", "severity", "rule", "message", "xpath"} for p in problems)
        # validate names the document's own error (its citations are compared once it is valid, as
        # in a build); passages check compares the citations alone
        expected = "passage-id-paragraph" if command == ["validate"] else "passage-removed"
        assert expected in {p["rule"] for p in problems}


# ------------------------------------------------------------------- 4. one opinion per folder

def _folder(tmp_path: Path, register: bool, manifest: bool) -> Path:
    tei = tmp_path / "tei"
    tei.mkdir()
    shutil.copy(TEI_DIR / f"{DOC}.xml", tei)
    shutil.copy(TEI_DIR / "teikit.toml", tei)  # the edition's house profile: a register is required
    if register:
        shutil.copy(TEI_DIR / "register.xml", tei)
    if manifest:
        shutil.copy(TEI_DIR / "passages.json", tei)
    return tei


@pytest.mark.parametrize(("register", "manifest", "code", "rule"), [
    (False, True, 1, "[register-missing]"),
    (False, False, 1, "[register-missing]"),
    (True, False, 0, "[manifest-missing]"),
])
def test_validate_build_info_and_check_agree_on_a_folder(tmp_path: Path, register: bool, manifest: bool,
                                                         code: int, rule: str) -> None:
    tei = _folder(tmp_path, register, manifest)
    lines = set()
    for command in (["validate"], ["build", "--out", str(tmp_path / "site")], ["info"], ["passages", "check"]):
        result = teikit(*command, "--tei-dir", str(tei), cwd=tmp_path)
        assert result.returncode == code, (command, result.stdout, result.stderr)
        found = [ln for ln in (result.stdout + result.stderr).splitlines() if rule in ln]
        assert len(found) == 1, (command, result.stdout, result.stderr)
        lines.add(found[0])
        assert "ref-target-exists" not in result.stdout + result.stderr
    assert len(lines) == 1  # the same words from every command


# ----------------------------------------------------------------- 5. no escaped text, anywhere

def test_titles_are_characters_in_the_live_html_document() -> None:
    from teikit.serve import running

    with running(TEI_DIR) as url:
        body = httpx.get(f"{url}/api/dts/document", params={"resource": DOC, "ref": "p12", "mediaType": "text/html"},
                         timeout=30).text
    assert "<title>Khrushchev, Mao and Stalin’s Ghost</title>" in body and "\\u2019" not in body
    assert '<html lang="en">' in body


def test_no_json_or_text_output_escapes_non_ascii(built: Path) -> None:
    escaped = re.compile(r"\\u(?:00[a-fA-F8-9][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})")
    checked = 0
    for path in built.rglob("*"):
        if path.suffix in (".json", ".txt", ".html", ".xml", ".bib", ".ris") and ".teikit" not in path.parts:
            assert not escaped.search(path.read_text(encoding="utf-8")), path
            checked += 1
    assert checked > 200
    data = teikit("cite", "p12", "--tei-dir", str(TEI_DIR), "--format", "csl-json").stdout
    assert "Stalin’s" in data and not escaped.search(data)


# --------------------------------------------------------- 6. no boilerplate untrue of the document

def test_page_furniture_comes_from_the_header(tmp_path: Path) -> None:
    for stylesheet in (ROOT / "xslt").rglob("*.xsl"):
        text = stylesheet.read_text(encoding="utf-8")
        assert "A digital edition" not in text and "'Opening'" not in text, stylesheet
    tei = _folder(tmp_path, register=True, manifest=True)
    doc = tei / f"{DOC}.xml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("<publisher>The teikit project</publisher>",
                                                           "<publisher>Letters Online</publisher>", 1),
                   encoding="utf-8")
    assert teikit("build", "--tei-dir", str(tei), "--out", str(tmp_path / "site"), cwd=tmp_path).returncode == 0
    page = (tmp_path / "site" / DOC / "index.html").read_text(encoding="utf-8")
    assert '<p class="kicker">Letters Online</p>' in page
    assert 'href="#s1">Section 1</a>' in page  # the untitled first section, by position


# ------------------------------------------------------------------------ 7. shell completion

@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete")])
def test_shell_completion_scripts(shell: str, marker: str) -> None:
    result = teikit(env={"_TEIKIT_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0 and marker in result.stdout and "_TEIKIT_COMPLETE" in result.stdout
    words = teikit(env={"_TEIKIT_COMPLETE": "bash_complete", "COMP_WORDS": "teikit pass", "COMP_CWORD": "1"})
    assert "passages" in words.stdout


# ------------------------------------------------------------------ the README's command reference

def test_readme_command_reference_matches_the_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in command_paths():
        line = synopsis(path)
        assert f"`{line}`" in readme, f"README lacks the synopsis: {line}"
        help_text = teikit(*path, "--help").stdout
        for option in re.findall(r"\[(--[a-z-]+)", line):
            assert option in help_text, (path, option)
