"""HTML: the reading edition (``DOC-ID/index.html``), its assets, and the site's landing page.

Stylesheets: ``xslt/html.xsl`` (entry) and ``xslt/html/``; the landing page ``xslt/site.xsl``.
"""

from __future__ import annotations

import json
from typing import Any

from ..load import Document, Register
from ..resources import xslt_path
from . import READING, DocContext, Format, SiteContext, catalogue_page

ASSETS = ("teikit.css", "teikit.js")


def citation_data(doc: Document, items: list[dict[str, Any]], files: bool = True) -> str:
    """What the page's citation panel needs (:func:`teikit.cite.paragraph_templates` and the export
    files), as JSON safe inside an HTML script element."""
    from .. import cite

    data: dict[str, Any] = {"styles": cite.paragraph_templates(items)}
    if files:  # the citation files are offered only where the build writes them
        data["files"] = {"csl": f"{doc.id}.csl.json", "bib": f"{doc.id}.bib", "ris": f"{doc.id}.ris"}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # As tk:json-for-html does for the JSON-LD: nothing the HTML tokeniser reacts to in a script.
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def entry_summaries(register: Register) -> Any:
    """Every register entry's summary for the HTML indexes, made once per process and register."""
    from .. import transform

    return transform.call_template(transform.compiled("html.xsl"), "{urn:teikit:functions}entry-summaries",
                                   {"register": register.xdm()})


def page(doc: Document, ctx_corpus: Any, options: Any) -> str:
    """The reading page of one document."""
    from .. import cite, transform
    from . import document_params

    register = ctx_corpus.register
    items = cite.csl_items(doc, ctx_corpus, options.base_url)
    params = document_params(doc, ctx_corpus)
    # The entries' one-line summaries for the popovers: computed once per register, or per document
    # for a document that lists entries of its own (tei profile).
    own = register.with_entries_of(doc) if not params["house"] else register
    summaries = register.derived("entry-summaries", entry_summaries) if own is register else entry_summaries(own)
    html = transform.run(transform.compiled("html.xsl"), doc.xdm(), {
        **params, "base-url": options.base_url,
        "citation-data": citation_data(doc, items, "citations" in options.formats),
        "formats": " ".join(options.formats),
        "entry-summaries": summaries})
    return html if html.endswith("\n") else html + "\n"


def render(ctx: DocContext) -> list[str]:
    return [ctx.write(f"{ctx.doc.id}/index.html", page(ctx.doc, ctx.corpus, ctx.options))]


def site_index(records: list[str], formats: tuple[str, ...] = ()) -> str:
    """The site index page from the documents' catalogue records (linking the search page and the
    take-away formats the build writes)."""
    return catalogue_page("site.xsl", records, {"search": "search" in formats, "formats": " ".join(formats)})


def site(ctx: SiteContext) -> list[str]:
    """The assets every page loads, and a landing page at the site root (for one document too: a
    static host shows no listing)."""
    written = [ctx.write(f"assets/{name}", xslt_path("html", "assets", name).read_text(encoding="utf-8"))
               for name in ASSETS]
    if ctx.documents:
        text = ctx.call(site_index, [d.catalogue for d in ctx.documents], tuple(ctx.options.formats))
        written.append(ctx.write("index.html", text))
    return written


FORMAT = Format("html", "the reading edition: a page per document, the assets, the site's landing page",
                render=render, site=site, half=READING, follows_choice=True)
