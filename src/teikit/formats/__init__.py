"""The output formats: one module each, and the registry the build engine reads.

A format declares what it writes and what it needs (:class:`Format`): ``render`` writes one
document's files into the staging folder and returns their paths; ``site`` writes what depends on
the whole corpus (an index, the assets) once per build.  The engine (:mod:`teikit.publish`) plans,
runs the workers, keeps the incremental state and swaps the output into place; it knows no format
by name.  Adding a format is a module here and one line in :data:`REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..load import Corpus, Document

# The half of a document's work a format belongs to, when a document's work is split between two
# workers (a build of fewer documents than workers): with validation, or with the reading outputs.
WITH_CHECKS, READING = "checks", "reading"


def write(staging: Path, rel: str, data: str | bytes) -> str:
    """Write an output file as a new file (never through an existing one: it may be a hard link
    into the previous build), making its folders; return ``rel``."""
    from ..outdir import make_parents
    from ..xmlutil import write_new

    path = staging / rel
    make_parents(str(path))
    write_new(path, data)
    return rel


def catalogue_page(stylesheet: str, records: list[str], params: dict[str, Any] | None = None) -> str:
    """A site page made from the documents' catalogue records (the site index, the search page)."""
    from lxml import etree

    from .. import transform

    catalogue = etree.fromstring("<catalogue>" + "".join(records) + "</catalogue>")
    html = transform.run(transform.compiled(stylesheet), transform.to_xdm(catalogue), params)
    return html if html.endswith("\n") else html + "\n"


@dataclass
class DocContext:
    """What a format's ``render`` gets for one document."""

    doc: Document
    corpus: Corpus
    options: Any  # teikit.publish.BuildOptions
    staging: Path
    # Facts a format leaves for the site step (e.g. the DTS Resource object), kept in the state.
    facts: dict[str, Any] = field(default_factory=dict)
    total: int = 1  # documents in the corpus

    def write(self, rel: str, data: str | bytes) -> str:
        """Write one output file (new; its folders made) and return its relative path."""
        return write(self.staging, rel, data)

    def params(self, **extra: Any) -> dict[str, Any]:
        """The stylesheet parameters every rendering of this document takes (see document_params)."""
        return {**document_params(self.doc, self.corpus), **extra}


def document_params(doc: Document, corpus: Corpus) -> dict[str, Any]:
    """``register``: the register the document's names point into (with the entries the document
    lists itself, under the ``tei`` profile); ``house``: whether the corpus is in the house profile
    (its conventions drive the layout: a front matter of the archive's notes, commentary in the back)."""
    register = corpus.register
    assert register is not None
    if corpus.config.strict:
        return {"register": register.xdm(), "house": True}
    merged = register.with_entries_of(doc)
    return {"register": merged.xdm(), "house": False}


@dataclass
class SiteDocument:
    """What the site step knows of each document (from the state: nothing is rendered again)."""

    id: str
    path: str
    catalogue: str  # the catalogue record (XML text) of teikit.publish.catalogue_record
    used: list[str]  # the register IDs it mentions
    facts: dict[str, Any]


@dataclass
class SiteContext:
    """What a format's ``site`` step gets."""

    staging: Path
    documents: list[SiteDocument]
    options: Any
    register: Path | None
    call: Callable[..., Any]  # runs a function on a warm worker (Saxon compiled there)

    def write(self, rel: str, data: str | bytes) -> str:
        """Write one site file (new; its folders made) and return its relative path."""
        return write(self.staging, rel, data)


@dataclass(frozen=True)
class Format:
    """An output format: its name (for ``teikit build --formats``), what it is, and its steps."""

    name: str
    summary: str
    render: Callable[[DocContext], list[str]] | None = None
    site: Callable[[SiteContext], list[str]] | None = None
    half: str = READING
    # Other formats this one needs in the same build (they are added to a selection that lacks them).
    requires: tuple[str, ...] = ()
    # Whether what it writes depends on which formats are chosen (the reading page's downloads menu
    # offers them): then a different choice renders it again.
    follows_choice: bool = False

    def key(self, render_key: str, chosen: tuple[str, ...]) -> str:
        """What this format's output of a document depends on besides the document itself."""
        return render_key + "\0" + self.name + ("\0" + " ".join(chosen) if self.follows_choice else "")


def _registry() -> dict[str, Format]:
    from . import citations, dts, epub, html, pdf, search, tei, text

    return {f.name: f for f in (
        html.FORMAT,
        text.FORMAT,
        citations.FORMAT,
        tei.FORMAT,
        dts.FORMAT,
        search.FORMAT,
        epub.FORMAT,
        pdf.FORMAT,
    )}


REGISTRY: dict[str, Format] = {}


def registry() -> dict[str, Format]:
    """Every format teikit can write, in the order the build runs them."""
    if not REGISTRY:
        REGISTRY.update(_registry())
    return REGISTRY


def names() -> tuple[str, ...]:
    return tuple(registry())


def select(chosen: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The formats to write, in registry order, with what they require; ValueError names an unknown one."""
    known = registry()
    wanted = set(known if chosen is None else chosen)
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; the formats are {', '.join(known)}")
    for name in list(wanted):
        wanted |= set(known[name].requires)
    return tuple(n for n in known if n in wanted)
