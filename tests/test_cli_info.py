"""`teikit --version` and `teikit info`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TEI_DIR
from teikit import __version__
from teikit.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    from importlib.metadata import version

    assert version("teikit") == __version__  # the installed metadata agrees with the package


def test_info_counts_the_edition() -> None:
    code, out, _ = run("info", "--tei-dir", str(TEI_DIR), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["documents"] == 1 and data["sections"] == 6 and data["paragraphs"] == 31
    assert data["mentions"]["persName"] > 100 and data["mentions"]["date"] == 12
    assert data["register"] == register_counts() and data["register"]["person"] == 25


def register_counts() -> dict[str, int]:
    """The register's entries by kind, counted in the file (the expectation never comes from info)."""
    from lxml import etree

    tree = etree.parse(str(TEI_DIR / "register.xml"))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    return {kind: len(tree.xpath(f"//t:standOff//t:{kind}[@xml:id]", namespaces=ns))
            for kind in ("person", "place", "org", "event")}


def test_info_text_output() -> None:
    code, out, _ = run("info", "--tei-dir", str(TEI_DIR))
    assert code == 0
    assert "paragraphs: 31" in out and f"register:   {sum(register_counts().values())} entries" in out


def test_info_on_missing_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run("info", "--tei-dir", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "no such file or directory" in err


def test_info_on_folder_without_tei_exit_2(tmp_path: Path) -> None:
    code, _, err = run("info", "--tei-dir", str(tmp_path))
    assert code == 2 and "no TEI documents" in err


def test_info_on_malformed_document_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader>\n</TEI>')
    code, _, err = run("info", "--tei-dir", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'bad.xml'}:3:" in err and "[xml-malformed]" in err
    assert "Traceback" not in err


def test_without_tei_folder_the_bundled_edition_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wheel carries xslt/, schema/ and tei/ inside the package; a source tree has them at the top.
    from teikit.resources import resource_dir

    monkeypatch.chdir(tmp_path)
    code, out, _ = run("info", "--format", "json")
    assert code == 0 and json.loads(out)["paragraphs"] == 31
    for name in ("xslt", "schema", "tei"):
        assert (resource_dir(name)).is_dir()
    assert (resource_dir("xslt") / "html.xsl").is_file()
    assert (resource_dir("schema") / "teikit.rng").is_file()


@pytest.mark.parametrize(("args", "code", "stream", "expected"), [
    (["--version"], 0, "stdout", f"teikit, version {__version__}\n"),
    (["info", "--tei-dir", str(TEI_DIR), "--format", "json"], 0, "stdout", '"paragraphs": 31'),
    (["validate", "/nonexistent/teikit"], 2, "stdout", "/nonexistent/teikit: error [unreadable]"),
    (["build", "--jobs", "many"], 2, "stderr", "Invalid value for '--jobs'"),
    (["no-such-command"], 2, "stderr", "No such command"),
])
def test_the_installed_command_exits_quickly_with_its_code_and_all_its_output(
        args: list[str], code: int, stream: str, expected: str) -> None:
    """`teikit` (the entry point, which skips the interpreter's teardown) keeps click's exit codes
    and flushes everything it printed, also into a pipe."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "teikit"  # the running interpreter's own installation
    assert script.exists(), "the teikit command is not installed beside this interpreter (pip install -e .)"
    command = str(script)
    run = subprocess.run([command, *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == code
    assert expected in getattr(run, stream)
    if args[0] == "info":
        assert json.loads(run.stdout)["documents"] == 1  # the whole document, not a cut-off buffer
