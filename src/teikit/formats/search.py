"""Search output: a static full-text index with entity and date facets, built with Pagefind.

Pagefind (``pagefind[bin]`` on PyPI, the binary in the wheel) is a search engine made for static
sites: it writes a chunked index that the browser fetches piece by piece, so a query over a
thousand documents loads kilobytes, not the corpus.  teikit does not hand it the reading pages
(their menus, citation panels and indexes would be found too) but a *search record* per document
(``xslt/search/record.xsl``): the reading text with an anchor per passage, the editorial notes,
and the facets from the markup.  The register's entries are records of their own.

The records are kept in the output's ``.teikit/search/`` folder, one file per document, so that
an incremental build renders only the records of the documents that changed; Pagefind itself
cannot update an index, so whenever anything changed it indexes all the records again (its cost is
measured in ``benchmarks/README.md``).  Nothing here reads outside the build's own folders, and
the engine runs as a subprocess with no network access needed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import cbor2
from lxml import etree
from lxml.html import builder as E

from ..errors import OutputError
from ..load import Corpus, Document, Register
from ..resources import xslt_path
from . import READING, DocContext, Format, SiteContext, catalogue_page

# Where a build keeps the records, relative to the output folder (teikit's own, never published).
RECORDS = Path(".teikit") / "search"
# The published index, relative to the output folder (the search page and teikit.js load it here).
BUNDLE = "pagefind"
# The search page's script, published under assets/ (from xslt/search/assets/).
ASSETS = ("search.js",)
# What of Pagefind's bundle the site uses: its search API, its worker and WebAssembly, and the
# index.  Its ready-made user interfaces are not used (the search page is teikit's own).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# Seconds the engine may take before the build gives up on it (it indexes ~1,000 documents in a few).
TIMEOUT = 900


def record_path(doc_id: str) -> str:
    """A document's record, relative to the output folder: its URL in the index is /ID/."""
    return f"{RECORDS.as_posix()}/{doc_id}/index.html"


def record(doc: Document, corpus: Corpus) -> str:
    """The search record of one document (HTML for the engine, never published)."""
    from .. import transform
    from . import document_params

    if corpus.register is None:
        return transform.run(transform.compiled("search.xsl"), doc.xdm())
    return transform.run(transform.compiled("search.xsl"), doc.xdm(), document_params(doc, corpus))


def register_records(register: Register, summaries: etree._Element | None,
                     used_by: dict[str, list[str]]) -> dict[str, str]:
    """A record per register entry that some document mentions, by its path below the records
    folder.  Its URL is the entry in the first document (in corpus order) that mentions it; the
    ``doc`` filter lists every document that does, so a search within one document finds the
    entries of the names it mentions."""
    texts: dict[str, str] = {}
    if summaries is not None:
        for el in summaries.iter():
            if el.get("entry"):
                texts[el.get("entry", "")] = " ".join("".join(str(t) for t in el.itertext()).split())
    kinds = {"person": "person", "place": "place", "org": "organisation", "event": "event"}
    out: dict[str, str] = {}
    for ident, entry in register.entries.items():
        docs = used_by.get(ident)
        if not docs:
            continue
        name = preferred_name(entry)
        kind = kinds.get(etree.QName(entry).localname, "entry")
        hidden = E.DIV(E.SPAN(name, {"data-pagefind-meta": "title"}),
                       E.SPAN(f"/{docs[0]}/", {"data-pagefind-meta": "url"}),
                       E.SPAN("register", {"data-pagefind-meta": "kind"}),
                       E.SPAN("register", {"data-pagefind-filter": "kind"}),
                       E.SPAN(kind, {"data-pagefind-meta": "entity"}),
                       *[E.SPAN(d, {"data-pagefind-filter": "doc"}) for d in docs],
                       hidden="hidden")
        body = E.MAIN(E.H5(E.SPAN("Register", {"data-pagefind-ignore": ""}), id=f"entry-{ident}"),
                      E.P(texts.get(ident) or name), {"data-pagefind-body": ""})
        page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(name)), E.BODY(hidden, body), lang="en")
        out[f"register/{ident}.html"] = etree.tostring(page, method="html", encoding="unicode",
                                                       doctype="<!DOCTYPE html>")
    return out


def preferred_name(entry: etree._Element) -> str:
    """The entry's preferred name, as ``tk:preferred-name`` reads it (the facets' values)."""
    names = [el for el in entry if isinstance(el.tag, str)]
    chosen = [el for el in names if el.get("type") == "preferred"] or \
        [el for el in names if etree.QName(el).localname.endswith("Name")]
    return " ".join("".join(str(t) for t in chosen[0].itertext()).split()) if chosen else ""


def index(records: Path, dest: Path) -> list[Path]:
    """Index every record below ``records`` into ``dest`` (a new folder) with Pagefind; return the
    files written.  The engine's own user interfaces are removed: the site does not use them."""
    exe = executable()
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run([str(exe), "--site", str(records), "--output-path", str(dest), "--silent"],
                              capture_output=True, text=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OutputError(f"the search engine (Pagefind) did not run: {exc}", path=str(dest)) from None
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or proc.stdout).split())[:300]
        raise OutputError(f"the search engine (Pagefind) failed: {detail}", path=str(dest))
    for name in _UNUSED:
        with_path = dest / name
        if with_path.exists():
            with_path.unlink()
    canonical(dest)
    return sorted(p for p in dest.rglob("*") if p.is_file())


_SIGNATURE = b"pagefind_dcd"


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise OutputError("the search engine wrote an index file teikit cannot read", path=str(path))
    return cbor2.loads(raw[len(_SIGNATURE):])


def _encode(data: Any) -> tuple[bytes, str]:
    """An index file's bytes (as the engine writes them: gzip of signature + CBOR; no time stamp in
    the gzip header) and the hash that names it."""
    raw = _SIGNATURE + cbor2.dumps(data)
    return gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()


def canonical(dest: Path) -> None:
    """Make the engine's index byte-identical from one build to the next.

    Pagefind writes its filter files and the filter list of its metadata file in the iteration
    order of a hash table seeded at random per run (Rust's HashMap), so two builds of the same
    records differ in those files and, through their names, in the metadata and entry files.  The
    values' order means nothing to the search (each filter value is looked up by name), so this
    sorts them, renames each file by the hash of its new content (the engine's own scheme: a name
    changes when and only when the content does) and rewrites the metadata and entry files to
    match.  The fragments and word index are already deterministic and are left as written."""
    entry_path = dest / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = dest / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = meta[3]
        renamed: list[list[str]] = []
        for name, old in filters:
            path = dest / "filter" / f"{old}.pf_filter"
            key, values = _read(path)
            data, digest = _encode([key, sorted(values, key=lambda v: v[0])])
            new = f"{lang}_{digest[:7]}"
            path.unlink()
            (dest / "filter" / f"{new}.pf_filter").write_bytes(data)
            renamed.append([name, new])
        meta[3] = sorted(renamed)
        data, digest = _encode(meta)
        meta_path.unlink()
        info["hash"] = f"{lang}_{digest[:10]}"
        (dest / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def executable() -> Path:
    """The Pagefind binary that ``pagefind[bin]`` installed (or PAGEFIND_BINARY_PATH)."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        if found is None:
            raise OutputError("the search engine is not installed: pip install 'pagefind[bin]' "
                              "(or build with --no-search)") from None
        return Path(found)
    return Path(get_executable())


def used_by(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Register ID -> the documents that mention it, in corpus order, from (document, IDs) pairs."""
    out: dict[str, list[str]] = {}
    for doc_id, ids in pairs:
        for ident in ids:
            out.setdefault(ident, []).append(doc_id)
    return out


def render(ctx: DocContext) -> list[str]:
    return [ctx.write(record_path(ctx.doc.id), record(ctx.doc, ctx.corpus))]


def _register_records(register_path: str, used: dict[str, list[str]]) -> dict[str, str]:
    """The register's search records (on a worker, where Saxon is warm)."""
    from .html import entry_summaries

    register = Register.load(Path(register_path))
    summaries = etree.fromstring(str(entry_summaries(register)).encode("utf-8"))
    return register_records(register, summaries, used)


def search_page(records: list[str]) -> str:
    """The site's search page from the documents' catalogue records."""
    return catalogue_page("search-page.xsl", records)


def site(ctx: SiteContext) -> list[str]:
    """The register's records beside the documents' (which the workers wrote), the engine's index
    of all of them, the search page and its script."""
    if not ctx.documents:
        return []
    used = used_by((d.id, d.used) for d in ctx.documents)
    written: list[str] = []
    folder = ctx.staging / RECORDS
    if ctx.register is not None:
        for rel, text in ctx.call(_register_records, str(ctx.register), used).items():
            ctx.write(f"{RECORDS.as_posix()}/{rel}", text)
    for path in index(folder, ctx.staging / BUNDLE):
        written.append(path.relative_to(ctx.staging).as_posix())
    written.append(ctx.write("search/index.html", ctx.call(search_page, [d.catalogue for d in ctx.documents])))
    for name in ASSETS:
        written.append(ctx.write(f"assets/{name}", xslt_path("search", "assets", name).read_text(encoding="utf-8")))
    return written


FORMAT = Format("search", "the static search: the Pagefind index, the search page and its script",
                render=render, site=site, half=READING)
