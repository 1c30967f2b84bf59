"""``teikit ids``: give a document's divisions and blocks passage IDs, and say how they are cited.

Every division of the body gets ``s1``, ``s2``, … and every block of text a reader cites (a
paragraph, a verse group, a speech, a list, a table…; see :data:`teikit.validate.PASSAGE_BLOCKS`)
gets ``p1``, ``p2``, … in document order, skipping numbers the document already uses; elements that
have an ID keep it.  A ``citeStructure`` saying so is added to ``encodingDesc/refsDecl`` when the
document has none.

Nothing else in the file changes: the IDs are inserted into the start tags as text, so the
indentation, the attribute order and quoting, comments, character references and the encoding
stay byte for byte as they were; the result is checked (the same elements, the same text, only the
new attributes and the refsDecl added) before the file is replaced, atomically.  A linked file is
refused: teikit does not write through a link to whatever it leads to.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import InvalidInput, OutputError
from .load import Document, require_tei
from .passages import PASSAGE_BLOCKS, passage_elements
from .xmlutil import NS, TEI_NS, XML_ID, SourceMap, local_name, parse_bytes, read_bytes

_BLOCK_MATCH = "|".join(sorted(PASSAGE_BLOCKS))


@dataclass
class Added:
    """What :func:`add_ids` added to one document."""

    sections: int = 0
    blocks: int = 0
    cite_structure: bool = False
    edition: bool = False  # with header=True: an editionStmt with the version 1.0.0
    idno: bool = False  # with header=True: the document's identifier in publicationStmt

    @property
    def anything(self) -> bool:
        return bool(self.sections or self.blocks or self.cite_structure or self.edition or self.idno)


def _encoding(data: bytes) -> str:
    m = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']", data)
    return m.group(1).decode("ascii") if m else "utf-8"


def new_ids(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """The IDs the body's divisions (s1, s2, …) and passage blocks (p1, p2, …) that have none
    would get, in document order, skipping the IDs the document already uses."""
    body = root.find("tei:text/tei:body", NS)
    if body is None:
        return []
    used = {str(v) for v in root.xpath("//@xml:id")}  # type: ignore[union-attr]
    counters = {"s": 0, "p": 0}
    found = []
    for el in passage_elements(body):
        if el.get(XML_ID) is not None:
            continue
        prefix = "s" if local_name(el) == "div" else "p"
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in used:
                used.add(candidate)
                break
        found.append((el, candidate))
    return found


def prepare(doc: Document) -> Document:
    """The document as teikit renders it under the ``tei`` profile: the IDs that ``teikit ids``
    would write are given in memory (never in the file) to the passages that lack them, and the
    root gets the document ID, so every output can link and cite every passage.  Positional IDs
    move when the text changes, which is why ``teikit validate`` recommends ``teikit ids``."""
    if doc.__dict__.get("_prepared"):
        return doc
    root = doc.root
    if root.get(XML_ID) is None:
        root.set(XML_ID, doc.id)
    for el, ident in new_ids(root):
        el.set(XML_ID, ident)
    # Notes in the back that point at the text (a commentary) are linked and searched by their
    # IDs: one without gets "note-N" (N counting such notes, skipping IDs already taken).
    taken = {str(v) for v in root.xpath("//@xml:id")}  # type: ignore[union-attr]
    number = 0
    for note in root.iterfind("tei:text/tei:back//tei:note[@target]", NS):
        if note.get(XML_ID) is None:
            number += 1
            while f"note-{number}" in taken:
                number += 1
            note.set(XML_ID, f"note-{number}")
            taken.add(f"note-{number}")
    doc.__dict__.pop("_xdm", None)  # the Saxon copy, if made, predates the IDs
    doc.__dict__["_prepared"] = True
    return doc


def cite_structure(body: etree._Element, indent: str, step: str) -> str:
    """The refsDecl for the IDs :func:`add_ids` gives: sections (every division, at any depth) and
    the blocks directly inside each; or the blocks alone where the body has no divisions."""
    nested = body.find(".//tei:div", NS) is not None
    inner = indent + step
    if nested:
        return (f"<refsDecl>\n{inner}<citeStructure unit=\"section\" match=\"/TEI/text/body//div\" use=\"@xml:id\">\n"
                f"{inner}{step}<citeStructure unit=\"paragraph\" match=\"{_BLOCK_MATCH}\" use=\"@xml:id\""
                " delim=\".\"/>\n"
                f"{inner}</citeStructure>\n{indent}</refsDecl>")
    return (f"<refsDecl>\n{inner}<citeStructure unit=\"paragraph\" match=\"/TEI/text/body/({_BLOCK_MATCH})\" "
            f"use=\"@xml:id\"/>\n{indent}</refsDecl>")


def add_ids(path: Path, header: bool = False) -> tuple[bytes, Added]:
    """The document's bytes with the missing passage IDs and citeStructure added, and what was added.

    ``header`` also supplies the header parts the house profile expects where they are missing
    and TEI allows them: an ``editionStmt`` (version 1.0.0) after the titleStmt, and the
    document's identifier (``idno type="teikit"``) at the end of a publicationStmt that names a
    publisher (one made of paragraphs cannot take it)."""
    data = read_bytes(path)
    tree = parse_bytes(data, str(path))
    root = require_tei(tree, str(path))
    encoding = _encoding(data)
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise InvalidInput(f"cannot edit a file in encoding {encoding}", path=str(path), rule="ids") from None
    if text.encode(encoding) != data:
        raise InvalidInput(f"the file does not survive decoding as {encoding} unchanged; not editing it",
                           path=str(path), rule="ids")
    added = Added()
    body = root.find("tei:text/tei:body", NS)
    if body is None:
        return data, added
    smap = SourceMap(text.encode("utf-8"), tree)  # offsets into the decoded text
    inserts: list[tuple[int, str]] = []
    for el, ident in new_ids(root):
        kind = "s" if local_name(el) == "div" else "p"
        m = smap.tag_match(el)
        if m is None:
            raise InvalidInput("cannot find an element's start tag in the file", path=str(path), rule="ids")
        inserts.append((m.end("tag"), f' xml:id="{ident}"'))
        if kind == "s":
            added.sections += 1
        else:
            added.blocks += 1
    if root.find("tei:teiHeader/tei:encodingDesc/tei:refsDecl", NS) is None:
        place = _refs_decl_place(text, tree, smap, body)
        if place is not None:
            inserts.append(place)
            added.cite_structure = True
    if header:
        inserts += _header_places(text, root, smap, added, root.get(XML_ID) or path.stem)
    for offset, insertion in sorted(inserts, reverse=True):
        text = text[:offset] + insertion + text[offset:]
    result = text.encode(encoding)
    _check_only_added(tree, parse_bytes(result, str(path)), path)
    return result, added


def _header_places(text: str, root: etree._Element, smap: SourceMap, added: Added,
                   ident: str) -> list[tuple[int, str]]:
    places: list[tuple[int, str]] = []
    stmt = root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
    if stmt is not None and root.find("tei:teiHeader/tei:fileDesc/tei:editionStmt", NS) is None:
        m = smap.tag_match(stmt)
        assert m is not None
        indent = _line_indent(text, m.start())
        places.append((smap.end_of(stmt),
                       f'\n{indent}<editionStmt>\n{indent}  <edition n="1.0.0"/>\n{indent}</editionStmt>'))
        added.edition = True
    pub = root.find("tei:teiHeader/tei:fileDesc/tei:publicationStmt", NS)
    agency = pub is not None and any(pub.find(f"tei:{n}", NS) is not None
                                     for n in ("publisher", "distributor", "authority"))
    if agency and pub is not None and pub.find("tei:idno[@type='teikit']", NS) is None:
        m = smap.tag_match(pub)
        assert m is not None
        indent = _line_indent(text, m.start())
        end_tag = text.rfind("<", 0, smap.end_of(pub))
        places.append((end_tag, f'  <idno type="teikit">{ident}</idno>\n{indent}'))
        added.idno = True
    return places


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    return re.match(r"[ \t]*", text[start:]).group(0)  # type: ignore[union-attr]


def _refs_decl_place(text: str, tree: etree._ElementTree, smap: SourceMap,
                     body: etree._Element) -> tuple[int, str] | None:
    """Where the new refsDecl goes (the end of encodingDesc, or a new encodingDesc after fileDesc),
    indented like its neighbours."""
    root = tree.getroot()
    header = root.find("tei:teiHeader", NS)
    file_desc = header.find("tei:fileDesc", NS) if header is not None else None
    if file_desc is None:
        return None
    desc_m = smap.tag_match(file_desc)
    assert desc_m is not None
    outer = _line_indent(text, desc_m.start())
    header_m = smap.tag_match(header)  # type: ignore[arg-type]
    step = outer[len(_line_indent(text, header_m.start())):] if header_m is not None else "  "
    step = step or "  "
    encoding_desc = header.find("tei:encodingDesc", NS)  # type: ignore[union-attr]
    if encoding_desc is not None:
        m = smap.tag_match(encoding_desc)
        assert m is not None
        if m.group("attrs").rstrip().endswith("/"):  # <encodingDesc/>: left for the editor to open
            return None
        end_tag = text.rfind("<", 0, smap.end_of(encoding_desc))
        return end_tag, step + cite_structure(body, outer + step, step) + "\n" + outer
    end = smap.end_of(file_desc)
    return end, ("\n" + outer + "<encodingDesc>\n" + outer + step + cite_structure(body, outer + step, step)
                 + "\n" + outer + "</encodingDesc>")


def _check_only_added(before: etree._ElementTree, after: etree._ElementTree, path: Path) -> None:
    """The edited document has the same elements (but a refsDecl), the same text and the same
    attributes but the new IDs: anything else is a bug, and the file is left alone."""
    def shape(tree: etree._ElementTree) -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for el in tree.iter():
            if isinstance(el.tag, str) and el.tag in (f"{{{TEI_NS}}}refsDecl", f"{{{TEI_NS}}}citeStructure",
                                                      f"{{{TEI_NS}}}editionStmt", f"{{{TEI_NS}}}edition"):
                continue
            if isinstance(el.tag, str) and el.tag == f"{{{TEI_NS}}}idno" and el.get("type") == "teikit":
                continue
            if isinstance(el.tag, str) and any(a.tag == f"{{{TEI_NS}}}refsDecl" for a in el.iterancestors()):
                continue
            attrs = {k: v for k, v in el.attrib.items() if k != XML_ID} if isinstance(el.tag, str) else {}
            out.append((el.tag, (el.text or "").strip(), (el.tail or "").strip(), sorted(attrs.items())))
        return out

    def shape_without_new_encoding_desc(tree: etree._ElementTree) -> list[tuple[object, ...]]:
        return [s for s in shape(tree) if not (s[0] == f"{{{TEI_NS}}}encodingDesc" and not s[3] and not s[1])]

    if shape_without_new_encoding_desc(before) != shape_without_new_encoding_desc(after):
        raise OutputError("teikit ids would change more than the IDs; the file is left as it was (a bug: please "
                          "report it with the file)", path=str(path))


def write_ids(path: Path, header: bool = False) -> Added:
    """Add the IDs to ``path`` in place (atomically: a finished copy replaces it)."""
    if path.is_symlink():
        raise InvalidInput("is a symbolic link; teikit ids edits only a file itself (name its target)",
                           path=str(path), rule="ids")
    data, added = add_ids(path, header)
    if not added.anything:
        return added
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ids", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}; the file is unchanged", path=str(path)) from None
    return added
