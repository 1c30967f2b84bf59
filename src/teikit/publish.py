"""Publish stage: validate, transform every document, and swap the output folder in atomically.

The build writes into a fresh temporary folder beside the output and only then moves it into
place, so a failed or interrupted build leaves the previous output exactly as it was.  Builds
are deterministic: the same input gives byte-identical output (no timestamps, stable ordering).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from . import cite, transform
from .errors import OutputError, ValidationFailed
from .load import Corpus, Document
from .resources import xslt_path
from .validate import ERROR, Problem, iter_errors

ASSETS = ("teikit.css", "teikit.js")
DEFAULT_BASE_URL = "https://teikit.example.org/"


@dataclass
class BuildOptions:
    """What ``teikit build`` can be asked for."""

    base_url: str = DEFAULT_BASE_URL
    text_ids: bool = False
    text_width: int = 0
    dts: bool = True


@dataclass
class BuildResult:
    out: Path
    documents: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def citation_boxes(doc: Document, items: list[dict[str, Any]], style: str = cite.DEFAULT_STYLE) -> etree._Element:
    """The formatted citation of every paragraph, as the XML the HTML stylesheet's cite boxes read."""
    root = etree.Element("citations", {
        "style-label": cite.STYLE_LABELS[style], "csl": f"{doc.id}.csl.json", "bib": f"{doc.id}.bib",
        "ris": f"{doc.id}.ris"})
    for item_id, text in cite.format_paragraphs(items, style).items():
        etree.SubElement(root, "citation", id=item_id.partition(":")[2]).text = text
    return root


def render_document(doc: Document, corpus: Corpus, options: BuildOptions) -> dict[str, str]:
    """The outputs of one document, by path relative to the output folder."""
    if corpus.register is None:
        raise ValidationFailed("no register.xml beside the documents", [])
    source = transform.to_xdm(doc.tree)
    common = {"register": corpus.register.xdm(), "base-url": options.base_url}
    items = cite.csl_items(doc, corpus, options.base_url)
    html = transform.run(transform.compiled("html.xsl"), source,
                         {**common, "citations": transform.to_xdm(citation_boxes(doc, items))})
    text = transform.run(transform.compiled("text.xsl"), source,
                         {**common, "ids": options.text_ids, "width": options.text_width})
    return {
        f"{doc.id}/index.html": html if html.endswith("\n") else html + "\n",
        f"{doc.id}/{doc.id}.txt": text,
        f"{doc.id}/{doc.id}.csl.json": cite.csl_json(items),
        f"{doc.id}/{doc.id}.bib": cite.to_bibtex(items),
        f"{doc.id}/{doc.id}.ris": cite.to_ris(items),
    }


def catalogue_record(doc: Document) -> str:
    """The document's catalogue record (header facts for the site index), as XML text."""
    return transform.run(transform.compiled("catalogue.xsl"), transform.to_xdm(doc.tree))


def render_site_index(records: list[str]) -> str:
    """The site index page from the documents' catalogue records."""
    catalogue = etree.fromstring("<catalogue>" + "".join(records) + "</catalogue>")
    html = transform.run(transform.compiled("site.xsl"), transform.to_xdm(catalogue))
    return html if html.endswith("\n") else html + "\n"


def build(tei_dir: Path | None, out: Path, options: BuildOptions | None = None) -> BuildResult:
    """Validate the corpus and write the edition to ``out``; raise and leave ``out`` alone on failure."""
    options = options or BuildOptions()
    corpus = Corpus.discover(tei_dir)
    problems = list(iter_errors(tei_dir if tei_dir is not None else corpus.root))
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise ValidationFailed(f"{len(errors)} validation error(s); nothing was published", errors)  # type: ignore[arg-type]
    out = out.resolve()
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror or exc}", path=str(out)) from None
    result = BuildResult(out, warnings=[p for p in problems if p.severity != ERROR])
    records: list[str] = []
    try:
        for doc in corpus.iter_documents():
            for rel, text in render_document(doc, corpus, options).items():
                _write(staging / rel, text)
                result.files.append(out / rel)
            records.append(catalogue_record(doc))
            result.documents.append(doc.id)
        if len(result.documents) > 1:
            _write(staging / "index.html", render_site_index(records))
            result.files.append(out / "index.html")
        if options.dts:
            from .dts import DtsCorpus, write_static

            for path in write_static(DtsCorpus(corpus), staging / "api" / "dts", base_url=options.base_url):
                result.files.append(out / path.relative_to(staging))
        for name in ASSETS:
            target = staging / "assets" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(xslt_path("html", "assets", name), target)
            result.files.append(out / "assets" / name)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames; the old tree is removed only afterwards."""
    os.chmod(staging, 0o755)
    old = None
    try:
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            os.rename(out, old)
        os.rename(staging, out)
    except OSError as exc:
        if old is not None and not out.exists():
            os.rename(old, out)
        raise OutputError(f"cannot move the new build into place: {exc.strerror or exc}",
                          path=str(out)) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
