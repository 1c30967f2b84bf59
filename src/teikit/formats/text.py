"""Plain text: the reading text (``DOC-ID/DOC-ID.txt``) in the transcription's layout.

Stylesheets: ``xslt/text.xsl`` (entry) and ``xslt/text/``.
"""

from __future__ import annotations

from . import READING, DocContext, Format


def render(ctx: DocContext) -> list[str]:
    from .. import transform

    o = ctx.options
    text = transform.run(transform.compiled("text.xsl"), ctx.doc.xdm(), ctx.params(
        **{"base-url": o.base_url, "ids": o.text_ids, "width": o.text_width, "notes": o.text_notes}))
    return [ctx.write(f"{ctx.doc.id}/{ctx.doc.id}.txt", text)]


FORMAT = Format("text", "the plain text of each document", render=render, half=READING)
