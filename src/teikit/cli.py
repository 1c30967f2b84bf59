"""The ``teikit`` command: a thin click layer over the library.

Exit codes: 0 ok, 1 invalid input, 2 usage error or unreadable input.  Library errors
(:class:`teikit.errors.TeikitError`) become one line on stderr; nothing else escapes as a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import TeikitError
from .load import Corpus, corpus_info

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn library errors into one stderr line and the error's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TeikitError as exc:
            click.echo(f"teikit: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("teikit: interrupted; previous output left as it was", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


PATH_ARG = click.Path(path_type=Path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teikit")
def main() -> None:
    """Validate, build, cite and serve a TEI P5 digital edition."""


@main.command()
@click.argument("tei_dir", required=False, type=PATH_ARG)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@reports_errors
def info(tei_dir: Path | None, fmt: str) -> None:
    """Summarise the corpus in TEI_DIR (default: ./tei)."""
    corpus = Corpus.discover(tei_dir)
    data = corpus_info(corpus).as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    mentions = data["mentions"]
    register = data["register"]
    assert isinstance(mentions, dict) and isinstance(register, dict)
    click.echo(f"corpus:     {corpus.root}")
    click.echo(f"documents:  {data['documents']}")
    click.echo(f"sections:   {data['sections']}")
    click.echo(f"paragraphs: {data['paragraphs']}")
    click.echo("mentions:   " + ", ".join(f"{k} {v}" for k, v in mentions.items()))
    click.echo(f"register:   {data['register_total']} entries ("
               + ", ".join(f"{k} {v}" for k, v in register.items()) + ")")


@main.command()
@click.argument("paths", nargs=-1, type=PATH_ARG)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format: one line per problem, or a JSON array for machines.")
@click.option("--no-lint", is_flag=True, help="Skip the untagged-mention lint warnings.")
@reports_errors
def validate(paths: tuple[Path, ...], fmt: str, no_lint: bool) -> None:
    """Validate TEI documents (default: every document under ./tei) against the grammar and rules.

    Exit 0 when valid (warnings allowed), 1 when any error is found, 2 when input is unreadable.
    """
    from .validate import ERROR, iter_errors

    problems = list(iter_errors(list(paths) or None, lint=not no_lint))
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
    else:
        for p in problems:
            click.echo(str(p))
    errors = [p for p in problems if p.severity == ERROR]
    if any(p.rule in ("unreadable", "usage") for p in errors):
        sys.exit(2)
    if errors:
        if fmt == "text":
            click.echo(f"teikit: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
        sys.exit(1)
    if fmt == "text":
        click.echo(f"valid: {len(problems)} warning(s)", err=True)


@main.command()
@click.argument("tei_dir", required=False, type=PATH_ARG)
@click.option("--out", "out", type=PATH_ARG, default=Path("dist"), show_default=True,
              help="Output folder (replaced atomically).")
@click.option("--base-url", default=None, help="Base URL of the published edition (default: a placeholder).")
@click.option("--ids", is_flag=True, help="Plain text: prefix each paragraph with its passage ID.")
@click.option("--width", type=click.IntRange(min=0), default=0, help="Plain text: wrap at N columns.")
@reports_errors
def build(tei_dir: Path | None, out: Path, base_url: str | None, ids: bool, width: int) -> None:
    """Validate TEI_DIR (default ./tei) and build the HTML edition and plain text into --out."""
    from .errors import ValidationFailed
    from .publish import DEFAULT_BASE_URL, BuildOptions
    from .publish import build as run_build

    options = BuildOptions(base_url=base_url or DEFAULT_BASE_URL, text_ids=ids, text_width=width)
    try:
        result = run_build(tei_dir, out, options)
    except ValidationFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"teikit: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"built {len(result.documents)} document(s) into {result.out} ({len(result.files)} files)")
