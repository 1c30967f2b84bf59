"""The repository keeps its promises: layout, README commands, CI script, seed file untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "the README opens with a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands() -> None:
    install_and_build, install_and_test = readme_commands()
    assert install_and_build == "python -m pip install . && teikit build"
    assert install_and_test.startswith("bash tests/bootstrap.sh && python -m pytest")


def test_ci_runs_the_readme_test_command_and_the_linters() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()
    assert "ruff check" in ci and "\nmypy" in ci


def test_top_level_layout() -> None:
    names = {p.name for p in ROOT.iterdir() if not p.name.startswith(".") or p.name == ".ci"}
    expected = {"pyproject.toml", "README.md", "seeds", "tei", "xslt", "schema", "src", "tests", ".ci", "benchmarks"}
    assert expected <= names
    assert names - expected <= {"dist", "build", "mutants"}  # build outputs and mutmut's copy, git-ignored


def test_every_entry_stylesheet_declares_modes_with_on_no_match() -> None:
    for xsl in (ROOT / "xslt").rglob("*.xsl"):
        text = xsl.read_text(encoding="utf-8")
        for mode in re.findall(r"<xsl:mode\b[^>]*>", text):
            assert "on-no-match" in mode, (xsl, mode)
        for template in re.findall(r"<xsl:(?:template|function)\b[^>]*>", text):
            assert ' as="' in template, (xsl, template)


def test_the_suite_writes_nothing_into_the_repository(request: pytest.FixtureRequest) -> None:
    """Hypothesis's example database and pytest's cache live outside the checkout."""
    from hypothesis import settings
    from hypothesis.configuration import storage_directory

    database = getattr(settings.default.database, "path", None)
    assert database is not None and not Path(database).resolve().is_relative_to(ROOT)
    assert not Path(storage_directory("x").path).resolve().is_relative_to(ROOT)
    assert not request.config.pluginmanager.has_plugin("cacheprovider")
