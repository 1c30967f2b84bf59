"""Citations: each document's entry for reference managers (CSL-JSON, BibLaTeX, RIS).

Written by :mod:`teikit.cite` (citeproc-py and the official CSL styles; no stylesheets).
"""

from __future__ import annotations

from . import READING, DocContext, Format


def render(ctx: DocContext) -> list[str]:
    from .. import cite

    doc = ctx.doc
    items = cite.csl_items(doc, ctx.corpus, ctx.options.base_url)
    return [
        ctx.write(f"{doc.id}/{doc.id}.csl.json", cite.csl_json(items, pretty=False)),
        ctx.write(f"{doc.id}/{doc.id}.bib", cite.to_bibtex(items, cite.proper_nouns(ctx.corpus))),
        ctx.write(f"{doc.id}/{doc.id}.ris", cite.to_ris(items)),
    ]


FORMAT = Format("citations", "CSL-JSON, BibLaTeX and RIS entries of each document", render=render, half=READING)
