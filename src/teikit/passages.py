"""Passages stage: the canonical passage identifiers, references to them, and their stability.

A reference is parsed against a fixed grammar, never pasted into XPath or a file path:

- ``p12`` (paragraph), ``s3`` (section), ``s3.p12`` (hierarchical alias; p12 must be in s3);
- ranges ``p12-p14`` (or with an en dash), in document order;
- ``DOC-ID:p12`` where a corpus holds more than one document, and ``DOC-ID`` alone for a whole
  document;
- a CTS URN ``urn:cts:teikit:<work>:<ref>`` whose work part is the document's CTS identifier;
- the HTML edition's fragment ``#p12`` or full URL ``https://…/DOC-ID/#p12``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import InvalidInput, OutputError, ReferenceNotFound, quoted
from .load import DOCUMENT_ID, Corpus, Document
from .xmlutil import NS, TEI_NS, XML_ID

MAX_REF_LENGTH = 300
_ID = r"(?:s\d{1,6}(?:\.p\d{1,6})?|p\d{1,6})"
_DOC = DOCUMENT_ID
_REF = re.compile(rf"^(?:(?P<doc>{_DOC}):)?(?P<start>{_ID})(?:\s*[-–]\s*(?P<end>{_ID}))?$")
_URN = re.compile(r"^urn:cts:(?P<ns>[A-Za-z0-9_\-]+):(?P<work>[A-Za-z0-9_.\-]+):(?P<ref>.+)$")
_URL = re.compile(rf"^https?://[^\s#]*?/(?P<doc>{_DOC})/?#(?P<ref>.+)$")
MANIFEST_FILE = "passages.json"


# The blocks of text a reader cites in a document of any shape (each is a passage with a ¶ number,
# like the edition's paragraphs); divisions are the sections.  A block inside another block (a
# list in a paragraph, a quotation in a speech) belongs to the outer one.
PASSAGE_BLOCKS = frozenset(("p", "ab", "lg", "sp", "list", "table", "quote", "figure", "opener", "closer",
                            "postscript", "castList", "stage", "listBibl", "cit", "l", "label", "spGrp"))
_BLOCK_TAGS = frozenset(f"{{{TEI_NS}}}{name}" for name in PASSAGE_BLOCKS)
_DIV = f"{{{TEI_NS}}}div"
# Inside these a block is part of something else, not a passage of the text.
_NOT_TEXT = frozenset(f"{{{TEI_NS}}}{name}" for name in ("note", "figure", "castList", "listBibl", "table", "list"))


def is_passage_block(el: etree._Element) -> bool:
    """Whether ``el`` (inside the body) is a block a reader cites: not inside another block."""
    if el.tag not in _BLOCK_TAGS:
        return False
    for a in el.iterancestors():
        if a.tag in _BLOCK_TAGS or a.tag in _NOT_TEXT:
            return False
        if a.tag == _DIV:
            return True
    return True


def passage_elements(body: etree._Element) -> list[etree._Element]:
    """The body's divisions and passage blocks in document order."""
    return [el for el in body.iter(_DIV, *_BLOCK_TAGS) if el.tag == _DIV or is_passage_block(el)]


@dataclass(frozen=True)
class Passage:
    """One citable unit: a section or a paragraph of a document."""

    doc_id: str
    id: str
    kind: str  # "section" or "paragraph"
    section: str  # the section's ID (itself for a section)
    index: int  # position in document order among all passages
    number: int = 0  # position among the passages of its kind, from 1 (the ¶ number)

    @property
    def label(self) -> str:
        """¶12 or section 3: the number in the ID where it is the house form (p12, s3), else the
        passage's position among its kind."""
        shown = self.id[1:] if re.fullmatch(r"[ps]\d+", self.id) else str(self.number)
        return f"¶{shown}" if self.kind == "paragraph" else f"section {shown}"


class PassageIndex:
    """The passages of one document in document order, looked up by ID (a dictionary, no XPath)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.passages: list[Passage] = []
        self.elements: dict[str, etree._Element] = {}
        self._counts: dict[str, int] = {}
        body = doc.root.find("tei:text/tei:body", NS)
        for el in passage_elements(body) if body is not None else []:
            ident = el.get(XML_ID, "")
            if el.tag == _DIV:
                self._add(Passage(doc.id, ident, "section", ident, len(self.passages)), el)
            else:
                div = next(el.iterancestors(_DIV), None)
                self._add(Passage(doc.id, ident, "paragraph", div.get(XML_ID, "") if div is not None else "",
                                  len(self.passages)), el)
        self.by_id = {p.id: p for p in self.passages}

    def _add(self, passage: Passage, el: etree._Element) -> None:
        from dataclasses import replace

        self._counts[passage.kind] = self._counts.get(passage.kind, 0) + 1
        self.passages.append(replace(passage, number=self._counts[passage.kind]))
        self.elements[passage.id] = el

    def paragraphs(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "paragraph"]

    def nearest(self, ref: str, n: int = 3) -> list[str]:
        """The valid IDs closest to a bad reference, for the error message."""
        ids = [p.id for p in self.passages]
        m = re.search(r"\d+", ref)
        if m and ref[:1] in ("p", "s"):
            kind = "paragraph" if ref[0] == "p" else "section"
            same = [p for p in self.passages if p.kind == kind]
            if same:
                target = int(m.group())
                same.sort(key=lambda p: abs(int(p.id[1:]) - target))
                return [p.id for p in same[:n]]
        return ids[:n]

    def expand(self, start: str, end: str | None) -> list[Passage]:
        first = self._one(start)
        if end is None:
            return [first]
        last = self._one(end)
        if last.kind != first.kind:
            raise ReferenceNotFound(f"a range must join passages of one kind: {start} and {end}")
        if last.index < first.index:
            raise ReferenceNotFound(f"range {start}-{end} runs backwards; write {end}-{start}")
        return [p for p in self.passages[first.index:last.index + 1] if p.kind == first.kind]

    def _one(self, ref: str) -> Passage:
        section, _, para = ref.partition(".")
        if para:
            p = self.by_id.get(para)
            if p is None or p.section != section:
                raise ReferenceNotFound(
                    f"no passage {ref} in {self.doc.id}" + (f" ({para} is in {p.section})" if p else "")
                    + f"; nearest: {', '.join(self.nearest(para))}")
            return p
        found = self.by_id.get(ref)
        if found is None:
            raise ReferenceNotFound(f"no passage {ref} in {self.doc.id}; nearest: {', '.join(self.nearest(ref))}")
        return found


# Forgiving spellings with one sensible reading: case (P12, S3), the pilcrow (¶12), a bare number
# (12 is ¶12), and a range that gives the prefix once (p12-14, p12–14, ¶12-14, 12-14).
_LOOSE = re.compile(r"^(?P<start>(?:[sS]\d{1,6}\.)?(?:[pPsS¶]?)\d{1,6})"
                    r"(?:\s*[-–]\s*(?P<end>(?:[sS]\d{1,6}\.)?[pPsS¶]?\d{1,6}))?$")


def normalise_reference(ref: str) -> str:
    """The canonical spelling of a forgiving reference (``P12`` → ``p12``, ``¶12-14`` → ``p12-p14``);
    anything else is returned unchanged, to be parsed (and refused) as it is."""
    doc, sep, rest = ref.rpartition(":") if not ref.startswith(("urn:", "http")) else ("", "", ref)
    m = _LOOSE.match(rest)
    if not m:
        return ref

    def one(part: str, kind: str | None) -> str:
        section, dot, para = part.rpartition(".")
        letter = para[0].lower() if para[0] in "pPsS¶" else ""
        letter = "p" if letter == "¶" else letter
        digits = para.lstrip("pPsS¶")
        return (section.lower() + dot if dot else "") + (letter or kind or "p") + digits

    start = one(m.group("start"), None)
    kind = start.rpartition(".")[2][0]
    end = one(m.group("end"), kind) if m.group("end") else None
    return f"{doc}{sep}{start}" + (f"-{end}" if end else "")


def cts_work(doc: Document) -> str | None:
    """The document's CTS URN (without passage) from its header, if it declares one."""
    value = doc.text_of("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno[@type='CTS']")
    return value or None


@dataclass(frozen=True)
class Resolved:
    """What a reference names: a document and passages in it (empty for the whole document)."""

    doc: Document
    index: PassageIndex
    passages: list[Passage]


def parse_reference(ref: str) -> tuple[str | None, str, str | None]:
    """Split a reference into (document, start, end) or raise ReferenceNotFound."""
    if not isinstance(ref, str) or not ref.strip():
        raise ReferenceNotFound("empty passage reference; expected e.g. p12, s3, p12-p14 or DOC-ID:p12")
    if len(ref) > MAX_REF_LENGTH or any(ord(c) < 32 for c in ref):
        raise ReferenceNotFound(f"malformed passage reference {quoted(ref, 60)}")
    ref = normalise_reference(ref.strip())
    doc: str | None = None
    m = _URN.match(ref)
    if m:
        doc, ref = "urn:cts:" + m.group("ns") + ":" + m.group("work"), m.group("ref")
    else:
        m = _URL.match(ref)
        if m:
            doc, ref = m.group("doc"), m.group("ref")
        elif ref.startswith("#"):
            ref = normalise_reference(ref[1:])
    m = _REF.match(ref)
    if not m and doc is None and re.fullmatch(rf"{_DOC}:?", ref):
        return ref.rstrip(":"), "", None  # a document ID alone: the whole document
    if not m:
        raise ReferenceNotFound(
            f"malformed passage reference {quoted(ref, 60)}; expected e.g. p12, s3, s3.p12, p12-p14 or DOC-ID:p12")
    return doc or m.group("doc"), m.group("start"), m.group("end")


def resolve(corpus: Corpus, ref: str | None) -> Resolved:
    """Resolve ``ref`` (None: the whole document) in ``corpus``."""
    try:
        doc_key, start, end = (None, "", None) if ref is None else parse_reference(ref)
    except ReferenceNotFound as exc:
        if len(corpus.document_paths) == 1 and ref is not None:
            index = PassageIndex(corpus.load_document(corpus.document_paths[0]))
            raise ReferenceNotFound(f"{exc.message}; nearest valid IDs: {', '.join(index.nearest(ref.strip()))}") \
                from None
        raise
    doc = _find_document(corpus, doc_key)
    index = PassageIndex(doc)
    if ref is None or not start:
        return Resolved(doc, index, [])
    try:
        passages = index.expand(start, end)
    except ReferenceNotFound as exc:
        raise ReferenceNotFound(exc.message) from None
    return Resolved(doc, index, passages)


def _find_document(corpus: Corpus, key: str | None) -> Document:
    if key is None:
        if len(corpus.document_paths) != 1:
            raise ReferenceNotFound(
                f"the corpus has {len(corpus.document_paths)} documents: name one, as DOC-ID:p12")
        return corpus.load_document(corpus.document_paths[0])
    found = [doc for doc in corpus.iter_documents() if key in (doc.id, cts_work(doc))]
    if len(found) > 1:  # never pick one of two silently: the corpus breaks rule document-id-unique
        raise ReferenceNotFound(f"{quoted(key, 60)} names {len(found)} documents ("
                                f"{', '.join(str(d.path) for d in found[:3])}); give each its own ID "
                                "(teikit validate reports it as document-id-unique)")
    if found:
        return found[0]
    ids = [p.stem for p in corpus.document_paths]
    import difflib  # only for a reference that names no passage

    near = difflib.get_close_matches(key, ids, n=3, cutoff=0.0)
    raise ReferenceNotFound(f"no document {quoted(key, 60)}; nearest: {', '.join(near)}")


# ------------------------------------------------------------------------------- manifest

# Editorial matter inside a passage: the editor's words, not the author's.  A passage's text (and
# its fingerprint) leaves them out, so that a correction or a note never changes a passage.
EDITORIAL = frozenset(f"{{{TEI_NS}}}{name}" for name in ("corr", "note", "reg", "expan"))


_BREAKS = frozenset(f"{{{TEI_NS}}}{name}" for name in ("lb", "pb", "cb", "space"))


def passage_text(el: etree._Element) -> str:
    """The normalised reading text of a passage element, for fingerprints: the author's words as the
    reading text shows them (the source's reading of a ``choice``, no editorial note)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag in EDITORIAL:
            return
        if node.tag in _BREAKS:  # a word boundary, as the reading text has it (unless break="no")
            parts.append("" if node.get("break") == "no" else " ")
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join(unicodedata.normalize("NFC", "".join(parts)).split())


def fingerprint(index: PassageIndex, passage: Passage) -> str:
    el = index.elements[passage.id]
    if passage.kind == "section":
        parts = [passage_text(h) for h in el.iterfind("tei:head", NS)]
        parts += [p.id + "=" + fingerprint(index, p) for p in index.passages
                  if p.kind == "paragraph" and p.section == passage.id]
        text = "\n".join(parts)
    else:
        text = passage_text(el)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in version.split("."))
    except ValueError:
        return (-1,)


@dataclass(frozen=True)
class StabilityProblem:
    doc_id: str
    passage: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id}:{self.passage}: error [{self.rule}] {self.message}"


def load_manifest(path: Path) -> dict[str, object]:
    if not path.exists():
        return {"documents": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"unreadable passage manifest: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        raise InvalidInput("passage manifest must be an object with a 'documents' object", path=str(path))
    return data


def check_stability(corpus: Corpus, manifest: dict[str, object],
                    skip: frozenset[str] = frozenset()) -> list[StabilityProblem]:
    """Every way the current edition breaks a published citation (documents in ``skip``, paths
    with errors of their own, are not compared: their passages are not yet what they will be)."""
    problems: list[StabilityProblem] = []
    for path in corpus.document_paths:
        if str(path) not in skip:
            problems += document_stability(corpus.load_document(path), manifest)
    return problems


def document_stability(doc: Document, manifest: dict[str, object]) -> list[StabilityProblem]:
    """How one document breaks the citations the manifest records (a build checks each in its worker)."""
    docs = manifest["documents"]
    assert isinstance(docs, dict)
    problems: list[StabilityProblem] = []
    index = PassageIndex(doc)
    entry = docs.get(doc.id, {"passages": {}, "retired": []})
    published: dict[str, dict[str, object]] = entry.get("passages", {})
    retired: list[str] = entry.get("retired", [])
    for pid, record in published.items():
        passage = index.by_id.get(pid)
        if passage is None:
            problems.append(StabilityProblem(doc.id, pid, "passage-removed",
                                             f"published passage {pid} has disappeared"))
            continue
        if record.get("sha256") != fingerprint(index, passage):
            problems.append(StabilityProblem(
                doc.id, pid, "passage-text-changed",
                f"the text of {pid} changed without a recorded revision: record it in revisionDesc, raise the "
                "edition version, then run `teikit passages update`"))
    for pid in retired:
        if pid in index.by_id:
            problems.append(StabilityProblem(doc.id, pid, "passage-id-reused",
                                             f"{pid} was retired and must never be used again"))
    for p in index.passages:
        if p.id not in published and p.id not in retired:
            problems.append(StabilityProblem(doc.id, p.id, "passage-unpublished",
                                             f"{p.id} is not in the manifest: run `teikit passages update`"))
    return problems


def update_manifest(corpus: Corpus, manifest: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """Record the current passages; refuse changes that are not covered by a new edition version.

    New passages enter with the current edition version; a changed text is accepted only when the
    edition version is newer than every version recorded for the document and the revisionDesc
    has a change with that version.  Removing a published passage is refused outright.
    """
    docs = manifest.setdefault("documents", {})
    assert isinstance(docs, dict)
    notes: list[str] = []
    for doc in corpus.iter_documents():
        index = PassageIndex(doc)
        version = doc.edition_version
        entry = docs.setdefault(doc.id, {"passages": {}, "retired": []})
        published: dict[str, dict[str, object]] = entry.setdefault("passages", {})
        recorded = [str(r.get("since")) for r in published.values()] + [
            str(rev.get("version")) for r in published.values() for rev in r.get("revisions", [])]  # type: ignore[attr-defined]
        # The edition version at which the manifest last recorded the document: a version that
        # changed no passage is recorded too, so that a later change needs a newer one.
        recorded += [str(entry["version"])] if "version" in entry else []
        newest = max(recorded, key=_version_key, default="0.0.0")
        _safe_version(version)
        revised = any(c.get("n") == version for c in doc.xpath("tei:teiHeader/tei:revisionDesc/tei:change"))
        for pid in published:
            if pid not in index.by_id:
                raise InvalidInput(f"{doc.id}: published passage {pid} has disappeared; restore it (IDs never break)")
        for p in index.passages:
            fp = fingerprint(index, p)
            record = published.get(p.id)
            if record is None:
                published[p.id] = {"sha256": fp, "since": version}
                notes.append(f"{doc.id}:{p.id} published in {version}")
            elif record.get("sha256") != fp:
                if _version_key(version) <= _version_key(newest) or not revised:
                    raise InvalidInput(
                        f"{doc.id}:{p.id} changed; raise the edition version above {newest} and record the change "
                        "in revisionDesc before updating the manifest")
                record.setdefault("revisions", []).append({"version": version, "previous": record["sha256"]})  # type: ignore[attr-defined]
                record["sha256"] = fp
                notes.append(f"{doc.id}:{p.id} revised in {version}")
        if _version_key(version) > _version_key(str(entry.get("version", "0.0.0"))):
            entry["version"] = version
            notes.append(f"{doc.id}: passages recorded as of version {version}")
    return manifest, notes


def _safe_version(version: str) -> str:
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        raise InvalidInput(f"edition version {version!r} is not of the form MAJOR.MINOR.PATCH")
    return version


def write_manifest(path: Path, manifest: dict[str, object]) -> None:
    """Replace the manifest atomically: a new temporary file, created exclusively (never an existing
    path, which could be a link placed to redirect the write), then renamed over ``path``."""
    import tempfile

    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write the manifest: {exc.strerror or exc}", path=str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the manifest: {exc.strerror or exc}", path=str(path)) from None
        raise


def paragraphs_of(resolved: Resolved) -> list[Passage]:
    """The paragraphs a resolution covers (a section stands for its paragraphs)."""
    out: dict[str, Passage] = {}
    for p in resolved.passages or resolved.index.passages:
        covered = [p] if p.kind == "paragraph" else [q for q in resolved.index.paragraphs() if q.section == p.id]
        out.update((q.id, q) for q in covered)
    return list(out.values())


PASSAGES_NS = "urn:teikit:passages"


def passages_container(resolved: Resolved, ref: str | None) -> etree._Element:
    """One XML document for what a reference names: a ``passages`` element (namespace
    :data:`PASSAGES_NS`) saying which document and reference it holds, with each passage's TEI
    element (or the whole ``TEI`` element for a document) inside, in document order."""
    root = etree.Element(f"{{{PASSAGES_NS}}}passages",
                         nsmap={"teikit": PASSAGES_NS, None: NS["tei"]})  # type: ignore[dict-item]
    root.set("document", resolved.doc.id)
    root.set("reference", ref or resolved.doc.id)
    root.set("ids", " ".join(p.id for p in resolved.passages))
    for el in [resolved.index.elements[p.id] for p in resolved.passages] or [resolved.doc.root]:
        copy = etree.fromstring(etree.tostring(el, with_tail=False))
        root.append(copy)
    return root


def passages_json(corpus: Corpus, resolved: Resolved, ref: str | None, base_url: str) -> dict[str, object]:
    """What ``resolve --format json`` prints: the document, the reference, and each passage with
    its ID, kind, section, label, URL and reading text (``{"document": ID, "reference": REF,
    "passages": [{"id", "kind", "section", "label", "url", "text"}]}``)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    items = []
    for p in resolved.passages or resolved.index.passages:
        items.append({"id": p.id, "kind": p.kind, "section": p.section, "label": p.label,
                      "url": f"{base}{resolved.doc.id}/#{p.id}",
                      "text": _reading_text(corpus, resolved, [p], base_url).strip()})
    return {"document": resolved.doc.id, "reference": ref or resolved.doc.id, "passages": items}


def _reading_text(corpus: Corpus, resolved: Resolved, passages: list[Passage], base_url: str,
                  ids: bool = False, notes: bool = False) -> str:
    from . import transform

    covered = paragraphs_of(Resolved(resolved.doc, resolved.index, passages))
    params: dict[str, object] = {"only": " ".join(p.id for p in covered), "base-url": base_url, "ids": ids,
                                 "notes": notes}
    if corpus.register is not None:
        params["register"] = corpus.register.xdm()
    return transform.run(transform.compiled("text.xsl"), resolved.doc.xdm(), params)


def render_passages(corpus: Corpus, resolved: Resolved, fmt: str, base_url: str, ref: str | None = None,
                    labels: bool = False, notes: bool = False) -> str:
    """The passages' reading text (``text``; ``labels`` puts each paragraph's ``[ID]`` first), their TEI
    (``tei``: one well-formed document, see :func:`passages_container`), an HTML fragment
    (``html``) or JSON (``json``: see :func:`passages_json`)."""
    from . import transform

    if fmt == "tei":
        return etree.tostring(passages_container(resolved, ref), encoding="unicode") + "\n"
    if fmt == "json":
        return json.dumps(passages_json(corpus, resolved, ref, base_url), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        return _reading_text(corpus, resolved, resolved.passages, base_url, ids=labels, notes=notes)
    only = " ".join(p.id for p in paragraphs_of(resolved))
    params: dict[str, object] = {"only": only, "base-url": base_url}
    if corpus.register is not None:
        params["register"] = corpus.register.xdm()
    source = resolved.doc.xdm()
    if fmt == "text":
        return transform.run(transform.compiled("text.xsl"), source, params)
    if fmt == "html":
        out = transform.run(transform.compiled("fragment.xsl"), source, params)
        return out if out.endswith("\n") else out + "\n"
    raise InvalidInput(f"unknown format {fmt!r}; choose text, tei or html")
