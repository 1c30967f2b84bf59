"""TEI: the document itself, for the downloads menu (``DOC-ID/DOC-ID.xml``).

Serialised from the parsed tree (UTF-8, as declared), not copied: what is published is what teikit
read and validated.
"""

from __future__ import annotations

from lxml import etree

from . import READING, DocContext, Format


def render(ctx: DocContext) -> list[str]:
    doc = ctx.doc
    text = etree.tostring(doc.tree, encoding="UTF-8", xml_declaration=True) + b"\n"
    return [ctx.write(f"{doc.id}/{doc.id}.xml", text)]


FORMAT = Format("tei", "the TEI of each document, as validated", render=render, half=READING)
