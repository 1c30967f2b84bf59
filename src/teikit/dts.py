"""Distributed Text Services 1.0: the Entry, Collection, Navigation and Document responses.

One implementation serves both the live API (``teikit serve``, level 1) and the static files the
build writes (level 0): the response bodies are computed here from the corpus, and only the URLs
(URI templates and ``@id``s) differ between the two, through :class:`Urls`.

Query parameters are validated against the specification's tables before anything is looked up;
identifiers are matched against the document's passages in a dictionary, never used to build
XPath or file paths.  Errors are :class:`DtsError` with the HTTP status the specification gives.
"""

from __future__ import annotations

import json
import os
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from lxml import etree

from . import transform
from .errors import TeikitError, quoted
from .load import Corpus, Document
from .outdir import make_parents
from .passages import Passage, PassageIndex, render_passages
from .passages import Resolved as _Resolved
from .weburl import DEFAULT_BASE_URL
from .xmlutil import NS, TEI_NS, XML_ID, XML_LANG, write_new

CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_VERSION = "1.0"
DTS_NS = "https://w3id.org/api/dts#"
ROOT_COLLECTION = "edition"
DEFAULT_TITLE = "teikit edition"
PAGE_SIZE = 100
MEDIA_TYPES = {"application/tei+xml": "tei", "text/html": "html", "text/plain": "text"}
MAX_PARAM_LENGTH = 512
_ID_VALUE = re.compile(r"^[A-Za-z0-9_.:\-]{1,256}$")
_INT = re.compile(r"^-?\d{1,6}$")


class DtsError(TeikitError):
    """A request the specification says must fail, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def body(self) -> dict[str, Any]:
        titles = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Request Too Large",
                  414: "URI Too Long"}
        return {"@context": CONTEXT, "@type": "Error", "dtsVersion": DTS_VERSION, "statusCode": self.status,
                "title": titles.get(self.status, "Error"), "description": self.message}


@dataclass(frozen=True)
class Urls:
    """How responses name endpoints: URI templates and the ``@id`` of each request."""

    base: str = "/api/dts"
    static: bool = False

    def entry(self) -> dict[str, str]:
        if self.static:
            # RFC 6570 path expansions, so that a client that expands a template with the
            # parameters it has and fetches the result as it is gets a file: {/id,nav} gives
            # "collection.json" for the root, and {;down,start,end} ";down=1;start=s1;end=s6".
            return {
                "collection": f"{self.base}/collection{{/id,nav}}.json",
                "navigation": f"{self.base}/navigation/{{resource}}{{;down,start,end}}{{/ref}}.json",
                "document": f"{self.base}/document/{{resource}}{{;start,end}}{{/ref}}.xml",
            }
        return {
            "collection": f"{self.base}/collection{{?id,page,nav}}",
            "navigation": f"{self.base}/navigation{{?resource,ref,start,end,down,tree,page}}",
            "document": f"{self.base}/document{{?resource,ref,start,end,tree,mediaType}}",
        }

    def collection_template(self, ident: str) -> str:
        if self.static:
            return f"{self.base}/collection/{quote(ident, safe='')}{{/nav}}.json"
        return f"{self.base}/collection?id={quote(ident, safe=':')}{{&page,nav}}"

    def navigation_template(self, ident: str) -> str:
        if self.static:
            return f"{self.base}/navigation/{quote(ident, safe='')}{{;down,start,end}}{{/ref}}.json"
        return f"{self.base}/navigation?resource={quote(ident, safe=':')}{{&ref,start,end,down,tree,page}}"

    def document_template(self, ident: str) -> str:
        if self.static:
            return f"{self.base}/document/{quote(ident, safe='')}{{;start,end}}{{/ref}}.xml"
        return f"{self.base}/document?resource={quote(ident, safe=':')}{{&ref,start,end,tree,mediaType}}"

    def request(self, endpoint: str, params: Mapping[str, str]) -> str:
        """The ``@id`` of a response: the request's own URL (for static files, the file's path)."""
        if self.static:
            return self.static_path(endpoint, params)
        query = urlencode([(k, v) for k, v in params.items() if v is not None])
        return f"{self.base}/{endpoint}" + (f"?{query}" if query else "")

    def static_path(self, endpoint: str, params: Mapping[str, str]) -> str:
        """Where the static API keeps the answer to a request, following its URI templates."""
        if endpoint == "collection":
            nav = params.get("nav")
            ident = params.get("id")
            if ident is None:
                return f"{self.base}/collection" + (f"/{nav}" if nav else "") + ".json"
            return f"{self.base}/collection/{quote(ident, safe='')}" + (f"/{nav}" if nav else "") + ".json"
        resource = quote(params.get("resource", ""), safe="")
        ref = params.get("ref")
        matrix = "".join(f";{k}={quote(params[k], safe='')}" for k in
                         (("down", "start", "end") if endpoint == "navigation" else ("start", "end"))
                         if params.get(k) is not None)
        tail = (f"/{quote(ref, safe='')}" if ref else "") + (".json" if endpoint == "navigation" else ".xml")
        return f"{self.base}/{endpoint}/{resource}{matrix}{tail}"

    def collection_link(self, ident: str) -> str:
        if self.static:
            return f"{self.base}/collection/{quote(ident, safe='')}.json"
        return f"{self.base}/collection?id={quote(ident, safe=':')}"


# ------------------------------------------------------------------------------- the corpus

class Resource:
    """A document as a DTS Resource: its passages as CitableUnits and its header as Dublin Core."""

    def __init__(self, doc: Document, corpus: Corpus, base_url: str = DEFAULT_BASE_URL) -> None:
        self.doc = doc
        self.corpus = corpus
        self.base_url = base_url
        self.index = PassageIndex(doc)
        self.id = doc.id
        self.objects: dict[Any, dict[str, Any]] = {}
        self.units_cache: dict[str, dict[str, Any]] = {}
        self._siblings: dict[tuple[str, str], list[Passage]] = {}

    @cached_property
    def cite_types(self) -> list[str]:
        """``@unit`` of each level of the TEI ``citeStructure``, outermost first."""
        units = []
        node = self.doc.root.find("tei:teiHeader/tei:encodingDesc/tei:refsDecl/tei:citeStructure", NS)
        while node is not None:
            units.append(node.get("unit", ""))
            node = node.find("tei:citeStructure", NS)
        return units or ["section", "paragraph"]

    @cached_property
    def dublin_core(self) -> dict[str, Any]:
        out = transform.run(transform.compiled("dts-metadata.xsl"), self.doc.xdm(),
                            {**self._register_param(), "base-url": self.base_url})
        data = json.loads(out)
        assert isinstance(data, dict)
        return dict(sorted(data.items()))

    def _register_param(self) -> dict[str, object]:
        return {"register": self.corpus.register.xdm()} if self.corpus.register else {}

    def citation_trees(self) -> list[dict[str, Any]]:
        structure: list[dict[str, Any]] = []
        for unit in reversed(self.cite_types):
            level: dict[str, Any] = {"@type": "CiteStructure", "citeType": unit}
            if structure:
                level["citeStructure"] = structure
            structure = [level]
        return [{"@type": "CitationTree", "citeStructure": structure}]

    def level(self, p: Passage) -> int:
        return 1 if p.kind == "section" else 2

    def unit(self, p: Passage) -> dict[str, Any]:
        """The CitableUnit of a passage (built once; callers get a shallow copy)."""
        cached = self.units_cache.get(p.id)
        if cached is None:
            cached = self.units_cache[p.id] = self._unit(p)
        return dict(cached)

    def _unit(self, p: Passage) -> dict[str, Any]:
        types = self.cite_types
        out: dict[str, Any] = {
            "identifier": p.id,
            "@type": "CitableUnit",
            "level": self.level(p),
            "parent": None if p.kind == "section" else p.section,
            "citeType": types[0] if p.kind == "section" else types[min(1, len(types) - 1)],
        }
        el = self.index.elements[p.id]
        if p.kind == "section":
            head = el.find("tei:head", NS)
            title = " ".join("".join(str(t) for t in head.itertext()).split()) if head is not None \
                else f"Section {p.id[1:]}"
        else:
            title = f"¶{p.id[1:]}"
        out["dublinCore"] = {"title": [{"lang": self.doc.root.get(f"{{{NS['xml']}}}lang", "en"), "value": title}]}
        return out

    def units(self) -> list[Passage]:
        return self.index.passages

    @cached_property
    def families(self) -> dict[str, list[Passage]]:
        """Each section's units (the section, then its paragraphs), in document order."""
        out: dict[str, list[Passage]] = {}
        for p in self.units():
            out.setdefault(p.section, []).append(p)
        return out

    def siblings(self, p: Passage) -> list[Passage]:
        """The units of ``p``'s kind beside it: every section, or the paragraphs of its section
        (listed once per section and kind: asked for each paragraph, a list built each time made
        a long document's static API grow with the square of its sections' length)."""
        key = ("", p.kind) if p.kind == "section" else (p.section, p.kind)
        found = self._siblings.get(key)
        if found is None:
            pool = self.units() if p.kind == "section" else self.families[p.section]
            found = self._siblings[key] = [u for u in pool if u.kind == p.kind
                                           and (p.kind == "section" or u.section == p.section)]
        return found

    def find(self, ident: str, what: str) -> Passage:
        p = self.index.by_id.get(ident)
        if p is None:
            raise DtsError(404, f"{what} {quoted(ident, 80)} is not in the citation tree of {self.id}")
        return p


class DtsCorpus:
    """The corpus as one DTS root Collection of Resources.

    Document identifiers are read once; documents are parsed on demand and the most recently used
    are kept, so memory stays bounded however large the corpus is.
    """

    CACHE = 64

    def __init__(self, corpus: Corpus, title: str = DEFAULT_TITLE, paths: dict[str, Path] | None = None,
                 total: int | None = None, documents: list[Document] | None = None,
                 base_url: str = DEFAULT_BASE_URL, pinned: dict[str, Document] | None = None) -> None:
        self.corpus = corpus
        self.title = title
        self.base_url = base_url  # the edition's address: Dublin Core identifiers name it
        if paths is None:
            paths = {}
            for path in corpus.document_paths:
                paths[corpus.load_document(path).id] = path
        self._paths = paths
        self._total = total
        self._resources: OrderedDict[str, Resource] = OrderedDict()
        for doc in documents or []:  # already parsed by the caller: do not read them again
            self._resources[doc.id] = Resource(doc, corpus, base_url)
        # Documents served from memory whatever their file now holds (the live server's last valid
        # version of a document whose file became invalid); never dropped from the cache.
        self._pinned = {ident: Resource(doc, corpus, base_url) for ident, doc in (pinned or {}).items()}
        for ident in self._pinned:
            self._paths.setdefault(ident, self._pinned[ident].doc.path)

    def has(self, ident: str) -> bool:
        return ident in self._paths

    def ids(self) -> list[str]:
        return sorted(self._paths)

    def total(self) -> int:
        """How many documents the whole corpus has (a build worker knows only its own)."""
        return self._total if self._total is not None else len(self._paths)

    def resource(self, ident: str) -> Resource:
        pinned = self._pinned.get(ident)
        if pinned is not None:
            return pinned
        res = self._resources.get(ident)
        if res is not None:
            self._resources.move_to_end(ident)
            return res
        path = self._paths.get(ident)
        if path is None:
            raise DtsError(404, f"no resource {quoted(ident, 80)} in this collection")
        res = Resource(self.corpus.load_document(path), self.corpus, self.base_url)
        self._resources[ident] = res
        if len(self._resources) > self.CACHE:
            self._resources.popitem(last=False)
        return res


# ---------------------------------------------------------------------------- parameters

def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise DtsError(400, f"parameter {name} given {len(values)} times")
    value = values[0]
    if len(value) > MAX_PARAM_LENGTH:
        raise DtsError(400, f"parameter {name} is too long")
    return value


def _ident(params: Mapping[str, list[str]], name: str) -> str | None:
    value = _one(params, name)
    if value is None:
        return None
    if not _ID_VALUE.match(value):
        raise DtsError(404 if name != "page" else 400, f"{name} {quoted(value, 80)} names nothing here")
    return value


def _int(params: Mapping[str, list[str]], name: str, minimum: int) -> int | None:
    value = _one(params, name)
    if value is None:
        return None
    if not _INT.match(value) or int(value) < minimum:
        raise DtsError(400, f"{name} must be an integer ≥ {minimum}; got {quoted(value, 40)}")
    return int(value)


def _passage_params(params: Mapping[str, list[str]]) -> tuple[str, str | None, str | None, str | None]:
    """``resource``, ``ref``, ``start``, ``end``, with the 400s both Navigation and Document prescribe."""
    resource_id = _one(params, "resource")
    if resource_id is None:
        raise DtsError(400, "the resource parameter is required")
    ref_v, start_v, end_v = _one(params, "ref"), _one(params, "start"), _one(params, "end")
    if ref_v is not None and (start_v is not None or end_v is not None):
        raise DtsError(400, "ref cannot be combined with start or end")
    if (start_v is None) != (end_v is None):
        raise DtsError(400, "start and end must be given together")
    return resource_id, ref_v, start_v, end_v


def _page(members: list[Any], page: int | None, urls: Urls, endpoint: str,
          params: dict[str, str]) -> tuple[list[Any], dict[str, Any] | None]:
    if page is None and len(members) <= PAGE_SIZE:
        return members, None
    last = max(1, -(-len(members) // PAGE_SIZE))
    current = page or 1
    if current > last:
        raise DtsError(404, f"page {current} does not exist; the last page is {last}")

    def link(n: int) -> str:
        return urls.request(endpoint, {**params, "page": str(n)})

    view = {"@id": link(current), "@type": "Pagination", "first": link(1), "previous": link(max(1, current - 1)),
            "next": link(min(last, current + 1)), "last": link(last)}
    return members[(current - 1) * PAGE_SIZE: current * PAGE_SIZE], view


# ------------------------------------------------------------------------------ endpoints

def entry(urls: Urls) -> dict[str, Any]:
    return {"@context": CONTEXT, "dtsVersion": DTS_VERSION, "@id": urls.base, "@type": "EntryPoint",
            **urls.entry()}


def resource_object(res: Resource, urls: Urls, full: bool = True) -> dict[str, Any]:
    """The Resource object (cached per resource: every Navigation response embeds it)."""
    key = (urls, full)
    cached = res.objects.get(key)
    if cached is None:
        cached = res.objects[key] = _resource_object(res, urls, full)
    return dict(cached)


def _resource_object(res: Resource, urls: Urls, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@id": res.id,
        "@type": "Resource",
        "title": res.doc.title,
        "totalParents": 1,
        "totalChildren": 0,
        "collection": urls.collection_template(res.id),
        "navigation": urls.navigation_template(res.id),
        "document": urls.document_template(res.id),
        "citationTrees": res.citation_trees(),
        "mediaTypes": list(MEDIA_TYPES),
    }
    if full:
        out["dtsVersion"] = DTS_VERSION
        out["dublinCore"] = res.dublin_core
    return out


def root_collection(title: str, total: int, urls: Urls) -> dict[str, Any]:
    """The root Collection's own properties (without ``member``)."""
    return {"@id": ROOT_COLLECTION, "@type": "Collection", "title": title, "totalParents": 0,
            "totalChildren": total, "collection": urls.collection_template(ROOT_COLLECTION)}


def collection_body(ident: str, nav: str, page: int | None, title: str, total: int, members: list[dict[str, Any]],
                    resource: dict[str, Any] | None, urls: Urls, query: dict[str, str]) -> dict[str, Any]:
    """A Collection response; ``members`` are the root's (full Resource objects, sorted by ``@id``)."""
    root = root_collection(title, total, urls)
    if ident == ROOT_COLLECTION:
        body: dict[str, Any] = {"@context": CONTEXT, "dtsVersion": DTS_VERSION, **root,
                                "dublinCore": {"title": [{"lang": "en", "value": title}]}}
        listed = [] if nav == "parents" else members
    else:
        assert resource is not None
        body = {"@context": CONTEXT, **resource}
        listed = [dict(root)] if nav == "parents" else []
    shown, view = _page(listed, page, urls, "collection", query)
    body["member"] = shown
    if view:
        body["view"] = view
    return body


def collection(dc: DtsCorpus, urls: Urls, params: Mapping[str, list[str]]) -> dict[str, Any]:
    ident = _ident(params, "id") or ROOT_COLLECTION
    nav = _one(params, "nav") or "children"
    if nav not in ("children", "parents"):
        raise DtsError(400, "nav must be children or parents")
    page = _int(params, "page", 1)
    query = {k: v for k, v in (("id", _one(params, "id")), ("nav", _one(params, "nav"))) if v}
    resource = None if ident == ROOT_COLLECTION else resource_object(dc.resource(ident), urls)
    members = [] if ident != ROOT_COLLECTION or nav == "parents" else \
        [resource_object(dc.resource(i), urls) for i in dc.ids()]
    return collection_body(ident, nav, page, dc.title, dc.total(), members, resource, urls, query)


def navigation(dc: DtsCorpus, urls: Urls, params: Mapping[str, list[str]]) -> dict[str, Any]:
    resource_id, ref_v, start_v, end_v = _passage_params(params)
    down = _int(params, "down", -1)
    page = _int(params, "page", 1)
    tree = _one(params, "tree")
    if down is None and ref_v is None and start_v is None:
        raise DtsError(400, "give ref, start and end, or down")
    if down == 0 and ref_v is None:
        raise DtsError(400, "down=0 needs ref" if start_v is None else "down=0 cannot be used with start and end")
    res = dc.resource(_ident(params, "resource") or "")
    if tree is not None:
        raise DtsError(404, f"no citation tree {quoted(tree, 80)}; this resource has only its default tree")
    ref = res.find(ref_v, "ref") if ref_v is not None else None
    start = res.find(start_v, "start") if start_v is not None else None
    end = res.find(end_v, "end") if end_v is not None else None
    if start is not None and end is not None and end.index < start.index:
        raise DtsError(400, f"start {start.id} comes after end {end.id}")
    query = {k: v for k, v in (("resource", resource_id), ("ref", ref_v), ("start", start_v), ("end", end_v),
                                ("down", None if down is None else str(down)), ("tree", tree)) if v is not None}
    body: dict[str, Any] = {"@context": CONTEXT, "dtsVersion": DTS_VERSION, "@type": "Navigation",
                            "@id": urls.request("navigation", {**query, **({"page": str(page)} if page else {})}),
                            "resource": resource_object(res, urls, full=False)}
    if ref is not None:
        body["ref"] = res.unit(ref)
    if start is not None and end is not None:
        body["start"], body["end"] = res.unit(start), res.unit(end)
    members = _members(res, ref, start, end, down)
    if members is not None:
        shown, view = _page(members, page, urls, "navigation", query)  # the page first, then its units
        body["member"] = [res.unit(p) for p in shown]
        if view:
            body["view"] = view
    return body


def _members(res: Resource, ref: Passage | None, start: Passage | None, end: Passage | None,
             down: int | None) -> list[Passage] | None:
    units = res.units()
    if down is None:
        return None
    # A paragraph's siblings and a section's descendants are all in its section's family: looking
    # there rather than through every unit keeps a static API of ~190 answers linear.
    if down == 0 and ref is not None:
        return res.siblings(ref)
    deepest = 10**6 if down == -1 else None
    if ref is not None and ref.kind != "section":
        return [ref]  # a paragraph has nothing below it: every down (>= 1, or -1) gives itself
    if ref is not None:
        limit = deepest or res.level(ref) + down
        return [p for p in res.families[ref.section]
                if (p.id == ref.id or (ref.kind == "section" and p.section == ref.id)) and res.level(p) <= limit]
    if start is not None and end is not None:
        limit = deepest or max(res.level(start), res.level(end)) + down
        last = end.index
        if end.kind == "section":
            last = max(p.index for p in units if p.section == end.id)
        return [p for p in units[start.index:last + 1] if res.level(p) <= limit]
    limit = deepest or down
    return [p for p in units if res.level(p) <= limit]


@dataclass(frozen=True)
class DocumentResponse:
    body: str
    media_type: str
    link: str


def document(dc: DtsCorpus, urls: Urls, params: Mapping[str, list[str]], base_url: str) -> DocumentResponse:
    _, ref_v, start_v, end_v = _passage_params(params)
    media = _one(params, "mediaType") or "application/tei+xml"
    tree = _one(params, "tree")
    res = dc.resource(_ident(params, "resource") or "")
    if tree is not None:
        raise DtsError(404, f"no citation tree {quoted(tree, 80)}; this resource has only its default tree")
    if media not in MEDIA_TYPES:
        raise DtsError(404, f"media type {quoted(media, 80)} is not available; choose one of "
                            + ", ".join(MEDIA_TYPES))
    selected: list[Passage] = []
    if ref_v is not None:
        selected = [res.find(ref_v, "ref")]
    elif start_v is not None and end_v is not None:
        start, end = res.find(start_v, "start"), res.find(end_v, "end")
        if end.index < start.index:
            raise DtsError(400, f"start {start.id} comes after end {end.id}")
        selected = _maximal(res, start, end)
    link = f'<{urls.collection_link(res.id)}>; rel="collection"'
    fmt = MEDIA_TYPES[media]
    if fmt == "tei":
        return DocumentResponse(tei_document(res, selected), media, link)
    resolved = _Resolved(res.doc, res.index, selected)
    text = render_passages(dc.corpus, resolved, fmt, base_url)
    if fmt == "html":
        lang = res.doc.root.get(XML_LANG) or "und"  # the document's own language, not an assumed one
        text = (f'<!DOCTYPE html>\n<html lang="{_esc(lang)}"><head><meta charset="utf-8">'
                f"<title>{_esc(res.doc.title)}</title></head><body>\n{text}</body></html>\n")
    return DocumentResponse(text, media, link)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _maximal(res: Resource, start: Passage, end: Passage) -> list[Passage]:
    """The passages from start to end inclusive, each section whole only if all its paragraphs are in."""
    units = res.units()
    last = end.index
    if end.kind == "section":
        last = max(p.index for p in units if p.section == end.id)
    inside = units[start.index:last + 1]
    ids = {p.id for p in inside}
    whole: set[str] = set()
    out = []
    for p in inside:
        if p.kind == "section":
            if all(q.id in ids for q in units if q.section == p.id and q.kind == "paragraph"):
                whole.add(p.id)
                out.append(p)
        elif p.section not in whole:
            out.append(p)
    return out


def tei_document(res: Resource, selected: list[Passage]) -> str:
    """The whole TEI document, or the header and the selected passages inside a dts:wrapper."""
    if not selected:
        return etree.tostring(res.doc.root, encoding="unicode", xml_declaration=False) + "\n"
    header = res.objects.get(("header", True))
    if header is None:
        el = res.doc.root.find("tei:teiHeader", NS)
        ident = res.doc.root.get(XML_ID)
        start = f'<TEI xmlns="{TEI_NS}" xmlns:dts="{DTS_NS}"' + (f' xml:id="{_attr(ident)}"' if ident else "") + ">"
        header = {"start": start + (etree.tostring(el, encoding="unicode", with_tail=False) if el is not None else "")}
        res.objects[("header", True)] = header
    if len(selected) == 1:
        wrapper = f'<dts:wrapper ref="{_attr(selected[0].id)}">'
    else:
        wrapper = f'<dts:wrapper start="{_attr(selected[0].id)}" end="{_attr(selected[-1].id)}">'
    body = "".join(etree.tostring(res.index.elements[p.id], encoding="unicode", with_tail=False) for p in selected)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(header["start"]) + "<text><body>" + wrapper + body
            + "</dts:wrapper></body>" + _commentary_on(res, selected) + "</text></TEI>\n")


def _commentary_on(res: Resource, selected: list[Passage]) -> str:
    """The editorial notes on the selected passages and the sources they cite, as a TEI ``back``
    (the notes are part of the TEI a client asked for; "" when there are none)."""
    back = res.doc.root.find("tei:text/tei:back", NS)
    if back is None:
        return ""
    inside = {str(el.get(XML_ID)) for p in selected for el in res.index.elements[p.id].iter() if el.get(XML_ID)}
    notes = [n for n in back.iterfind(".//tei:note", NS)
             if {t.partition("#")[2] for t in (n.get("target") or "").split()} & inside]
    if not notes:
        return ""
    cited = {t.partition("#")[2] for n in notes for t in (n.get("source") or "").split()}
    bibls = [b for b in back.iterfind(".//tei:listBibl/tei:bibl", NS) if b.get(XML_ID) in cited]
    text = "".join(etree.tostring(n, encoding="unicode", with_tail=False) for n in notes)
    sources = "".join(etree.tostring(b, encoding="unicode", with_tail=False) for b in bibls)
    return (f'<back><div type="commentary">{text}</div>'
            + (f'<div type="bibliography"><listBibl>{sources}</listBibl></div>' if sources else "") + "</back>")


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


STATIC_BASE = "/api/dts"


def _put(out: Path | str, base: str, url: str, text: str, written: list[str]) -> None:
    """Write the answer to ``url`` (a path under ``base``) as a file under ``out``.

    Plain strings rather than Path objects: a build writes a few hundred of these per document.
    """
    rel = url[len(base):].lstrip("/")
    parent, _, name = rel.rpartition("/")
    parent = os.path.join(out, parent) if parent else os.fspath(out)
    path = os.path.join(parent, name)
    if parent not in _MADE:
        make_parents(path)
        _MADE.add(parent)
    try:
        write_new(path, text)
    except FileNotFoundError:  # the folder went away since it was made (never recreating a staging folder)
        make_parents(path)
        write_new(path, text)
    written.append(path)


_MADE: set[str] = set()  # folders this process has created for static files


def _dump_navigation(body: dict[str, Any], res: Resource, urls: Urls) -> str:
    """Like :func:`_dump`, serialising the Resource object every Navigation embeds once per resource."""
    key = ("resource-json", urls)
    cached = res.objects.get(key)
    if cached is None:
        cached = res.objects[key] = {"json": _compact(body["resource"])}
    return _dump(dict(body, resource=None)).replace('"resource":null', '"resource":' + cached["json"], 1)


_PLAIN = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but the quote and backslash: JSON writes it as it is


def _json_string(text: str) -> str:
    """``_compact(text)`` for a string, without the encoder for the plain ASCII of static paths."""
    return f'"{text}"' if _PLAIN.fullmatch(text) else _compact(text)


def _compact(value: Any) -> str:
    # Compact: the C encoder is several times faster than the indenting one, and machines read these.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _dump(body: dict[str, Any]) -> str:
    return _compact(body) + "\n"


class _StaticNavigation:
    """The static Navigation answers of one Resource, assembled from JSON serialised once.

    A document's static API holds about five Navigation files per passage, each embedding the
    Resource object and a run of CitableUnits; serialising those once and joining the text makes
    the static API a small part of a build.  The text is exactly what :func:`navigation` and
    :func:`_dump_navigation` produce (``tests/test_dts.py`` compares every file); answers that would
    need paging take that general path.
    """

    def __init__(self, dc: DtsCorpus, res: Resource, urls: Urls) -> None:
        self.dc, self.res, self.urls = dc, res, urls
        self.resource = _compact(resource_object(res, urls, full=False))
        self.units = {p.id: _compact(res.unit(p)) for p in res.units()}
        self.prefix = f"{urls.base}/navigation/{quote(res.id, safe='')}"
        self.head = '{"@context":' + _compact(CONTEXT) + ',"@id":'
        self.version = ',"@type":"Navigation","dtsVersion":' + _compact(DTS_VERSION)

        self.quoted = {p.id: quote(p.id, safe="") for p in res.units()}

    def path(self, ref: Passage | None, down: str | None) -> str:
        return self.prefix + (f";down={down}" if down is not None else "") + \
            (f"/{self.quoted[ref.id]}" if ref is not None else "") + ".json"

    def text(self, ref: Passage | None, down: str | None, path: str) -> str:
        """The answer to the request whose static ``path`` (and ``@id``) is given."""
        members = _members(self.res, ref, None, None, None if down is None else int(down))
        if members is not None and len(members) > PAGE_SIZE:
            q = {"resource": [self.res.id]} | ({"ref": [ref.id]} if ref else {}) | ({"down": [down]} if down else {})
            return _dump_navigation(navigation(self.dc, self.urls, q), self.res, self.urls)
        parts = [self.head, _json_string(path), self.version]
        if members is not None:
            parts.append(',"member":[' + ",".join(self.units[p.id] for p in members) + "]")
        if ref is not None:
            parts.append(',"ref":' + self.units[ref.id])
        parts.append(',"resource":' + self.resource + "}\n")
        return "".join(parts)


def write_static_resource(dc: DtsCorpus, ident: str, out: Path,
                          base: str = STATIC_BASE) -> tuple[dict[str, Any], list[str]]:
    """The static files of one Resource; returns its full Resource object (for the root) and the files.

    Every request the static URI templates can express is answered by a file: the resource's
    collection (children, parents), its navigation from the root to every depth and of each
    CitableUnit with ``down`` absent, 0, 1 … the depth below it (at least 1) and -1, and its
    Document whole and by ref.
    Ranges (start/end) are answered for top-level units (start before end, ``down`` absent or 1,
    and the Document): as many files as pairs of sections, where every range of every level would
    grow with the square of the paragraphs; other ranges are the live server's (a request for
    one gets the static host's 404, never a wrong answer).
    """
    urls = Urls(base=base, static=True)
    written: list[str] = []
    res = dc.resource(ident)
    summary = resource_object(res, urls)
    for nav in (None, "children"):  # nav=parents names the whole corpus: the site step writes it
        params = {"id": ident, **({"nav": nav} if nav else {})}
        body = collection_body(ident, nav or "children", None, dc.title, dc.total(), [], summary, urls, params)
        _put(out, base, urls.static_path("collection", params), _dump(body), written)
    depth = max((res.level(p) for p in res.units()), default=1)
    downs = [str(d) for d in range(1, depth + 1)] + ["-1"]
    nav_files = _StaticNavigation(dc, res, urls)
    for down in downs:
        path = nav_files.path(None, down)
        _put(out, base, path, nav_files.text(None, down, path), written)
    for p in res.units():
        # ``down`` from 1 to the depth below the unit (at least 1: a walker asks every unit for its
        # children), and -1; a larger ``down`` adds nothing to the answer (its members are those
        # of -1, only the @id differs), so it is the live server's, as are most ranges.
        below = [str(d) for d in range(1, max(1, depth - res.level(p)) + 1)]
        for variant in (None, "0", *below, "-1"):
            path = nav_files.path(p, variant)
            _put(out, base, path, nav_files.text(p, variant, path), written)
    # Document answers in TEI, as document() gives them for these (already valid) parameters.
    document_path = urls.static_path("document", {"resource": ident})
    _put(out, base, document_path, tei_document(res, []), written)
    for p in res.units():
        _put(out, base, f"{document_path[:-len('.xml')]}/{nav_files.quoted[p.id]}.xml", tei_document(res, [p]),
             written)
    top = [p for p in res.units() if res.level(p) == 1]
    for i, start in enumerate(top):
        for end in top[i + 1:]:
            for levels in ([], ["1"]):  # down absent, and down=1
                query = {"resource": [ident], "start": [start.id], "end": [end.id]}
                body = navigation(dc, urls, {**query, **({"down": levels} if levels else {})})
                _put(out, base, str(body["@id"]), _dump_navigation(body, res, urls), written)
            path = urls.static_path("document", {"resource": ident, "start": start.id, "end": end.id})
            _put(out, base, path, tei_document(res, _maximal(res, start, end)), written)
    return summary, written


def write_static_root(title: str, members: list[dict[str, Any]], out: Path,
                      base: str = STATIC_BASE) -> list[str]:
    """The entry point and the root collection, from the Resource objects of every document."""
    urls = Urls(base=base, static=True)
    written: list[str] = []
    members = sorted(members, key=lambda m: str(m["@id"]))
    _put(out, base, f"{base}/index.json", _dump(entry(urls)), written)
    # The root without an id (the template's {/id,nav} expanded with neither): collection.json.
    body = collection_body(ROOT_COLLECTION, "children", None, title, len(members), members, None, urls, {})
    _put(out, base, urls.static_path("collection", {}), _dump(body), written)
    for nav in (None, "children", "parents"):
        params = {"id": ROOT_COLLECTION, **({"nav": nav} if nav else {})}
        body = collection_body(ROOT_COLLECTION, nav or "children", None, title, len(members), members, None, urls,
                               params)
        _put(out, base, urls.static_path("collection", params), _dump(body), written)
    return written


def write_static_parents(title: str, members: list[dict[str, Any]], out: Path, base: str = STATIC_BASE) -> list[str]:
    """``collection/{id}/parents.json`` of every Resource (each names the root, with its size)."""
    urls = Urls(base=base, static=True)
    written: list[str] = []
    for member in members:
        ident = str(member["@id"])
        params = {"id": ident, "nav": "parents"}
        body = collection_body(ident, "parents", None, title, len(members), [], member, urls, params)
        _put(out, base, urls.static_path("collection", params), _dump(body), written)
    return written


def write_static(dc: DtsCorpus, out: Path, base: str = STATIC_BASE) -> list[str]:
    """The whole level-0 static API of a corpus under ``out`` (served as ``base``)."""
    written: list[str] = []
    members = []
    for ident in dc.ids():
        summary, files = write_static_resource(dc, ident, out, base)
        members.append(summary)
        written += files
    return written + write_static_root(dc.title, members, out, base) + write_static_parents(dc.title, members, out,
                                                                                               base)
