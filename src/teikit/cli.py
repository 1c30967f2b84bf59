"""The ``teikit`` command: a thin click layer over the library.

Exit codes: 0 ok, 1 invalid input, 2 usage error or unreadable input.  Library errors
(:class:`teikit.errors.TeikitError`) become one line on stderr; nothing else escapes as a traceback.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import TeikitError, Terminated, json_text, visible
from .load import Corpus, corpus_info

if TYPE_CHECKING:  # click 8.2 made ParamType generic; older releases (allowed: >=8.1) are not
    _StrParamType = click.ParamType[str]
else:
    _StrParamType = click.ParamType
F = TypeVar("F", bound=Callable[..., Any])


def interrupted_line(exc: KeyboardInterrupt) -> tuple[str, int]:
    """The one line and the exit code for Ctrl-C (130) or SIGTERM (143): what the interruption left,
    as the library recorded it (a build says whether the old or the new output is in place)."""
    outcome = getattr(exc, "teikit_outcome", None)
    line = "teikit: interrupted" + (f"; {outcome}" if outcome else "")
    return line, 143 if isinstance(exc, Terminated) else 130


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print ``text``: on stderr (messages) always with the characters a terminal would act on
    shown as escapes (:func:`~teikit.errors.visible`); on stdout so only when it is a terminal, so
    that a redirected output (a citation, a text, a .bib) keeps its characters exactly."""
    stream = sys.stderr if err else sys.stdout
    if err or _is_terminal(stream):
        text = visible(text)
    click.echo(text, err=err, nl=nl)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _BaseUrl(_StrParamType):
    """``--base-url``: an absolute http(s) URL with a host (:func:`teikit.weburl.base_url`)."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .weburl import base_url

        try:
            return base_url(str(value))
        except TeikitError as exc:
            self.fail(exc.message.removeprefix("--base-url "), param, ctx)


BASE_URL = _BaseUrl()


def os_error_line(exc: OSError) -> str:
    """One line for an operating-system failure that no library call turned into a TeikitError."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"teikit: {where}error {exc.strerror or exc}"


def reports_errors(func: F) -> F:
    """Turn library errors, OS failures and interrupts into one stderr line and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TeikitError as exc:
            echo(f"teikit: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:
            echo(os_error_line(exc), err=True)
            sys.exit(2)
        except KeyboardInterrupt as exc:
            line, code = interrupted_line(exc)
            echo(line, err=True)
            sys.exit(code)

    return wrapper  # type: ignore[return-value]


def notice(message: str) -> None:
    """One line on stderr about something the user did not ask for by name (a default folder)."""
    echo(f"teikit: {message}", err=True)


TEI_DIR_HELP = "The corpus folder (default: ./tei, else the edition bundled with teikit)."


def corpus_dir(legacy: bool = False) -> Callable[[F], F]:
    """The one way every command names its corpus: ``--tei-dir DIR``.

    Commands that took the folder as a positional ``TEI_DIR`` (build, info, passages, serve) still
    accept it, with a deprecation line on stderr.
    """

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, tei_dir: Path | None = None, legacy_tei_dir: Path | None = None,
                    **kwargs: Any) -> Any:
            if legacy_tei_dir is not None:
                if tei_dir is not None:
                    raise click.UsageError("name the corpus once, with --tei-dir DIR")
                notice(f"the TEI_DIR argument is deprecated; use --tei-dir {legacy_tei_dir}")
                tei_dir = legacy_tei_dir
            return func(*args, tei_dir=tei_dir, **kwargs)

        command: Any = click.option("--tei-dir", "tei_dir", type=PATH_ARG, default=None, metavar="DIR",
                                    help=TEI_DIR_HELP)(wrapper)
        if legacy:
            command = click.argument("legacy_tei_dir", required=False, type=PATH_ARG, metavar="[TEI_DIR]")(command)
        return command  # type: ignore[no-any-return]

    return decorate


def corpus_folder(tei_dir: Path | None) -> Path:
    """The folder a command that hands it on (build, merge, serve) reads: the named one, or the
    default, said on stderr as :func:`discover` says it."""
    return discover(tei_dir).root if tei_dir is None else tei_dir


def discover(tei_dir: Path | None) -> Corpus:
    """The corpus a command works on; says on stderr which folder it is when none was named."""
    corpus = Corpus.discover(tei_dir)
    if corpus.notice:
        notice(corpus.notice)
    return corpus


PATH_ARG = click.Path(path_type=Path)
MAX_WIDTH = 10_000  # a line wider than this is no wrapping at all; Saxon's integers stop at 2**31
MAX_JOBS = 512


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teikit")
def main() -> None:
    """Validate, build, cite and serve a TEI P5 digital edition."""


@main.command()
@corpus_dir(legacy=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@reports_errors
def info(tei_dir: Path | None, fmt: str) -> None:
    """Summarise the corpus: documents, sections, paragraphs, mentions, register.

    [TEI_DIR] is the deprecated spelling of --tei-dir."""
    from .validate import completeness_problems

    corpus = discover(tei_dir)
    incomplete = completeness_problems(corpus)
    for problem in incomplete:
        echo(str(problem), err=True)
    data = corpus_info(corpus).as_dict()
    if fmt == "json":
        echo(json_text(data))
        if any(p.severity == "error" for p in incomplete):
            sys.exit(1)
        return
    mentions = data["mentions"]
    register = data["register"]
    assert isinstance(mentions, dict) and isinstance(register, dict)
    echo(f"corpus:     {corpus.root}")
    echo(f"documents:  {data['documents']}")
    echo(f"sections:   {data['sections']}")
    echo(f"paragraphs: {data['paragraphs']}")
    echo("mentions:   " + ", ".join(f"{k} {v}" for k, v in mentions.items()))
    echo(f"register:   {data['register_total']} entries ("
               + ", ".join(f"{k} {v}" for k, v in register.items()) + ")"
               if corpus.register_path is not None else "register:   none (no register.xml)")
    if any(p.severity == "error" for p in incomplete):
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=PATH_ARG, metavar="[PATH]...")
@corpus_dir()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format: one line per problem, or a JSON array for machines.")
@click.option("--no-lint", is_flag=True, help="Skip the untagged-mention lint warnings.")
@reports_errors
def validate(paths: tuple[Path, ...], tei_dir: Path | None, fmt: str, no_lint: bool) -> None:
    """Validate TEI documents or folders PATH (default: the corpus) against the grammar and rules.

    Exit 0 when valid (warnings allowed), 1 when any error is found, 2 when input is unreadable.
    """
    from .validate import ERROR, iter_errors

    if paths and tei_dir is not None:
        raise click.UsageError("give PATH arguments or --tei-dir, not both")
    targets = list(paths) or [tei_dir if tei_dir is not None else discover(None).root]
    problems = list(iter_errors(targets, lint=not no_lint))
    if fmt == "json":
        echo(json_text([p.as_dict() for p in problems]))
    else:
        for p in problems:
            echo(str(p))
    errors = [p for p in problems if p.severity == ERROR]
    if any(p.rule in ("unreadable", "usage", "config") for p in errors):
        sys.exit(2)
    if errors:
        if fmt == "text":
            echo(f"teikit: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)", err=True)
        sys.exit(1)
    if fmt == "text":
        echo(f"valid: {len(problems)} warning(s)", err=True)


@main.command()
@click.argument("folder", required=False, type=PATH_ARG, metavar="[DIR]")
@click.option("--tei-dir", "tei_dir", type=PATH_ARG, metavar="DIR", default=None,
              help="Where the TEI goes (default: DIR/tei).")
@click.option("--from-text", "from_text", type=PATH_ARG, metavar="FILE", default=None,
              help="Make the document from a plain-text article: first block the title, then paragraphs.")
@click.option("--title", default=None, metavar="TEXT", help="The title (default: the text's first block).")
@click.option("--author", default="The editors", show_default=True, metavar="TEXT", help="The author.")
@click.option("--id", "ident", default=None, metavar="ID", help="The document ID (default: the text file's name).")
@click.option("--lang", default="en", show_default=True, metavar="CODE", help="The text's language (BCP 47).")
@reports_errors
def init(folder: Path | None, tei_dir: Path | None, from_text: Path | None, title: str | None, author: str,
         ident: str | None, lang: str) -> None:
    """Start a new edition in DIR (default: here): a TEI document with a complete header, an empty
    register, the settings, the passage manifest and a README, which validate and build at once.

    Files are only created, never replaced: if one exists, nothing is written.
    """
    from .init import init as scaffold

    made = scaffold(folder or Path("."), tei_dir=tei_dir, from_text=from_text, title=title, author=author,
                    ident=ident, lang=lang)
    for path in made.files:
        echo(f"created {path}")
    for path in made.skipped:
        echo(f"kept {path} (it exists; see the README section of `teikit init --help`)", err=True)
    echo(f"next: teikit validate {made.files[0].parent} && teikit build --tei-dir {made.files[0].parent} --out site",
         err=True)


@main.command()
@click.argument("files", nargs=-1, type=PATH_ARG, metavar="[FILE]...")
@corpus_dir()
@click.option("--check", is_flag=True, help="Change nothing: exit 1 if a file lacks passage IDs or a citeStructure.")
@click.option("--header", is_flag=True,
              help="Also add an edition version (editionStmt) and the document's identifier (idno) where missing.")
@reports_errors
def ids(files: tuple[Path, ...], tei_dir: Path | None, check: bool, header: bool) -> None:
    """Give the divisions and blocks of each TEI FILE (default: every document of the corpus)
    passage IDs (s1…, p1…) and add the citeStructure that says how they are cited, changing
    nothing else in the file.

    Existing IDs are kept; new ones skip the numbers already used.  A file is replaced only once
    the edited copy has been checked to differ by the new IDs and refsDecl alone.
    """
    from .ids import add_ids, write_ids

    if files and tei_dir is not None:
        raise click.UsageError("give FILE arguments or --tei-dir, not both")
    if not files:
        files = tuple(discover(tei_dir).document_paths)
    missing = 0
    for path in files:
        added = add_ids(path, header)[1] if check else write_ids(path, header)
        if added.anything:
            missing += 1
            what = [f"{added.sections} division ID(s)" if added.sections else "",
                    f"{added.blocks} block ID(s)" if added.blocks else "",
                    "a citeStructure" if added.cite_structure else "",
                    "an edition version" if added.edition else "", "the document's identifier" if added.idno else ""]
            verb = "lacks" if check else "added"
            echo(f"{path}: {verb} {', '.join(w for w in what if w)}")
        else:
            echo(f"{path}: every passage has an ID", err=True)
    if check and missing:
        sys.exit(1)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    m = re.fullmatch(r"(\d+)/(\d+)", value)
    if not m or not (1 <= int(m.group(1)) <= int(m.group(2))):
        raise click.BadParameter("expected I/N with 1 <= I <= N, e.g. 2/8", param_hint="--shard")
    return int(m.group(1)), int(m.group(2))


def _progress(quiet: bool) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal for builds of more than a few documents; silent otherwise."""
    if quiet or not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total <= 5:
            return
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=total, label="building", file=sys.stderr)
            bar.__enter__()
            state["bar"] = bar
        bar.update(done - state.get("done", 0))
        state["done"] = done
        if done == total:
            bar.__exit__(None, None, None)

    return update


@main.command()
@corpus_dir(legacy=True)
@click.option("--out", "out", type=PATH_ARG, default=None, metavar="DIR",
              help="Output folder (default dist/): new, empty, or an earlier teikit output; replaced atomically.")
@click.option("--base-url", type=BASE_URL, default=None, metavar="URL",
              help="Base URL of the published edition (default: a placeholder).")
@click.option("--ids", is_flag=True, help="Plain text: prefix each paragraph with its passage ID.")
@click.option("--width", type=click.IntRange(min=0, max=MAX_WIDTH), default=0,
              help=f"Plain text: wrap at N columns (0: no wrapping; at most {MAX_WIDTH}).")
@click.option("--jobs", "-j", type=click.IntRange(min=0, max=MAX_JOBS), default=0,
              help=f"Worker processes (default 0: one per core this process may use; at most {MAX_JOBS}).")
@click.option("--shard", default=None, metavar="I/N", help="Build only the I-th of N disjoint slices (then merge).")
@click.option("--no-dts", is_flag=True, help="Do not write the static DTS API.")
@click.option("--no-search", is_flag=True, help="Do not write the search (its index and page).")
@click.option("--formats", default=None, metavar="LIST",
              help="The output formats to write, comma-separated (default: all): "
                   "html, text, citations, tei, dts, search, epub, pdf.")
@click.option("--text-notes", is_flag=True, help="Plain text: print the editorial notes after the text.")
@click.option("--quiet", "-q", is_flag=True, help="Errors only: no progress bar, warnings or summary.")
@reports_errors
def build(tei_dir: Path | None, out: Path | None, base_url: str | None, ids: bool, width: int, jobs: int,
          shard: str | None, no_dts: bool, no_search: bool, formats: str | None, text_notes: bool,
          quiet: bool) -> None:
    """Validate the corpus and build the edition into --out (default dist/).

    [TEI_DIR] is the deprecated spelling of --tei-dir."""
    from .errors import ValidationFailed
    from .publish import BuildOptions
    from .publish import build as run_build
    from .weburl import DEFAULT_BASE_URL

    options = BuildOptions(base_url=base_url or DEFAULT_BASE_URL, text_ids=ids, text_width=width, jobs=jobs,
                           shard=_shard(shard), text_notes=text_notes, formats=_formats(formats),
                           without=_without(no_dts, no_search))
    folder = corpus_folder(tei_dir)
    if out is None:
        out = Path("dist")
        if not quiet:
            notice(f"writing to {out}/ (the default --out)")
    try:
        result = run_build(folder, out, options, progress=_progress(quiet))
    except ValidationFailed as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        echo(f"teikit: {exc.message}", err=True)
        sys.exit(1)
    for line in result.notices:
        notice(line)
    for warning in result.warnings if not quiet else []:
        echo(str(warning), err=True)
    if not quiet:
        if result.up_to_date:
            echo(f"up to date: {len(result.documents)} document(s) in {result.out}")
        else:
            echo(f"built {len(result.documents)} document(s) into {result.out} ({len(result.rendered)} "
                       f"rendered, {len(result.validated)} validated, {result.files} files)")


def _without(no_dts: bool, no_search: bool) -> tuple[str, ...]:
    """The formats --no-dts and --no-search leave out."""
    return tuple(name for name, off in (("dts", no_dts), ("search", no_search)) if off)


def _formats(value: str | None) -> tuple[str, ...] | None:
    """``--formats html,text``: the names, checked by BuildOptions (an unknown one is a usage error)."""
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise click.BadParameter("name at least one format", param_hint="--formats")
    return names


@main.command()
@click.argument("shards", nargs=-1, required=True, type=PATH_ARG, metavar="SHARD...")
@corpus_dir()
@click.option("--out", "out", type=PATH_ARG, default=Path("dist"), show_default=True, metavar="DIR",
              help="Output folder (the same rules as build --out).")
@click.option("--base-url", type=BASE_URL, default=None, metavar="URL",
              help="Base URL of the published edition (as given to the shards).")
@click.option("--no-dts", is_flag=True, help="The shards were built with --no-dts.")
@click.option("--no-search", is_flag=True, help="The shards were built with --no-search.")
@click.option("--formats", default=None, metavar="LIST", help="The formats the shards were built with.")
@reports_errors
def merge(shards: tuple[Path, ...], tei_dir: Path | None, out: Path, base_url: str | None, no_dts: bool,
          no_search: bool, formats: str | None) -> None:
    """Assemble shard folders (teikit build --shard I/N) into the site at --out."""
    from .errors import ValidationFailed
    from .publish import BuildOptions
    from .publish import merge as run_merge
    from .weburl import DEFAULT_BASE_URL

    options = BuildOptions(base_url=base_url or DEFAULT_BASE_URL, formats=_formats(formats),
                           without=_without(no_dts, no_search))
    try:
        folder = corpus_folder(tei_dir)
        result = run_merge(folder, list(shards), out, options)
    except ValidationFailed as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        echo(f"teikit: {exc.message}", err=True)
        sys.exit(1)
    for line in result.notices:
        notice(line)
    echo(f"merged {len(result.documents)} document(s) from {len(shards)} shard(s) into {result.out}")


BASE_URL_HELP = "Base URL of the published edition (default: the documented placeholder)."


@main.command()
@click.argument("ref")
@corpus_dir()
@click.option("--format", "fmt", type=click.Choice(["text", "tei", "html", "json"]), default="text",
              show_default=True, help="text: each passage labelled [ID]; tei: one XML document; json: see README.")
@click.option("--notes", is_flag=True, help="text: print the editorial notes on these passages after them.")
@click.option("--base-url", type=BASE_URL, default=None, metavar="URL", help=BASE_URL_HELP)
@reports_errors
def resolve(ref: str, tei_dir: Path | None, fmt: str, notes: bool, base_url: str | None) -> None:
    """Print the passage(s) REF names: p12, s3, s3.p12, p12-p14, DOC-ID:p12, a CTS URN or a URL."""
    from .passages import render_passages
    from .passages import resolve as resolve_ref
    from .weburl import DEFAULT_BASE_URL

    corpus = discover(tei_dir)
    resolved = resolve_ref(corpus, ref)
    echo(render_passages(corpus, resolved, fmt, base_url or DEFAULT_BASE_URL, ref, labels=True, notes=notes), nl=False)


@main.command()
@click.argument("ref", required=False)
@corpus_dir()
@click.option("--style", type=click.Choice(["chicago-notes", "chicago-author-date", "mla", "apa"]),
              default="chicago-notes", show_default=True, help="Citation style (text format).")
@click.option("--format", "fmt", type=click.Choice(["text", "csl-json", "bibtex", "ris", "json"]), default="text",
              show_default=True, help="text: the citation (and bibliography entry); json: both with the CSL item.")
@click.option("--base-url", type=BASE_URL, default=None, metavar="URL", help=BASE_URL_HELP)
@reports_errors
def cite(ref: str | None, tei_dir: Path | None, style: str, fmt: str, base_url: str | None) -> None:
    """Cite the passage REF (or, without REF, the whole article)."""
    from .cite import cited_item, csl_items, item_for, proper_nouns, render
    from .passages import resolve as resolve_ref
    from .weburl import DEFAULT_BASE_URL

    corpus = discover(tei_dir)
    resolved = resolve_ref(corpus, ref)
    item = item_for(resolved, csl_items(resolved.doc, corpus, base_url or DEFAULT_BASE_URL))
    if fmt == "json":
        from .cite import format_citation

        citation, entry = format_citation(item, style)
        # The item a reference manager holds, and the locator a citation of the passage adds.
        data = {"reference": ref or resolved.doc.id, "document": resolved.doc.id, "style": style,
                "citation": citation, "bibliography": entry, "item": cited_item(item),
                "locator": ({"locator": item["locator"], "label": item["label"]} if "locator" in item else None)}
        echo(json_text(data))
        return
    echo(render(item, fmt, style, proper_nouns(corpus)), nl=False)


@main.group()
def passages() -> None:
    """Check or update the manifest of published passage IDs (tei/passages.json)."""


@passages.command("check")
@corpus_dir(legacy=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="One line per problem, or a JSON array (the shape of validate --format json).")
@reports_errors
def passages_check(tei_dir: Path | None, fmt: str) -> None:
    """Fail when a published passage disappeared, was reused, or changed without a revision."""
    from .validate import completeness_problems, stability_problems

    corpus = discover(tei_dir)
    problems = completeness_problems(corpus) + stability_problems(corpus)
    if fmt == "json":
        echo(json_text([p.as_dict() for p in problems]))
    else:
        for problem in problems:
            echo(str(problem))
    if any(p.severity == "error" for p in problems):
        sys.exit(1)
    if fmt == "text":
        echo("passages: all published IDs stable", err=True)


@passages.command("update")
@corpus_dir(legacy=True)
@reports_errors
def passages_update(tei_dir: Path | None) -> None:
    """Record new passages and recorded revisions in the manifest (the only way it changes)."""
    from .passages import MANIFEST_FILE, load_manifest, update_manifest, write_manifest

    corpus = discover(tei_dir)
    path = corpus.root / MANIFEST_FILE
    manifest, notes = update_manifest(corpus, load_manifest(path))
    write_manifest(path, manifest)
    for note in notes:
        echo(note)
    echo(f"passages: {path} up to date ({len(notes)} change(s))", err=True)


@main.command()
@corpus_dir(legacy=True)
@click.option("--host", default="127.0.0.1", metavar="HOST", show_default=True,
              help="Interface to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--base-url", type=BASE_URL, default=None, metavar="URL", help=BASE_URL_HELP)
@reports_errors
def serve(tei_dir: Path | None, host: str, port: int, base_url: str | None) -> None:
    """Serve the corpus as a live DTS 1.0 API at /api/dts.

    [TEI_DIR] is the deprecated spelling of --tei-dir."""
    from .serve import run

    def ready(bound: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        echo(f"teikit: DTS API on http://{shown}:{bound}/api/dts (Ctrl-C to stop)", err=True)

    run(corpus_folder(tei_dir), host, port, base_url, ready)


def synopsis(path: list[str]) -> str:
    """The one-line synopsis of a command (``["passages", "check"]``), made from its click
    definition: the README's command reference shows exactly these lines, and a test keeps the
    two in step (as sqlite-utils keeps its documentation in step with ``--help``)."""
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.commands[name]
        command = found
    words = ["teikit", *path]
    for param in command.params:
        if isinstance(param, click.Argument):
            if param.name == "legacy_tei_dir":  # deprecated: not shown as a way to name the corpus
                continue
            name = param.metavar or param.name.upper() if param.name else ""
            name = name if name.startswith("[") or name.endswith("...") or param.nargs != -1 else f"{name}..."
            words.append(name if param.required else (name if name.startswith("[") else f"[{name}]"))
            continue
        assert isinstance(param, click.Option)
        if param.hidden or param.name == "help":
            continue
        flag = max(param.opts, key=len)
        if param.is_flag:
            words.append(f"[{flag}]")
        elif isinstance(param.type, click.Choice):
            words.append(f"[{flag} {'|'.join(map(str, param.type.choices))}]")
        else:
            words.append(f"[{flag} {param.metavar or ('N' if isinstance(param.type, click.IntRange) else 'TEXT')}]")
    return " ".join(words)


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words that name it."""
    paths: list[list[str]] = []
    for name, command in sorted(main.commands.items()):
        if isinstance(command, click.Group):
            paths += [[name, sub] for sub in sorted(command.commands)]
        else:
            paths.append([name])
    return paths


def run() -> int:
    """Run :func:`main` as the command does and return its exit code (no teardown, no exit).

    Click's own handling of Ctrl-C ("Aborted!", exit 1) is replaced by the command's: the
    interrupt propagates to :func:`teikit._entry.entry`, which prints one line and exits 130.
    """
    try:
        main.main(prog_name="teikit", standalone_mode=False)
        return 0
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    except click.ClickException as exc:
        shown = io.StringIO()  # click's usage message quotes what was typed: shown escaped
        exc.show(file=shown)
        echo(shown.getvalue(), err=True, nl=False)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        echo(str(exc.code), err=True)
        return 1
    except OSError as exc:
        echo(os_error_line(exc), err=True)
        return 2


def entry() -> None:
    """The ``teikit`` command (kept here for ``python -m teikit.cli``): see :mod:`teikit._entry`."""
    from ._entry import entry as run_entry

    run_entry()


if __name__ == "__main__":  # python -m teikit.cli
    entry()
