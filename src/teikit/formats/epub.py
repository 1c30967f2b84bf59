"""EPUB 3: each document as an e-book (``DOC-ID/DOC-ID.epub``), from the TEI by XSLT.

The content documents (text, back matter), the navigation document and the package document are
each one transformation of ``xslt/epub.xsl`` (its ``part`` parameter); this module only zips them
the way the EPUB Open Container Format requires: ``mimetype`` first and stored, then the container
file, then the package's files.  Every entry has the same fixed time stamp and permissions and the
entries come in a fixed order, so that two builds write the same bytes; the package's own dates
come from the TEI header.  Checked with EPUBCheck (``tests/test_epub.py``).
"""

from __future__ import annotations

import io
import zipfile

from ..resources import xslt_path
from . import READING, DocContext, Format

MEDIA_TYPE = "application/epub+zip"
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
# The zip format's earliest time (1 January 1980): a fixed stamp, not the build's clock.
STAMP = (1980, 1, 1, 0, 0, 0)
PARTS = (("text", "EPUB/text.xhtml"), ("back", "EPUB/back.xhtml"), ("nav", "EPUB/nav.xhtml"),
         ("opf", "EPUB/package.opf"))


def package(ctx: DocContext) -> bytes:
    """The EPUB file of one document."""
    from .. import transform

    assert ctx.corpus.register is not None
    files: list[tuple[str, bytes]] = [("mimetype", MEDIA_TYPE.encode("ascii")),
                                      ("META-INF/container.xml", CONTAINER.encode("utf-8"))]
    params = ctx.params(**{"base-url": ctx.options.base_url})
    for part, name in PARTS:
        text = transform.run(transform.compiled("epub.xsl"), ctx.doc.xdm(), {**params, "part": part})
        files.append((name, text.encode("utf-8")))
    files.append(("EPUB/edition.css", xslt_path("epub", "edition.css").read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever system builds it
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compresslevel=9 if name != "mimetype" else None)
    return buffer.getvalue()


def render(ctx: DocContext) -> list[str]:
    return [ctx.write(f"{ctx.doc.id}/{ctx.doc.id}.epub", package(ctx))]


FORMAT = Format("epub", "an EPUB 3 of each document (EPUBCheck-clean)", render=render, half=READING)
