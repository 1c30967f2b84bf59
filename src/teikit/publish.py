"""Publish stage: validate and transform a corpus into the edition, in parallel and incrementally.

- **Atomic.** Output is written into a temporary folder beside ``--out`` and moved into place only
  when complete; a failed, invalid or interrupted build leaves the previous output as it was.  A
  lock file beside the output stops a second build from writing to the same folder at once.
- **Deterministic.** The same input gives byte-identical output (no timestamps, stable order).
- **Parallel.** Documents are built by ``jobs`` worker processes; each worker compiles every
  stylesheet and schema once and holds one document at a time, so memory stays flat.
- **Incremental.** ``.teikit/state.json`` in the output records, per document, the content hash of
  its input combined with the hashes of what it depends on (schema and register for validation;
  stylesheets, register, options and teikit's version for rendering).  A rebuild validates and
  renders only what changed; when nothing changed it writes nothing at all.
- **Distributed.** ``shard=(i, n)`` builds only the i-th of n disjoint slices of the corpus into its
  own folder; :func:`merge` assembles shard folders into the final site (site index, DTS root,
  register check), so a CI matrix or an array job can split a very large corpus across machines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import quote

from . import __version__, outdir
from .errors import (
    InvalidInput,
    OutputError,
    TeikitError,
    Unreadable,
    UsageProblem,
    ValidationFailed,
    check_interrupt,
    quoted,
)
from .load import DOCUMENT_ID, Corpus, Document, reserved_id
from .passages import MANIFEST_FILE
from .problems import ERROR, WARNING, Problem, is_unparsed
from .resources import resource_dir, schema_path
from .weburl import DEFAULT_BASE_URL, base_url
from .xmlutil import write_new

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# Validation, Saxon, citeproc-py and the worker pool are imported where they are used: a rebuild
# that finds nothing to do must not pay for loading them (it would be most of its time).

ASSETS = ("teikit.css", "teikit.js")
STATE_FILE = Path(".teikit") / "state.json"
SHARD_FILE = Path(".teikit") / "shard.json"
STATE_VERSION = 2  # 2: outputs recorded per format
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class BuildOptions:
    """What ``teikit build`` can be asked for."""

    base_url: str = DEFAULT_BASE_URL
    text_ids: bool = False
    text_width: int = 0
    text_notes: bool = False  # the editorial notes after the plain text (never inside it)
    jobs: int = 0  # 0: one per usable core
    shard: tuple[int, int] | None = None  # (i, n): build the i-th (1-based) of n slices
    # The output formats to write (names of teikit.formats.registry(); None: all of them), and
    # formats to leave out of that choice (the command's --no-dts, --no-search).
    formats: tuple[str, ...] | None = None
    without: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Checked here, so that a library caller gets the command's refusal, and normalised (a
        # trailing slash), so that two spellings of one address share one incremental state.
        self.base_url = base_url(self.base_url)
        from . import formats

        try:
            chosen = formats.select(self.formats)
            formats.select(self.without)
        except ValueError as exc:
            raise UsageProblem(f"--formats: {exc}") from None
        self.formats = tuple(f for f in chosen if f not in self.without)

    def render_key(self) -> str:
        # Not the formats: each is recorded per document, so choosing others renders only what is missing.
        return json.dumps([self.base_url, self.text_ids, self.text_width, self.text_notes])


@dataclass
class BuildResult:
    out: Path
    documents: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    validated: list[str] = field(default_factory=list)
    files: int = 0
    warnings: list[Problem] = field(default_factory=list)
    up_to_date: bool = False
    notices: list[str] = field(default_factory=list)  # what was done besides building (recovery)


@dataclass
class DocRecord:
    """What the build remembers about one document (also what a worker returns)."""

    path: str
    id: str = ""
    validate_key: str = ""
    render_key: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    owned: list[str] = field(default_factory=list)  # output paths (files or folders) of this document
    catalogue: str = ""
    # Per output format: {"roots": its paths among owned, "files": how many, "fingerprint": see _OutputTree}.
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # what formats leave for the site step
    files: int = 0
    digest: str = ""  # content hash of the document when it was built
    stat: list[int] = field(default_factory=list)  # its size, mtime (ns) and inode then
    outputs: str = ""  # fingerprint of its output files as written (see _OutputTree)

    def problem_objects(self) -> list[Problem]:
        return [Problem(**p) for p in self.problems]


# ------------------------------------------------------------------------------- rendering

def _write(path: Path, text: str) -> None:
    outdir.make_parents(str(path))
    write_new(path, text)  # never through an existing file: it may be a hard link into the last build


def _safe_id(doc: Document) -> None:
    """Document IDs become folder names: refuse anything but the documented ID form."""
    if not re.fullmatch(DOCUMENT_ID, doc.id) or reserved_id(doc.id):
        raise InvalidInput(f"document ID {quoted(doc.id)} cannot name an output folder",
                           path=str(doc.path), rule="document-id")


def catalogue_record(doc: Document) -> str:
    """The document's catalogue record (header facts for the site index), as XML text."""
    from . import transform

    return transform.run(transform.compiled("catalogue.xsl"), doc.xdm())


# ---------------------------------------------------------------------------- dependencies

def _hash_files(files: list[tuple[str, Path]]) -> str:
    """A hash of files by their role and content, in the given order: where teikit or the corpus
    happens to live (an editable checkout, a wheel, a copy) does not change it."""
    h = hashlib.sha256()
    for label, path in files:
        h.update(label.encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def dependency_keys(corpus: Corpus, options: BuildOptions) -> tuple[str, str]:
    """(validation key, rendering key) of everything a document's outputs depend on besides itself."""
    register = [("register", corpus.register_path)] if corpus.register_path else []
    manifest = corpus.root / "passages.json"
    register += [("manifest", manifest)] if manifest.is_file() else []
    schema = [(f"schema/{name}", schema_path(name)) for name in ("teikit.rng", "tei.rng", "teikit.sch.xsl")]
    config = corpus.config  # the profile and the project's own rules decide what is valid
    project = [("config", config.path)] if config.path else []
    project += [("project/relaxng", config.relaxng)] if config.relaxng else []
    project += [(f"project/schematron{i}", p) for i, p in enumerate(config.schematron)]
    validate_key = _hash_files(schema + register + project) + __version__
    xslt = resource_dir("xslt")
    stylesheets = sorted((p.relative_to(xslt).as_posix(), p) for p in xslt.rglob("*") if p.is_file())
    render_key = _hash_files(stylesheets + register) + __version__ + options.render_key()
    return validate_key, render_key


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# -------------------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {}


def _init_worker(root: str, register: str | None, options: BuildOptions, total: int) -> None:
    from .validate import load_corpus_manifest

    _WORKER.clear()
    corpus = Corpus(Path(root), [], Path(register) if register else None)
    try:
        manifest = load_corpus_manifest(corpus)
    except TeikitError:  # the build reports it once, from the main process
        manifest = None
    _WORKER.update(corpus=corpus, options=options, total=total, manifest=manifest)


def _init_pool_worker(*args: Any) -> None:
    """A pool worker: Ctrl-C goes to the whole process group, and only the command handles it (it
    stops the pool); a worker that took it too would print a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, outdir.STOP_SIGNALS)  # blocked while the command forked this worker
    _init_worker(*args)



_MASK = (1 << 64) - 1


def _file_value(st: os.stat_result) -> int:
    """A file's facts as one number: inode, size, modification time and type."""
    return ((st.st_ino * 0x9E3779B97F4A7C15) ^ (st.st_size * 0xC2B2AE3D27D4EB4F) ^ st.st_mtime_ns
            ^ (st.st_mode << 48)) & _MASK


def _name_value(rel: str) -> int:
    return zlib.crc32(rel.encode()) * 0x100000001B3


def _xor(a: str, b: str) -> str:
    return f"{int(a or '0', 16) ^ int(b or '0', 16):016x}"


class _OutputTree:
    """Output files as they are on disk, fingerprinted per document.

    A document's fingerprint folds the names, inodes, sizes and modification times of every file
    under the paths it owns: a file deleted, added, renamed or rewritten changes it.  The build
    records it when the files are written; a rebuild computes it again from the output and renders
    the document again where it differs, so a damaged output is repaired rather than declared up
    to date.  The paths a document owns are folded by XOR, so the two halves of a document built
    at once combine, and folders one at a time in name order, with one ``scandir`` each.
    ``site_files`` (written for the whole site inside a document's folders) are left out.
    """

    def __init__(self, root: str, site_files: set[str]) -> None:
        self.root = root
        self.site_files = site_files
        self.folders: dict[str, dict[str, os.DirEntry[str]] | None] = {}

    def _entries(self, rel: str) -> dict[str, os.DirEntry[str]] | None:
        if rel not in self.folders:
            try:
                with os.scandir(os.path.join(self.root, rel)) as it:
                    self.folders[rel] = {e.name: e for e in it}
            except OSError:
                self.folders[rel] = None
        return self.folders[rel]

    def fingerprint(self, owned: Iterable[str], site: bool = False) -> str | None:
        """The fingerprint of the files under ``owned``; None if one of those paths is gone."""
        total = 0
        try:
            for rel in owned:
                parent, _, name = rel.rpartition("/")
                entries = self._entries(parent)
                entry = entries.get(name) if entries is not None else None
                if entry is None:
                    return None
                if entry.is_dir(follow_symlinks=False) and not site:
                    total ^= self._folder(rel) ^ _name_value(rel)
                else:
                    total ^= _file_value(entry.stat(follow_symlinks=False)) ^ _name_value(rel)
        except OSError:
            return None
        return f"{total:016x}"

    def _folder(self, top: str) -> int:
        value = 0
        stack = [top]
        while stack:
            rel = stack.pop()
            with os.scandir(os.path.join(self.root, rel)) as it:
                entries = sorted(it, key=lambda e: e.name)
            names = []
            for entry in entries:
                path = f"{rel}/{entry.name}"
                if self.site_files and path in self.site_files:
                    continue
                names.append(entry.name)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                else:
                    value = (value * 0x100000001B3 + _file_value(entry.stat(follow_symlinks=False))) & _MASK
            value ^= _name_value(rel + "\0" + "\0".join(names))
        return value


def _owned(files: list[str], ident: str) -> list[str]:
    """The top-most output paths of one document's files (its DTS folders, say), except in the
    document's own folder, which several formats share: there each file is its own path, so that a
    format's files can be kept while another's are written again."""
    marker = quote(ident, safe="")
    roots: set[str] = set()
    for rel in files:
        parts = rel.split("/")
        if parts[0] == ident and len(parts) > 1:
            roots.add(rel)
            continue
        for i, part in enumerate(parts):
            if part == ident or part.startswith(marker):
                roots.add("/".join(parts[: i + 1]))
                break
    return sorted(roots)


# What a job does with its document: everything, or one of two halves that two workers can build
# at once (used when there are fewer documents than workers, as in a build of the one edition):
# validation and the static API; the reading outputs (HTML, plain text, citations).  Traced on a
# cold build, the two take about as long as each other.
WHOLE, CHECK_AND_API, READING = "whole", "check+api", "reading"
REGISTER = "register"  # the register's own checks, on whichever worker is free


# A document's plan: its path, whether to validate it, the formats to render, its two keys.
Plan = tuple[Path, bool, tuple[str, ...], str, str]


class Job(NamedTuple):
    """One task for a worker (a tuple, so that it pickles small)."""

    path: str
    staging: str
    validate: bool  # validation is not current
    render: bool  # outputs are not current
    validate_key: str
    render_key: str
    part: str = WHOLE
    formats: tuple[str, ...] = ()  # the output formats to render (the others are current)


def _process(job: Job) -> tuple[DocRecord, TeikitError | None]:
    """Validate and/or render one document (or one half of it) into the staging folder (in a worker).

    The reading half of a document that the other half is still validating keeps its own failure
    (second in the pair) rather than raising it: if the document is invalid, the validation
    problems are what the user must see.
    """
    from .validate import check_and_load, document_stability_problems, register_problems

    path_s, staging_s, need_validate, _, vkey, rkey, part, _ = job
    corpus: Corpus = _WORKER["corpus"]
    options: BuildOptions = _WORKER["options"]
    path, staging = Path(path_s), Path(staging_s)
    record = DocRecord(path=path_s, validate_key=vkey, render_key=rkey)
    if part == REGISTER:
        assert corpus.register is not None
        record.problems = [asdict(p) for p in register_problems(path, corpus.register, corpus.config)]
        return record, None
    doc: Document | None = None
    if need_validate and part != READING:
        problems, used, doc = check_and_load(path, corpus.register, config=corpus.config, root=corpus.root)
        if doc is not None and _WORKER["manifest"] is not None and not any(p.severity == ERROR for p in problems):
            problems += document_stability_problems(doc, corpus.root / MANIFEST_FILE, _WORKER["manifest"])
        record.problems = [asdict(p) for p in problems]
        record.used = sorted(used)
        if any(p.severity == ERROR for p in problems):
            return record, None
    if not job.formats:
        return record, None
    from .formats import WITH_CHECKS, DocContext, registry

    try:
        doc = doc or corpus.load_document(path)
        if not corpus.config.strict:
            from .ids import prepare

            prepare(doc)
        _safe_id(doc)
        if corpus.register is None:
            raise InvalidInput("no register.xml beside the documents", path=str(corpus.root))
        ctx = DocContext(doc, corpus, options, staging, total=_WORKER["total"])
        for name in job.formats:
            fmt = registry()[name]
            if fmt.render is None or (part == CHECK_AND_API and fmt.half != WITH_CHECKS) \
                    or (part == READING and fmt.half == WITH_CHECKS):
                continue
            written = fmt.render(ctx)
            roots = _owned(written, doc.id)
            tree = _OutputTree(staging_s, set())  # a new one: it caches folder listings
            record.formats[name] = {"roots": roots, "files": len(written), "fingerprint": tree.fingerprint(roots) or "",
                                    "key": fmt.key(rkey, options.formats or ())}
    except TeikitError as exc:
        if part == READING and need_validate:
            return record, exc
        raise
    record.id = doc.id
    record.facts = ctx.facts
    if part != READING:
        record.catalogue = catalogue_record(doc)
    _summarise(record)
    return record, None


def _summarise(record: DocRecord) -> None:
    """The record's totals from its formats: every path it owns, its files, its fingerprint."""
    record.owned = sorted({r for f in record.formats.values() for r in f["roots"]})
    record.files = sum(f["files"] for f in record.formats.values())
    value = "0" * 16
    for f in record.formats.values():
        value = _xor(value, f["fingerprint"] or "0" * 16)
    record.outputs = value


def _combine(first: DocRecord, second: DocRecord, failure: TeikitError | None) -> DocRecord:
    """One document's record from its two halves (validation and API; reading outputs)."""
    if any(p["severity"] == ERROR for p in first.problems):
        return first
    if failure is not None:
        raise failure
    first.formats.update(second.formats)
    first.facts.update(second.facts)
    first.id = first.id or second.id
    _summarise(first)
    return first


# ----------------------------------------------------------------------------------- state

def _load_state(folder: Path, name: Path = STATE_FILE) -> dict[str, Any]:
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == STATE_VERSION else {}


def _records(state: dict[str, Any]) -> dict[str, DocRecord]:
    out = {}
    for path, data in state.get("documents", {}).items():
        try:
            out[path] = DocRecord(**data)
        except TypeError:
            continue
    return out


def _link_tree(src_root: Path, rel: str, dst_root: Path) -> bool:
    """Hard-link a file or folder of an earlier output into the staging folder (copy where linking
    fails); True when every file was linked, so that its fingerprint is unchanged.

    Only regular files are taken and folders are walked without following links: a link found in
    an output (which teikit never writes) is not followed out of it.  ``rel`` must be a plain
    relative path inside ``src_root``.
    """
    _require_plain(rel, src_root)
    linked = True
    src = os.path.join(src_root, rel)
    if os.path.isdir(src) and not os.path.islink(src):
        files = []
        for folder, dirs, names in os.walk(src):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            files += [os.path.join(folder, n) for n in names]
    else:
        files = [src]
    for path in files:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if not S_ISREG(st.st_mode):
            continue  # a link or a special file: never teikit's, never followed
        target = dst_root / os.path.relpath(path, src_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target, follow_symlinks=False)
        except OSError:
            shutil.copyfile(path, target, follow_symlinks=False)
            linked = False
    return linked


def _require_plain(rel: str, root: Path) -> None:
    """Refuse a recorded output path that is absolute or leaves ``root`` (state files are data)."""
    if not _plain_relative(rel):
        raise InvalidInput(f"recorded output path {rel!r} is absolute or leaves its folder; refusing it",
                           path=str(root), rule="output-path")


def _plain_relative(rel: str) -> bool:
    """A relative path of plain names (no root, no ``..``, no empty or ``.`` parts)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and all(p not in ("", ".", "..") for p in parts)


def usable_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than exist)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def can_fork() -> bool:
    """Whether workers may be forked from this process rather than spawned.

    A forked worker starts in milliseconds with everything imported; a spawned one pays for a new
    interpreter and every import (about as long as building the edition).  Forking is safe only
    while this process is single-threaded and has not started Saxon (whose runtime has threads of
    its own), which is the case for every ``teikit build`` on the command line.  A process that has
    already transformed something (a test session, a server) spawns its workers.
    """
    transform = sys.modules.get(f"{__package__}.transform")
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and (transform is None or not transform.started()))


def _pool_context() -> BaseContext:
    from multiprocessing import get_context

    return get_context("fork" if can_fork() else "spawn")


class _Workers:
    """Where a build's jobs run: worker processes, or this process when one would do.

    Kept open until the site-wide parts are made, so that the site index is rendered by a worker
    whose Saxon is already warm rather than by this process starting its own.
    """

    def __init__(self, corpus: Corpus, options: BuildOptions, total: int, jobs: int) -> None:
        self.init = (str(corpus.root), str(corpus.register_path) if corpus.register_path else None, options, total)
        self.corpus = corpus
        self.count = options.jobs or usable_cores()
        self.fork = can_fork()
        # Fewer documents than workers (the edition alone): build each document's two halves at once.
        self.split = self.count >= 2 and jobs < self.count and self.fork
        self.pool: Any = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        """Stop the pool; after a failure or an interrupt, stop its workers at once: one still
        writing into the staging folder while it is removed would leave part of it behind."""
        if self.pool is None:
            return
        workers = list((getattr(self.pool, "_processes", None) or {}).values())
        if exc_type is not None:
            for worker in workers:
                worker.terminate()
        while True:
            try:
                self.pool.shutdown(wait=True, cancel_futures=True)
                for worker in workers:
                    worker.join()
                return
            except KeyboardInterrupt:  # a second interrupt: the first is already on its way out
                for worker in workers:
                    worker.terminate()

    def run(self, jobs: list[Job], progress: Progress | None,
            check_register_file: bool = False) -> tuple[list[DocRecord], list[Problem]]:
        """Run the jobs; the documents' records, and the register's own problems if asked."""
        tasks: list[Job] = []
        for job in jobs:
            if self.split and job.render:
                tasks += [job._replace(part=CHECK_AND_API), job._replace(part=READING)]
            else:
                tasks.append(job)
        if check_register_file and self.corpus.register_path is not None:
            tasks.append(Job(str(self.corpus.register_path), "", True, False, "", "", REGISTER))
        counted = sum(1 for t in tasks if t.part != REGISTER)
        outcomes: list[tuple[DocRecord, TeikitError | None]] = []
        if self.count == 1 or counted <= 1:  # one document (and the register): no pool to start
            _init_worker(*self.init)
            results: Iterator[tuple[DocRecord, TeikitError | None]] = map(_process, tasks)
        elif self.split and counted == 2:
            # One document in two halves: one forked child beside this process, not a pool, whose
            # machinery alone (concurrent.futures, multiprocessing) costs 35 ms to import.
            _init_worker(*self.init)
            reading = [i for i, t in enumerate(tasks) if t.part == READING]
            others = [t for t in tasks if t.part != READING]
            try:
                with _Forked(_process_all, others) as child:
                    mine = _process(tasks[reading[0]])
                    theirs = iter(child.result())
                results = iter([mine if i in reading else next(theirs) for i in range(len(tasks))])
            except _ForkFailed:  # the system would not fork: both halves here, one after the other
                results = map(_process, tasks)
        else:
            from concurrent.futures import ProcessPoolExecutor

            if self.fork:
                from . import cite, dts, transform, validate  # noqa: F401 - loaded once, inherited by every worker
            # A worker forked while Ctrl-C arrives would take it with the command's handler, before its
            # initializer ignores it, and print a traceback: the signals wait until the workers exist.
            with outdir.deferred_signals():
                self.pool = ProcessPoolExecutor(max_workers=min(self.count, len(tasks)),
                                                mp_context=_pool_context(), initializer=_init_pool_worker,
                                                initargs=self.init)
                # Small chunks: a worker left with a long last chunk while the other idles costs more than
                # sending tasks one by one (measured: ~10% of a 100-document build with chunks of 12).
                chunk = max(1, min(4, len(tasks) // (self.count * 64)))
                results = self.pool.map(_process, tasks, chunksize=chunk)
        for outcome in results:
            check_interrupt()
            outcomes.append(outcome)
            if progress and len(outcomes) <= counted:
                progress(len(outcomes), counted)
        records: list[DocRecord] = []
        register: list[Problem] = []
        pending = iter(zip(tasks, outcomes, strict=True))
        for task, (record, _) in pending:
            if task.part == REGISTER:
                register = record.problem_objects()
                continue
            if task.part == CHECK_AND_API:
                _, (second, failure) = next(pending)
                record = _combine(record, second, failure)
            records.append(record)
        return records, register

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a worker if there are any (their Saxon is warm), else here."""
        if self.pool is None:
            return fn(*args)
        result: T = self.pool.submit(fn, *args).result()
        return result


def _process_all(jobs: list[Job]) -> list[tuple[DocRecord, TeikitError | None]]:
    return [_process(job) for job in jobs]


class _ForkFailed(Exception):
    """The system refused to fork (a process or memory limit)."""


class _Forked:
    """``fn(arg)`` in a forked child process, its result (or exception) sent back pickled.

    Leaving the ``with`` block without having taken the result (an error or Ctrl-C in this
    process) stops the child; either way no child outlives the block.  The child never returns
    into the caller's code: it leaves through ``os._exit``, running no cleanup meant for the parent.
    """

    def __init__(self, fn: Callable[[Any], T], arg: Any) -> None:
        self.fn, self.arg = fn, arg
        self.pid = 0
        self.fd = -1

    def __enter__(self) -> _Forked:
        import pickle

        read, write = os.pipe()
        # Signals wait until both processes are past the fork: Python's at-fork hooks (reseeding
        # ``random`` in the child) would otherwise print the interrupt as an ignored exception.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, outdir.STOP_SIGNALS)
        try:
            self.pid = os.fork()
        except OSError as exc:  # no process to spare (EAGAIN, ENOMEM): the caller may do without
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            os.close(write)
            raise _ForkFailed(str(exc)) from exc
        if self.pid == 0:  # the child
            code = 1
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                os.close(read)
                try:
                    payload: tuple[bool, Any] = (True, self.fn(self.arg))
                except BaseException as exc:  # every failure goes to the parent
                    payload = (False, exc)
                try:
                    data = pickle.dumps(payload)
                except Exception as exc:  # what cannot be pickled is sent as text
                    what = payload[1] if not payload[0] else exc
                    data = pickle.dumps((False, RuntimeError(f"{type(what).__name__}: {what}")))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.fd = read
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a pending interrupt is raised here
        except BaseException:
            self.__exit__(None)  # ``with`` calls no __exit__ when __enter__ raises: stop the child here
            raise
        return self

    def result(self) -> Any:
        """Wait for the child; return what ``fn`` returned or raise what it raised."""
        import pickle

        fd, self.fd = self.fd, -1  # the file object owns it from here (closed once, whatever happens)
        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not data or os.waitstatus_to_exitcode(status) != 0:
            raise TeikitError(f"a build worker died (exit status {os.waitstatus_to_exitcode(status)})")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.pid:
            pid, self.pid = self.pid, 0
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            # The child is gone before anyone removes what it wrote.
            with outdir.deferred_signals(), contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


# ----------------------------------------------------------------------------------- build

def build(tei_dir: Path | None, out: Path, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Validate the corpus and write the edition to ``out``; raise and leave ``out`` alone on failure.

    ``out`` must be new, empty or an earlier teikit output (:func:`teikit.outdir.check_output`);
    anything else is refused before anything is read or written.
    """
    options = options or BuildOptions()
    corpus = Corpus.discover(tei_dir)
    incomplete = _require_complete(corpus)
    out = outdir.check_output(out, [corpus.root])
    swaps: list[outdir.Swap] = []
    existed = out.exists()
    try:
        result = _build(corpus, out, options, progress, swaps)
        result.warnings = incomplete + result.warnings
        return result
    except KeyboardInterrupt as exc:  # wherever it came: what the output folder holds now, in words
        if not hasattr(exc, "teikit_outcome"):
            exc.teikit_outcome = (swaps[0].outcome() if swaps else  # type: ignore[attr-defined]
                                  f"the previous output in {out} is unchanged" if existed
                                  else f"nothing was written to {out}")
        raise


def _build(corpus: Corpus, out: Path, options: BuildOptions, progress: Progress | None,
           swaps: list[outdir.Swap]) -> BuildResult:
    """:func:`build` once the output folder is known to be teikit's to replace."""
    _ = corpus.register  # an unreadable register is one line here, before anything depends on it
    paths = corpus.document_paths
    if options.shard is not None:
        i, n = options.shard
        if not (n >= 1 and 1 <= i <= n):
            raise UsageProblem(f"--shard {i}/{n}: need 1 <= I <= N")
        paths = [p for k, p in enumerate(paths) if k % n == i - 1]
    notices: list[str] = []
    if not out.exists() or outdir.needs_recovery(out):
        with outdir.locked(out):
            notices += outdir.recover(out)
    validate_deps, render_deps = dependency_keys(corpus, options)
    state_name = SHARD_FILE if options.shard else STATE_FILE
    old = _load_state(out, state_name) if out.is_dir() else {}
    # Keyed by the real path: "rp/tei", "./rp/tei", its absolute path or a link to it are one corpus.
    previous = {os.path.realpath(k): v for k, v in _records(old).items()}
    trusted_before = _state_time(out / state_name) - 2_000_000_000 if old else 0
    tree = _OutputTree(str(out), set(old.get("site", {}).get("files", [])))
    selected: tuple[str, ...] = options.formats or ()
    from .formats import registry
    plan: list[Plan] = []
    inputs: dict[str, tuple[str, list[int]]] = {}
    for path in paths:
        prev = previous.get(os.path.realpath(path))
        try:
            digest, stat = _digest(path, prev, trusted_before)
        except OSError as exc:
            raise Unreadable(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
        inputs[str(path)] = (digest, stat)
        vkey, rkey = _key(digest, validate_deps), _key(digest, render_deps)
        need_validate = prev is None or prev.validate_key != vkey
        # The formats to render: all of them if the document or what it depends on changed; else
        # those chosen now that its last build did not write, or wrote for another choice.
        render = selected if prev is None or prev.render_key != rkey else tuple(
            f for f in selected if prev.formats.get(f, {}).get("key") != registry()[f].key(rkey, selected))
        plan.append((path, need_validate, render, vkey, rkey))
    site = old.get("site", {})
    changed = (any(v or r for _, v, r, _, _ in plan) or set(previous) != {os.path.realpath(p) for p in paths}
               or old.get("register") != validate_deps or old.get("formats") != list(selected))
    # Something changed and the tree the last build replaced is there: the build brings that tree
    # up to date, checking its files rather than the output's (see _refresh_twin).  Otherwise the
    # outputs that look current must be intact on disk (a deleted or edited file is rendered again).
    twin = _twin_state(out) if changed and options.shard is None and old else None
    if twin is None:
        _check_kept(tree, plan, previous, selected)
    _hold_back_colliding_ids(plan, previous)
    unchanged = (twin is None and not any(v or r for _, v, r, _, _ in plan) and not changed
                 and (options.shard is not None or tree.fingerprint(site.get("files", []), site=True)
                      == site.get("fingerprint")))
    if unchanged:
        records = [previous[os.path.realpath(p)] for p in paths]
        return BuildResult(out, [r.id for r in records], [], [], sum(r.files for r in records),
                           [p for r in records for p in r.problem_objects()], up_to_date=True, notices=notices)
    with outdir.locked(out):
        notices += outdir.recover(out)
        staging = outdir.take_twin(out) if twin is not None else None
        if staging is None:
            if twin is not None:  # gone meanwhile: check the output instead
                twin = None
                _check_kept(tree, plan, previous, selected)
                _hold_back_colliding_ids(plan, previous)
            staging = outdir.new_staging(out)
        swap = outdir.Swap(staging, out, keep=options.shard is None)
        swaps.append(swap)
        try:
            result = _build_into(staging, out, corpus, plan, previous, options, validate_deps, progress, inputs,
                                 twin)
            check_interrupt()  # never publish after an interrupt, even one whose exception was lost
            swap.run()
            if swap.keep and not swap.had_old:  # nothing was replaced: a twin left from before is stale
                outdir.discard_twin(out)
                _make_twin(out)
        except OSError as exc:  # full disk, permissions: one clear line, previous output intact
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"cannot write the build: {exc.strerror or exc}; the previous output is unchanged",
                              path=str(getattr(exc, "filename", None) or out)) from None
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                exc.teikit_outcome = swap.outcome()  # type: ignore[attr-defined]
            _remove_staging(staging)
            raise
    result.notices = notices + result.notices
    return result


_ROOT_ID = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?TEI\b[^>]*?\sxml:id\s*=\s*[\"']([^\"'<>]*)[\"']")


def _fingerprints(tree: _OutputTree, owned: list[list[str]]) -> list[str | None]:
    """Each document's output fingerprint, as found on disk.

    For a large corpus this is one ``stat`` per output file (about 240 a document), the bulk of a
    rebuild that finds nothing to do; where this process may fork, half the documents are checked
    in a child on the other core.
    """
    if len(owned) < 200 or usable_cores() < 2 or not can_fork():
        return [tree.fingerprint(o) for o in owned]
    half = len(owned) // 2
    try:
        with _Forked(lambda part: [tree.fingerprint(o) for o in part], owned[half:]) as child:
            mine = [tree.fingerprint(o) for o in owned[:half]]
            theirs: list[str | None] = child.result()
    except _ForkFailed:
        return [tree.fingerprint(o) for o in owned]
    return mine + theirs


def _check_kept(tree: _OutputTree, plan: list[Plan], previous: dict[str, DocRecord],
                selected: tuple[str, ...]) -> None:
    """Render again the documents whose outputs look current but are not intact in ``tree``."""
    check = [k for k, (path, _, render, _, _) in enumerate(plan)
             if len(render) < len(selected) and os.path.realpath(path) in previous]
    kept = [[f for f in selected if f not in plan[k][2]] for k in check]
    befores = [previous[os.path.realpath(plan[k][0])] for k in check]
    found = _fingerprints(tree, [sorted({r for f in fs for r in was.formats[f]["roots"]})
                                 for fs, was in zip(kept, befores, strict=True)])
    for k, fs, was, fingerprint in zip(check, kept, befores, found, strict=True):
        path, need_validate, _, vkey, rkey = plan[k]
        if fingerprint is None or fingerprint != _expected(was, fs):
            plan[k] = (path, need_validate, selected, vkey, rkey)


def _expected(record: DocRecord, formats: Iterable[str]) -> str:
    """The fingerprint a document's files of these formats had when they were written."""
    value = "0" * 16
    for f in formats:
        value = _xor(value, record.formats[f]["fingerprint"] or "0" * 16)
    return value


# ------------------------------------------------------------------------------ the twin

def _twin_state(out: Path) -> dict[str, Any] | None:
    """The state of the tree kept beside ``out`` (see :mod:`teikit.outdir`), if it can serve as the
    next staging folder: teikit's, and with a record of what it holds in this state version."""
    twin = outdir.usable_twin(out)
    if twin is None:
        return None
    state = _load_state(twin)
    if state.get("version") != STATE_VERSION or not isinstance(state.get("documents"), dict):
        return None
    return state


def _remove_paths(root: Path, rels: Iterable[str]) -> None:
    """Remove recorded output paths (files or folders) under ``root``; links are removed, never followed."""
    for rel in rels:
        _require_plain(rel, root)
        path = os.path.join(root, rel)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)


def _refresh_twin(staging: Path, out: Path, plan: list[Plan], previous: dict[str, DocRecord],
                  twin: dict[str, Any], selected: tuple[str, ...]) -> set[str]:
    """Bring the twin (now ``staging``) to the last build's state, less what this build renders.

    The twin is the tree the last build replaced: where a document did not change since, its files
    are hard links to the output's, so they carry the fingerprints the last build recorded.  Its
    site-wide files go (they are written again), and so do the files of documents gone from the
    corpus, of formats no longer chosen and of what this build renders.  A kept document whose
    files here do not match the record is taken from the output again (if intact there; rendered
    again if not).  Returns the real paths of the documents whose kept files are already in place.
    Cost: one ``stat`` per kept file, as a build that finds nothing to do, plus what changed.
    """
    site_files = twin.get("site", {}).get("files", []) if isinstance(twin.get("site"), dict) else []
    _remove_paths(staging, [*site_files, str(STATE_FILE), str(SHARD_FILE)])
    theirs = {os.path.realpath(k): v for k, v in _records(twin).items()}
    index = {os.path.realpath(p): k for k, (p, _, _, _, _) in enumerate(plan)}
    for real, rec in theirs.items():
        k = index.get(real)
        for f, info in rec.formats.items():
            if k is None or f not in selected or f in plan[k][2]:
                _remove_paths(staging, info.get("roots", []))
    check = [(k, real) for real, k in index.items()
             if real in previous and len(plan[k][2]) < len(selected)]
    kept = [[f for f in selected if f not in plan[k][2]] for k, _ in check]
    roots = [sorted({r for f in fs for r in previous[real].formats[f]["roots"]})
             for fs, (_, real) in zip(kept, check, strict=True)]
    found = _fingerprints(_OutputTree(str(staging), set(site_files)), roots)
    good: set[str] = set()
    stale: list[int] = []
    for i, ((_, real), fs, fingerprint) in enumerate(zip(check, kept, found, strict=True)):
        if fingerprint is not None and fingerprint == _expected(previous[real], fs):
            good.add(real)
        else:
            stale.append(i)
    if stale:  # taken again from the output: first check it there
        live = _OutputTree(str(out), _old_site_files(out))
        for i in stale:
            k, real = check[i]
            _remove_paths(staging, roots[i])
            if real in theirs:
                _remove_paths(staging, [r for info in theirs[real].formats.values() for r in info.get("roots", [])
                                        if r not in roots[i]])
            if live.fingerprint(roots[i]) != _expected(previous[real], kept[i]):
                path, need_validate, _, vkey, rkey = plan[k]
                plan[k] = (path, need_validate, selected, vkey, rkey)
    return good


def _sweep(staging: Path, records: list[DocRecord], site_files: list[str]) -> None:
    """Remove from a refreshed twin whatever no record accounts for (a file left by hand, say), so
    that it holds exactly what a build from nothing would: each folder on the way to a recorded
    path is listed once, and names it should not have are removed."""
    children: dict[str, set[str]] = {}
    owned = {r for rec in records for r in rec.owned}
    for rel in [*owned, *site_files]:
        parts = rel.split("/")
        for i in range(len(parts)):
            folder = "/".join(parts[:i])
            if i and folder in owned:
                break  # inside a folder a document owns: its fingerprint covers what is in there
            children.setdefault(folder, set()).add(parts[i])
    children.setdefault("", set()).add(".teikit")
    for folder, names in children.items():
        if folder == ".teikit":
            continue  # teikit's own records: written below
        try:
            with os.scandir(os.path.join(staging, folder)) as it:
                extra = [e.name for e in it if e.name not in names]
        except (FileNotFoundError, NotADirectoryError):
            continue
        _remove_paths(staging, [f"{folder}/{name}" if folder else name for name in extra])


def _make_twin(out: Path) -> None:
    """After a build that replaced nothing, make the twin the next build will refresh: every file of
    the output hard-linked (a few microseconds each), under a staging name until complete.  A
    folder of that name that is not teikit's (even an empty one) is left as it is, and no twin made."""
    if os.path.lexists(outdir.twin_path(out)):
        return
    staging = outdir.new_staging(out)
    try:
        for folder, dirs, names in os.walk(out):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            rel = os.path.relpath(folder, out)
            target = staging if rel == "." else staging / rel
            for d in dirs:
                os.makedirs(target / d, exist_ok=True)
            for name in names:
                src = os.path.join(folder, name)
                dst = target / name
                if os.path.lexists(dst):
                    os.unlink(dst)
                os.link(src, dst, follow_symlinks=False)
        os.rename(staging, outdir.twin_path(out))
    except OSError:  # the twin only saves time: without it the next build links what it needs
        shutil.rmtree(staging, ignore_errors=True)


def _require_complete(corpus: Corpus) -> list[Problem]:
    """Refuse an incomplete corpus with the same problem ``validate`` reports for it; return the
    warnings (no manifest yet) that ``validate`` would print too."""
    from .validate import completeness_problems

    found = completeness_problems(corpus)
    errors = [p for p in found if p.severity == ERROR]
    if errors:
        raise ValidationFailed(f"{len(errors)} validation error(s); nothing was published", errors)  # type: ignore[arg-type]
    return found


def _peek_id(path: Path) -> str:
    """The document ID as its root start tag gives it, read from the file's first bytes (cheap)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return path.stem
    m = _ROOT_ID.search(head)
    return m.group(1).decode("utf-8", "replace") if m else path.stem


def _hold_back_colliding_ids(plan: list[Plan], previous: dict[str, DocRecord]) -> None:
    """Validate, but do not render, documents whose IDs collide: their outputs would share one
    folder, and two workers writing it at once fail on each other's files before the build can
    report the rule that explains it (``document-id-unique``, which then fails the build)."""
    by_id: dict[str, list[int]] = {}
    for k, (path, _, need_render, _, _) in enumerate(plan):
        prev = previous.get(os.path.realpath(path))
        ident = prev.id if prev is not None and not need_render and prev.id else _peek_id(path)
        by_id.setdefault(ident.lower(), []).append(k)
    for indexes in by_id.values():
        if len(indexes) > 1:
            for k in indexes:
                path, _, _, vkey, rkey = plan[k]
                plan[k] = (path, True, (), vkey, rkey)


def _state_time(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _digest(path: Path, prev: DocRecord | None, trusted_before: int) -> tuple[str, list[int]]:
    """The content hash of an input, and the file facts that let the next build reuse it.

    As git's index does, a recorded hash is reused when the file's size, modification time and
    inode are unchanged and it was last modified well before the record was written (a file
    changed within the same clock tick as the record could otherwise look untouched); otherwise
    the file is read and hashed.  A no-op rebuild of a large corpus then reads no document.
    """
    st = os.stat(path)
    stat = [st.st_size, st.st_mtime_ns, st.st_ino]
    if prev is not None and prev.digest and prev.stat == stat and st.st_mtime_ns < trusted_before:
        return prev.digest, stat
    return _content_hash(path), stat


def _content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_into(staging: Path, out: Path, corpus: Corpus, plan: list[Plan],
                previous: dict[str, DocRecord], options: BuildOptions, validate_deps: str,
                progress: Progress | None, inputs: dict[str, tuple[str, list[int]]],
                twin: dict[str, Any] | None = None) -> BuildResult:
    """Run the jobs, check what needs the whole corpus, and write the site-wide parts (into a new
    staging folder, or into the refreshed twin when ``twin`` gives its state)."""
    result = BuildResult(out)
    old_site = _old_site_files(out)
    in_place = _refresh_twin(staging, out, plan, previous, twin, options.formats or ()) if twin is not None else set()
    jobs = [Job(str(p), str(staging), v, bool(r), vk, rk, formats=r) for p, v, r, vk, rk in plan if v or r]
    selected: tuple[str, ...] = options.formats or ()
    with _Workers(corpus, options, len(corpus.document_paths), len(jobs)) as workers:
        fresh_records, register_found = workers.run(jobs, progress, check_register_file=options.shard is None)
        fresh = {rec.path: rec for rec in fresh_records}
        records: list[DocRecord] = []
        for path, need_validate, need_render, _, _ in plan:
            key, real = str(path), os.path.realpath(path)
            rec = fresh.get(key) or previous[real]
            rec.path = key  # as this build names it
            if not need_validate and key in fresh:  # rendered again, validation result still current
                old = previous[real]
                rec.problems, rec.used = old.problems, old.used
            kept = [f for f in selected if f not in need_render]
            if kept and real in previous:  # outputs still current: taken from the last build
                old = previous[real]
                if rec is not old:
                    rec.id = rec.id or old.id
                    rec.catalogue = rec.catalogue or old.catalogue
                    rec.facts = {**old.facts, **rec.facts}
                    rec.formats = {**{f: old.formats[f] for f in kept}, **rec.formats}
                else:  # neither validated nor rendered: formats not chosen now are left out
                    rec.formats = {f: old.formats[f] for f in kept}
                for f in kept if real not in in_place else ():
                    roots = old.formats[f]["roots"]
                    linked = [_link_tree(out, rel, staging) for rel in roots]
                    if not all(linked):  # copied, not linked: new inodes, so a new fingerprint
                        rec.formats[f] = {**old.formats[f],
                                          "fingerprint": _OutputTree(str(staging), old_site).fingerprint(roots) or ""}
                _summarise(rec)
            rec.digest, rec.stat = inputs[key]
            if need_validate:
                result.validated.append(key)
            if need_render:
                result.rendered.append(key)
            records.append(rec)
        problems = [p for r in records for p in r.problem_objects()]
        if options.shard is None:
            # The register's own checks ran on a worker; whether each entry is used needs every record.
            problems += register_found + _unused_problems(corpus, records) + _manifest_problems(corpus)
        errors = sorted(p for p in problems if p.severity == ERROR)
        if not errors:
            errors = _identity_errors(records)
        if errors:
            raise ValidationFailed(f"{len(errors)} validation error(s); nothing was published", errors)  # type: ignore[arg-type]
        result.warnings = sorted(p for p in problems if p.severity != ERROR)
        result.documents = [r.id for r in records]
        result.files = sum(r.files for r in records)
        state: dict[str, Any] = {"version": STATE_VERSION, "register": validate_deps, "formats": list(selected),
                                 "documents": {r.path: vars(r) for r in records}}
        if options.shard is None:
            site_files = _write_site(staging, records, options, workers.call, corpus.register_path)
            if twin is not None:
                _sweep(staging, records, site_files)
            result.files += len(site_files)
            state["site"] = {"files": site_files,
                             "fingerprint": _OutputTree(str(staging), set()).fingerprint(site_files, site=True)}
            _write(staging / STATE_FILE, json.dumps(state, sort_keys=True) + "\n")
        else:
            _write(staging / SHARD_FILE, json.dumps(state, sort_keys=True) + "\n")
        _mark(staging)
        return result


def _remove_staging(staging: Path) -> None:
    """Remove the staging folder after a failure: before the swap it holds the unfinished build,
    after an exchange the old tree.  A second interrupt during the removal is not allowed to hide
    the first failure: what is left then is removed by the next build (under the lock)."""
    import time

    # A file a dying worker created meanwhile leaves it: again, later (up to about 4 s, spent only
    # when a removal fails).
    for pause in (0.0, 0.05, 0.2, 0.5, 1.0, 2.0):
        with contextlib.suppress(BaseException):  # the failure being reported is the one that matters
            time.sleep(pause)
            shutil.rmtree(staging, ignore_errors=True)
        if not os.path.lexists(staging):
            return


def _old_site_files(out: Path) -> set[str]:
    site = _load_state(out).get("site", {})
    return set(site.get("files", [])) if isinstance(site, dict) else set()


def _mark(staging: Path) -> None:
    """Write teikit's output marker, naming every top-level entry it wrote (see :mod:`teikit.outdir`)."""
    entries = sorted(n for n in os.listdir(staging) if n != ".teikit")
    _write(staging / outdir.MARKER, outdir.marker_text(entries))


def _used(records: list[DocRecord]) -> set[str] | None:
    """The register IDs the documents use; None if a document could not be read (then unknown)."""
    if any(is_unparsed(p) for r in records for p in r.problem_objects()):
        return None
    return {i for r in records for i in r.used}


def _register_problems(corpus: Corpus, records: list[DocRecord]) -> list[Problem]:
    from .validate import check_register

    if corpus.register is None or corpus.register_path is None:
        return []
    return check_register(corpus.register_path, corpus.register, _used(records), corpus.config)


def _unused_problems(corpus: Corpus, records: list[DocRecord]) -> list[Problem]:
    from .validate import unused_entries

    if corpus.register is None or corpus.register_path is None:
        return []
    found = unused_entries(corpus.register_path, corpus.register, _used(records))
    if not corpus.config.strict:  # an entry kept for later is no mistake in ordinary TEI
        found = [Problem(p.file, p.line, p.column, WARNING, p.rule, p.message, p.xpath) for p in found]
    return found


def _manifest_problems(corpus: Corpus) -> list[Problem]:
    """A passage manifest that cannot be read (the workers check each document against a readable one)."""
    from .validate import load_corpus_manifest

    try:
        load_corpus_manifest(corpus)
    except TeikitError as exc:
        return [Problem.from_error(exc, str(corpus.root / MANIFEST_FILE))]
    return []


def _identity_errors(records: list[DocRecord]) -> list[Problem]:
    """The corpus-identity rules (reserved, repeated or case-colliding document IDs) over the
    records; a shard build sees only its slice, so merge checks them again over all of them."""
    from .validate import identity_problems

    return identity_problems([(Path(r.path), r.id) for r in records])


def _write_site(staging: Path, records: list[DocRecord], options: BuildOptions,
                call: Callable[..., Any] = lambda fn, *args: fn(*args), register: Path | None = None) -> list[str]:
    """The parts of the site that depend on the whole corpus, each format's (its ``site`` step).

    ``call`` runs a transformation on a build's worker, where Saxon is warm.  Returns the paths
    written, relative to ``staging``."""
    from .formats import SiteContext, SiteDocument, registry

    ctx = SiteContext(staging, [SiteDocument(r.id, r.path, r.catalogue, r.used, r.facts) for r in records],
                      options, register, call)
    written: list[str] = []
    for name in options.formats or ():
        step = registry()[name].site
        if step is not None:
            written += step(ctx)
    return written


# ----------------------------------------------------------------------------------- merge

def merge(tei_dir: Path | None, shards: list[Path], out: Path, options: BuildOptions | None = None) -> BuildResult:
    """Assemble shard folders built with ``shard=(i, n)`` into the final site at ``out``.

    A shard folder is input like any other: only the paths its record names are taken, each must be
    a plain relative path inside the shard, and no link in it is followed.
    """
    options = options or BuildOptions()
    corpus = Corpus.discover(tei_dir)
    validate_deps, _ = dependency_keys(corpus, options)
    records: list[DocRecord] = []
    sources: list[tuple[Path, DocRecord]] = []
    for shard in shards:
        if not shard.is_dir():
            raise Unreadable("not a shard folder (a folder written by teikit build --shard I/N)", path=str(shard))
        state = _load_state(shard, SHARD_FILE)
        if not state:
            raise InvalidInput("not a shard folder (no .teikit/shard.json); build it with --shard I/N",
                               path=str(shard))
        if state.get("register") != validate_deps:
            raise InvalidInput("shard was built from a different schema or register", path=str(shard))
        for rec in _records(state).values():
            bad = [rel for rel in rec.owned if not _plain_relative(rel)]
            if bad:
                raise InvalidInput(f"shard record names the path {bad[0]!r}, which is absolute or leaves the "
                                   "shard; refusing it", path=str(shard / SHARD_FILE), rule="output-path")
            records.append(rec)
            sources.append((shard, rec))
    expected = {str(p) for p in corpus.document_paths}
    got = [r.path for r in records]
    if len(got) != len(set(got)):
        raise InvalidInput("shards overlap: a document was built by more than one shard")
    if set(got) != expected:
        missing = sorted(expected - set(got))
        raise InvalidInput(f"shards do not cover the corpus; missing {len(missing)} document(s), e.g. "
                           f"{missing[0] if missing else '(none)'}")
    order = {str(p): i for i, p in enumerate(corpus.document_paths)}
    sources.sort(key=lambda s: order[s[1].path])
    records = [r for _, r in sources]
    out = outdir.check_output(out, [corpus.root, *shards])
    with outdir.locked(out):
        notices = outdir.recover(out)
        staging = outdir.new_staging(out)
        swap = outdir.Swap(staging, out)
        try:
            for shard, rec in sources:
                root = Path(os.path.realpath(shard))
                for rel in rec.owned:
                    _link_tree(root, rel, staging)
                rec.outputs = _OutputTree(str(staging), set()).fingerprint(rec.owned) or ""
            problems = [p for r in records for p in r.problem_objects()] + _register_problems(corpus, records)
            errors = sorted(p for p in problems if p.severity == ERROR) or _identity_errors(records)
            if errors:
                raise ValidationFailed(f"{len(errors)} validation error(s); nothing was published", errors)  # type: ignore[arg-type]
            site_files = _write_site(staging, records, options, register=corpus.register_path)
            files = sum(r.files for r in records) + len(site_files)
            state = {"version": STATE_VERSION, "register": validate_deps, "formats": list(options.formats or ()),
                     "documents": {r.path: vars(r) for r in records},
                     "site": {"files": site_files,
                              "fingerprint": _OutputTree(str(staging), set()).fingerprint(site_files, site=True)}}
            _write(staging / STATE_FILE, json.dumps(state, sort_keys=True) + "\n")
            _mark(staging)
            check_interrupt()
            swap.run()
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"cannot write the merged site: {exc.strerror or exc}; the previous output is "
                              "unchanged", path=str(getattr(exc, "filename", None) or out)) from None
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                exc.teikit_outcome = swap.outcome()  # type: ignore[attr-defined]
            _remove_staging(staging)
            raise
    return BuildResult(out, [r.id for r in records], [], [], files,
                       sorted(p for p in problems if p.severity != ERROR), notices=notices)


__all__ = ["BuildOptions", "BuildResult", "build", "merge"]
