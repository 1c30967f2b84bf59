"""Namespaces and the one safe way to read XML.

Everything that parses XML in teikit goes through :func:`parse_bytes` or :func:`parse_file`.  The
parser never loads a DTD, never resolves an entity, never touches the network and never runs
XInclude.  A document that carries a DOCTYPE at all is refused before libxml2 sees it: TEI needs no
DTD, and refusing it outright is what makes entity attacks (external entities, parameter entities,
billion laughs) harmless rather than merely mitigated.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from .errors import InvalidInput, Unreadable

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NS = {"tei": TEI_NS, "xml": XML_NS}


def tei(local: str) -> str:
    """Clark name of a TEI element, e.g. ``tei("p")`` → ``{http://www.tei-c.org/ns/1.0}p``."""
    return f"{{{TEI_NS}}}{local}"


XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

# Inputs larger than this are refused before parsing: the edition's documents are tens of kB.
MAX_INPUT_BYTES = 32 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def safe_parser() -> etree.XMLParser:
    """A parser that reads only the bytes it is given (no DTD, entities, network or huge trees)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
    )


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def parse_bytes(data: bytes, name: str) -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`InvalidInput` with a location on any problem."""
    if not data.strip():
        raise InvalidInput("empty file: no XML document", path=name, rule="xml-empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("binary file, not an XML document", path=name, rule="xml-binary")
    m = _DOCTYPE.search(data)
    if m:
        line, col = _line_col(data, m.start())
        raise InvalidInput(
            "DOCTYPE declarations are refused (no DTDs or entities in TEI input)",
            path=name, line=line, column=col, rule="xml-doctype",
        )
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        msg = exc.msg or "not well-formed XML"
        msg = re.sub(r",\s*line \d+, column \d+\s*$", "", msg)
        raise InvalidInput(f"malformed XML: {msg}", path=name, line=line, column=col,
                           rule="xml-malformed") from None
    except ValueError as exc:  # e.g. unicode strings with encoding declarations
        raise InvalidInput(f"malformed XML: {exc}", path=name, rule="xml-malformed") from None
    return root.getroottree()


def write_new(path: Path | str, text: str | bytes) -> None:
    """Write ``text`` (UTF-8, or bytes as they are) as a new file, replacing any existing file
    rather than writing into it.

    An existing file may be a hard link into a previous build, which must stay untouched, so it is
    unlinked first; a build writes tens of thousands of files, so this uses three system calls
    where ``open(...).write`` needs several more.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def read_bytes(path: Path) -> bytes:
    """Read a file, turning every OS-level failure into :class:`Unreadable`."""
    name = str(path)
    if not path.exists():
        raise Unreadable("no such file or directory", path=name)
    if path.is_dir():
        raise Unreadable("is a directory, expected a file", path=name)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InvalidInput(f"file too large ({size} bytes; limit {MAX_INPUT_BYTES})", path=name,
                               rule="xml-too-large")
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}", path=name) from None


def parse_file(path: Path) -> etree._ElementTree:
    """Read and safely parse one XML file."""
    return parse_bytes(read_bytes(path), str(path))


def source_line(el: etree._Element) -> int:
    """The line libxml2 recorded for ``el`` (0 when unknown)."""
    line: object = el.sourceline
    return line if isinstance(line, int) else 0


def local_name(el: etree._Element) -> str:
    """The local name of an element (comments and PIs give an empty string)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


# Start tags, with comments, CDATA sections and processing instructions matched (and so skipped)
# as wholes, so that the n-th start tag found is the n-th element of the parsed tree.
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?P<tag>[^\s/>!?][^\s/>]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)


# Start tags (empty or not) and end tags, with the constructs that may contain "<" skipped whole.
_ALL_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>"
    r"|(?P<end></[^\s>]+\s*>)"
    r"|(?P<start><[^\s/>!?][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(?P<empty>/)?>)",
    re.DOTALL,
)


class SourceMap:
    """Maps parsed elements (and their attributes) back to line and column in the source text.

    libxml2 records only the line on which a start tag *ends*; readers want the line and column
    where it begins.  Because teikit refuses DTDs and entities, the n-th start tag in the text is the
    n-th element of the tree, which makes an exact map cheap to build.
    """

    def __init__(self, data: bytes, tree: etree._ElementTree) -> None:
        text = data.decode("utf-8", errors="replace")
        self._text = text
        self._line_starts = [0]
        for m in re.finditer("\n", text):
            self._line_starts.append(m.end())
        self._tags: dict[etree._Element, re.Match[str]] = {}
        self._ends: dict[etree._Element, int] | None = None
        elements = (e for e in tree.getroot().iter() if isinstance(e.tag, str))
        for m in _MARKUP.finditer(text):
            if m.group("tag") is None:
                continue
            el = next(elements, None)
            if el is None:
                break
            self._tags[el] = m

    def _line_col(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._line_starts[lo] + 1

    def position(self, el: etree._Element, attr: str | None = None) -> tuple[int, int]:
        """(line, column) of ``el``'s start tag, or of attribute ``attr`` (e.g. ``ref``, ``xml:id``)."""
        m = self._tags.get(el)
        if m is None:
            return (source_line(el), 1)
        if attr:
            am = re.search(rf"(?<![\w:.-]){re.escape(attr)}\s*=", m.group("attrs"))
            if am:
                return self._line_col(m.start("attrs") + am.start())
        return self._line_col(m.start())


    def tag_match(self, el: etree._Element) -> re.Match[str] | None:
        """The match of ``el``'s start tag in the text (groups ``tag`` and ``attrs``)."""
        return self._tags.get(el)

    def end_of(self, el: etree._Element) -> int:
        """The offset just after ``el``'s end tag (or its empty-element tag)."""
        if self._ends is None:
            self._ends = {}
            elements = [e for e in self._tags]  # document order, as the start tags were matched
            order = iter(elements)
            stack: list[etree._Element] = []
            for m in _ALL_MARKUP.finditer(self._text):
                if m.group("end") is not None:
                    if stack:
                        self._ends[stack.pop()] = m.end()
                elif m.group("start") is not None:
                    current = next(order, None)
                    if current is None:
                        break
                    if m.group("empty"):
                        self._ends[current] = m.end()
                    else:
                        stack.append(current)
        return self._ends[el]

    def text_position(self, parent: etree._Element, text: str, after: etree._Element | None,
                      before: etree._Element | None) -> tuple[int, int]:
        """(line, column) of the first word of ``text``: the text that opens ``parent``
        (``after`` None) or follows its child ``after``, ending where ``before`` (the next child)
        starts.  Searched for in the source between those tags; the tag's own place where an
        entity reference hides the words."""
        words = text.strip()[:20]
        owner = after if after is not None else parent
        m = self._tags.get(owner)
        if m is None or not words:
            return self.position(owner)
        end = self._tags[before].start() if before is not None and before in self._tags else len(self._text)
        found = (self._text.rfind(words, m.end(), end) if after is not None
                 else self._text.find(words, m.end(), end))
        return self._line_col(found) if found >= 0 else self.position(owner)


def readable_xpath(el: etree._Element) -> str:
    """An XPath a person can read, with ``tei:`` prefixes and positions only where needed."""
    steps = []
    node: etree._Element | None = el
    while node is not None:
        q = etree.QName(node)
        prefix = "tei:" if q.namespace == TEI_NS else ""
        parent = node.getparent()
        step = prefix + q.localname
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))
