"""PDF: each document typeset for print (``DOC-ID/DOC-ID.pdf``) by WeasyPrint.

The print rendering is HTML from the TEI (``xslt/pdf.xsl``) with a CSS Paged Media stylesheet
(``xslt/pdf/print.css``): running head (title, author), page numbers, ¶ numbers in the margin,
headings kept with their text, notes as footnotes, the stable address and version on the title
page.  WeasyPrint makes the bookmarks from the headings, embeds subsets of teikit's own fonts
(``xslt/pdf/fonts/``), and writes a tagged PDF declared PDF/UA-1.  It may load nothing but the
stylesheet and the fonts: any other address the text names is refused, so a document cannot make
the build fetch anything.  The document information's dates come from the TEI header and the
file identifier from the document's URL and version, so that two builds write the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..resources import xslt_path
from . import READING, DocContext, Format


def _fetcher(folder: Path) -> Any:
    """A URL fetcher for WeasyPrint that serves files below ``folder`` (the stylesheet, the
    fonts) and refuses everything else, whatever address the text names."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = folder.resolve()

    class OwnFiles(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(root) or not path.is_file():
                raise ValueError(f"teikit's PDF loads only its own stylesheet and fonts, not {url}")
            kind = "text/css" if path.suffix == ".css" else "font/ttf"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return OwnFiles()


def typeset(ctx: DocContext) -> bytes:
    """The PDF of one document."""
    from .. import transform

    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise OutputError(f"the PDF needs WeasyPrint and the Pango library ({exc}); install them, or "
                          "choose other --formats") from None
    html = transform.run(transform.compiled("pdf.xsl"), ctx.doc.xdm(), ctx.params(**{"base-url": ctx.options.base_url}))
    folder = xslt_path("pdf")
    identity = f"{ctx.options.base_url}{ctx.doc.id} {ctx.doc.edition_version}".encode()
    document = weasyprint.HTML(string=html, base_url=folder.resolve().as_uri() + "/",
                               url_fetcher=_fetcher(folder))
    data: bytes = document.write_pdf(pdf_identifier=hashlib.sha256(identity).hexdigest()[:32].encode(),
                                     pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True)
    return data


def render(ctx: DocContext) -> list[str]:
    return [ctx.write(f"{ctx.doc.id}/{ctx.doc.id}.pdf", typeset(ctx))]


FORMAT = Format("pdf", "a PDF of each document, typeset by WeasyPrint", render=render, half=READING)
