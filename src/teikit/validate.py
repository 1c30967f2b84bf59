"""Validate stage: RELAX NG grammar, ISO Schematron rules and lint, with located problems.

``iter_errors`` yields every :class:`Problem` (errors and warnings) sorted by file and location;
``validate`` raises :class:`~teikit.errors.ValidationFailed` when any is an error; ``is_valid``
answers yes or no.  The grammar and the compiled Schematron are built once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from lxml import etree

from . import transform
from .config import CONFIG_FILE, Config
from .errors import InvalidInput, TeikitError, UsageProblem, ValidationFailed
from .load import MENTION_KINDS, REGISTER_FILE, REGISTER_KINDS, Corpus, Document, Register, require_tei
from .passages import MANIFEST_FILE, is_passage_block
from .problems import ERROR, WARNING, Problem, is_unparsed
from .resources import schema_path
from .xmlutil import (
    NS,
    TEI_NS,
    XML_ID,
    XML_NS,
    SourceMap,
    local_name,
    parse_bytes,
    parse_file,
    read_bytes,
    readable_xpath,
    source_line,
)


def grammar_file(profile: str = "house") -> Path:
    """The grammar of a profile: teikit's house subset, or ordinary TEI (see :mod:`teikit.config`)."""
    return schema_path("teikit.rng" if profile == "house" else "tei.rng")


@cache
def _grammar_tree(profile: str) -> etree._ElementTree:
    """A profile's grammar file, parsed once per process (libxml2 compiles it; the name check
    reads its vocabulary from it)."""
    return etree.parse(str(grammar_file(profile)))


@cache
def relaxng(profile: str = "house") -> etree.RelaxNG:
    """A profile's grammar (Jing-simplified, so libxml2 loads it at once), compiled once per process."""
    return etree.RelaxNG(_grammar_tree(profile))


@cache
def _project_grammar(path: Path, root: Path) -> etree.RelaxNG:
    """A project's own grammar (``[schema] relaxng``), which may include only files inside the
    corpus folder ``root`` (libxml2 would otherwise read whatever its include names)."""
    try:
        tree = parse_file(path)
    except TeikitError as exc:
        raise UsageProblem(f"the project grammar {exc.message}", path=str(path), rule="config") from None
    for ref in tree.iter("{http://relaxng.org/ns/structure/1.0}include", "{http://relaxng.org/ns/structure/1.0}externalRef"):
        href = ref.get("href", "")
        target = (path.parent / href).resolve()
        if "://" in href or not target.is_relative_to(root.resolve()) or not target.is_file():
            raise UsageProblem(f"the project grammar includes “{href}”, which is not a file inside the corpus folder",
                               path=str(path), line=source_line(ref) or None, rule="config")
    try:
        return etree.RelaxNG(tree)
    except etree.RelaxNGParseError as exc:
        raise UsageProblem(f"not a usable RELAX NG grammar: {exc}", path=str(path), rule="config") from None


@cache
def schematron_validator() -> Any:
    """The project Schematron as a compiled validator.

    ``schema/teikit.sch.xsl`` is teikit.sch already compiled by ``xslt/schematron/compile.xsl``
    (``python schema/build.py``; a test keeps it current), which spares every cold start that step.
    """
    return transform.compile_file(schema_path("teikit.sch.xsl"))


def _rng_message(message: str) -> str:
    message = message.replace("{" + TEI_NS + "}", "")
    m = re.fullmatch(r"Element (\S+) has extra content: (\S+)", message)
    if m:
        return (f"the content of {m.group(1)} does not match the grammar, at {m.group(2)} or after it "
                "(an element, attribute or value outside the edition's TEI subset)")
    return message


class _Checked:
    """One parsed file with its source map, for turning paths into locations."""

    def __init__(self, path: Path, data: bytes, tree: etree._ElementTree, config: Config | None = None) -> None:
        self.config = config or Config(profile="house")
        self.name = str(path)
        self.tree = tree
        self.data = data
        self.doc = Document(path, tree)  # its Saxon tree serves the Schematron and then the build

    @cached_property
    def map(self) -> SourceMap:
        """Built only when a problem needs a location: a valid document never pays for it."""
        return SourceMap(self.data, self.tree)

    def element(self, steps: str) -> etree._Element | None:
        try:
            found = self.tree.xpath(steps, namespaces=NS) if steps else []
        except etree.XPathError:  # a path with the document's own prefixes: no element to point at
            return None
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            return found[0]
        return None

    def locate(self, steps: str) -> tuple[int, int]:
        attr = None
        if "/@" in steps:
            steps, _, attr = steps.rpartition("/@")
        el = self.element(steps)
        return self.map.position(el, attr) if el is not None else (0, 0)


class _MappedSource:
    """A source map for a copy of the tree: positions of the copy's elements are those of the
    original elements they were copied from."""

    def __init__(self, original: SourceMap, back: dict[etree._Element, etree._Element]) -> None:
        self.original, self.back = original, back

    def position(self, el: etree._Element, attr: str | None = None) -> tuple[int, int]:
        return self.original.position(self.back.get(el, el), attr)

    def text_position(self, parent: etree._Element, text: str, after: etree._Element | None,
                      before: etree._Element | None) -> tuple[int, int]:
        return self.original.text_position(self.back.get(parent, parent), text,
                                           self.back.get(after, after) if after is not None else None,
                                           self.back.get(before, before) if before is not None else None)


class _WithoutForeign(_Checked):
    """A document with its elements and attributes from other namespaces taken out (``tei``
    profile: they are reported as warnings and ignored), still located in the original file."""

    def __init__(self, checked: _Checked) -> None:
        import copy

        tree = copy.deepcopy(checked.tree)
        back = {c: o for c, o in zip(tree.iter(), checked.tree.iter(), strict=True) if isinstance(c.tag, str)}
        for el in list(tree.iter()):
            if not isinstance(el.tag, str):
                continue
            for name in list(el.attrib):
                if etree.QName(name).namespace not in (None, *_ALLOWED_NAMESPACES):
                    del el.attrib[name]
            if etree.QName(el).namespace not in _ALLOWED_NAMESPACES and el.getparent() is not None:
                _remove_keeping_tail(el)
        super().__init__(Path(checked.name), checked.data, tree, checked.config)
        self._source = _MappedSource(checked.map, back)

    @property
    def map(self) -> _MappedSource:  # type: ignore[override]
        return self._source


def _remove_keeping_tail(el: etree._Element) -> None:
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _grammar_problems(checked: _Checked) -> Iterator[Problem]:
    """Grammar errors, each at its culprit.  libxml2 decides whether the document is valid (fast);
    when it is not, :mod:`teikit.rngcheck` walks the same grammar and names each mistake at its
    place, once (libxml2's own messages cascade to ancestors and neighbours, some at other lines).
    Should the two ever disagree, libxml2's messages are reported, with its cascade pruned."""
    yield from _explained(checked, relaxng(checked.config.profile), grammar_file(checked.config.profile), "")


def _explained(checked: _Checked, rng: etree.RelaxNG, source: Path, prefix: str) -> Iterator[Problem]:
    """One grammar's problems: libxml2 decides, :mod:`teikit.rngcheck` explains (see above)."""
    if rng.validate(checked.tree):
        return
    from . import rngcheck

    try:
        grammar = rngcheck.load(source)
    except ValueError:  # a project grammar the explaining checker cannot read: libxml2's messages
        grammar = None
    mistakes = rngcheck.check(grammar, checked.tree.getroot()) if grammar is not None else []
    if mistakes:
        for m in mistakes:
            if m.text is not None:
                line, col = checked.map.text_position(m.node, m.text, m.tail_of, m.before)
            else:
                line, col = checked.map.position(m.node, m.attribute)
            xpath = readable_xpath(m.node) + (f"/@{m.attribute}" if m.attribute else "")
            yield Problem(checked.name, line, col, ERROR, prefix + m.rule, m.message, xpath)
        return
    found = [(checked.element(e.path) if e.path else None, e) for e in rng.error_log]
    located = [el for el, _ in found if el is not None]
    for el, entry in found:
        if entry.type_name == "RELAXNG_ERR_CONTENTVALID" and el is not None and any(
                other is not el and el in other.iterancestors() for other in located):
            continue
        line, col = checked.map.position(el) if el is not None else (entry.line, entry.column)
        yield Problem(checked.name, line or entry.line, col, ERROR, prefix + "grammar",
                      _rng_message(entry.message), readable_xpath(el) if el is not None else "")


_ALLOWED_NAMESPACES = (TEI_NS, XML_NS)


def _foreign_problems(checked: _Checked) -> list[Problem]:
    """Rule ``foreign-namespace``: every element and attribute from a namespace other than TEI's
    (and ``xml:``), located and named with its namespace.

    teikit's TEI subset admits none, and the grammar's own report of them is a cascade whose paths
    use the document's prefixes; reporting them first, alone, gives the reader the cause.
    """
    problems = []
    for el in checked.tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        if q.namespace not in _ALLOWED_NAMESPACES:
            line, col = checked.map.position(el)
            where = f"namespace {q.namespace}" if q.namespace else "no namespace"
            problems.append(Problem(checked.name, line, col, ERROR, "foreign-namespace",
                                    f"element <{_qualified(el, el.tag)}> is in {where}: the edition's TEI "
                                    "admits elements in the TEI namespace only", readable_xpath(el)))
        for name in map(str, el.attrib):
            aq = etree.QName(name)
            if aq.namespace is not None and aq.namespace not in _ALLOWED_NAMESPACES:
                shown = _qualified(el, name)
                line, col = checked.map.position(el, shown)
                problems.append(Problem(checked.name, line, col, ERROR, "foreign-namespace",
                                        f"attribute {shown} is in namespace {aq.namespace}: the edition's TEI "
                                        "admits attributes in no namespace or xml: only",
                                        readable_xpath(el) + f"/@{aq.localname}"))
    return problems


@cache
def _vocabulary(profile: str = "house") -> tuple[frozenset[str], frozenset[str]]:
    """The element and (unqualified) attribute names a profile's grammar knows."""
    rng = _grammar_tree(profile)
    ns = {"r": "http://relaxng.org/ns/structure/1.0"}
    found_elements = rng.xpath("//r:element/@name", namespaces=ns)
    found_attributes = rng.xpath("//r:attribute[not(@ns) or @ns = '']/@name", namespaces=ns)
    assert isinstance(found_elements, list) and isinstance(found_attributes, list)
    elements = {str(n) for n in found_elements}
    attributes = {str(n) for n in found_attributes}
    return frozenset(elements), frozenset(attributes)


def _did_you_mean(name: str, known: frozenset[str]) -> str:
    import difflib

    same_case = [k for k in known if k.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else ""


def _unknown_name_problems(checked: _Checked) -> list[Problem]:
    """Rules ``grammar-unknown-element`` and ``grammar-unknown-attribute``: a TEI-namespace element
    or an attribute the grammar does not know (a typo, a wrong case), named at its own place with
    the name meant.  Reported alone, before the grammar, whose own report of a misspelt name is a
    cascade of errors about its neighbours that never names it."""
    elements, attributes = _vocabulary(checked.config.profile)
    whose = "the edition's TEI" if checked.config.strict else "TEI as teikit knows it"
    problems = []
    for el in checked.tree.getroot().iter(f"{{{TEI_NS}}}*"):
        local = etree.QName(el).localname
        if local not in elements:
            line, col = checked.map.position(el)
            meant = _did_you_mean(local, elements)
            problems.append(Problem(checked.name, line, col, ERROR, "grammar-unknown-element",
                                    f"<{local}> is not an element of {whose}"
                                    + (f": did you mean <{meant}>?" if meant else ""), readable_xpath(el)))
        for name in map(str, el.attrib):
            if etree.QName(name).namespace is None and name not in attributes:
                line, col = checked.map.position(el, name)
                meant = _did_you_mean(name, attributes)
                problems.append(Problem(checked.name, line, col, ERROR, "grammar-unknown-attribute",
                                        f"@{name} (on <{local}>) is not an attribute of {whose}"
                                        + (f": did you mean @{meant}?" if meant else ""),
                                        readable_xpath(el) + f"/@{name}"))
    return problems


def _qualified(el: etree._Element, clark: str) -> str:
    """A Clark name as the source wrote it (prefix:local where the document declares a prefix)."""
    q = etree.QName(clark)
    prefixes = [k for k, v in el.nsmap.items() if v == q.namespace and k]
    return f"{prefixes[0]}:{q.localname}" if prefixes else q.localname


def identity_problems(documents: list[tuple[Path, str]]) -> list[Problem]:
    """Rule ``document-id-unique`` over a corpus's (path, ID) pairs.

    A document ID names an output folder, a URL and a DTS resource: it must not repeat another
    document's ID, nor differ from one only by case (one folder on a case-insensitive file
    system).  No command may then pick one of two matches.
    """
    problems: list[Problem] = []
    first: dict[str, tuple[Path, str]] = {}
    for path, ident in documents:
        seen = first.get(ident.lower())
        if seen is None:
            first[ident.lower()] = (path, ident)
            continue
        line, col = _id_position(path)
        how = "repeats" if seen[1] == ident else "differs only by case from"
        problems.append(Problem(str(path), line, col, ERROR, "document-id-unique",
                                f"the document ID “{ident}” {how} the ID “{seen[1]}” of {seen[0]}: "
                                "every document needs its own", "/tei:TEI/@xml:id"))
    return sorted(problems)


def _reserved_problems(checked: _Checked) -> list[Problem]:
    """Rule ``document-id-reserved``: a document ID must not be a name teikit uses itself."""
    from .load import RESERVED_DOCUMENT_IDS, reserved_id

    ident = checked.doc.id
    if not reserved_id(ident):
        return []
    root = checked.tree.getroot()
    line, col = checked.map.position(root, "xml:id" if root.get(XML_ID) is not None else None)
    return [Problem(checked.name, line, col, ERROR, "document-id-reserved",
                    f"the document ID “{ident}” is a name teikit uses itself ({', '.join(RESERVED_DOCUMENT_IDS)}, "
                    "in any case): choose another", "/tei:TEI/@xml:id")]


def _id_position(path: Path) -> tuple[int, int]:
    """Line and column of ``TEI/@xml:id`` in ``path`` (of its root element where it has none)."""
    try:
        checked = _parse(path)
    except TeikitError:
        return 0, 0
    root = checked.tree.getroot()
    return checked.map.position(root, "xml:id" if root.get(XML_ID) is not None else None)


def _schematron_problems(checked: _Checked, register: Register | None, validator: Any = None) -> Iterator[Problem]:
    source = checked.doc.xdm()
    params: dict[str, object] = {"register": register.xdm() if register is not None else source}
    try:
        report = transform.run(validator or schematron_validator(), source, params)
    except TeikitError as exc:
        # The rules assume the grammar's structure; a document far from it can make one of them
        # fail to evaluate.  That is a finding about the document, not a crash of the validator.
        root = checked.tree.getroot()
        line, col = checked.map.position(root)
        yield Problem(checked.name, line, col, ERROR, "schematron-incomplete",
                      "the rule checks could not all run on this document; fix its grammar errors first "
                      f"({exc.message[:160]})", readable_xpath(root))
        return
    for el in etree.fromstring(report.encode("utf-8")):
        line, col = checked.locate(el.get("steps", ""))
        yield Problem(checked.name, line, col, el.get("severity", ERROR), el.get("rule", "schematron"),
                      " ".join((el.text or "").split()), el.get("xpath", ""))


@dataclass
class _LintNames:
    """Every preferred and variant register name, found by its first word, and the entries each
    name denotes.  A dictionary lookup per word of the text, not a pattern of every name tried at
    every position: the lint's cost grows with the text, not with the text times the register."""

    first: dict[str, list[tuple[str, int]]]  # first word -> [(name, characters before that word)], longest first
    entries: dict[str, list[tuple[str, str]]]  # name -> [(entry id, mention element)]


_WORD = re.compile(r"\w+")
_WORD_BEFORE = re.compile(r"[\w\-‘]")
_WORD_AFTER = re.compile(r"[\w\-]")


def _names_by_entry(register: Register) -> _LintNames:
    entries: dict[str, list[tuple[str, str]]] = {}
    for ident, entry in register.entries.items():
        name_el = REGISTER_KINDS[local_name(entry)]
        for name in entry.iterfind(f"tei:{name_el}", NS):
            text = " ".join("".join(str(t) for t in name.itertext()).split())
            if text:
                entries.setdefault(text, []).append((ident, name_el))
    first: dict[str, list[tuple[str, int]]] = {}
    for text in entries:
        word = _WORD.search(text)
        if word is not None:
            first.setdefault(word.group(0), []).append((text, word.start()))
    for candidates in first.values():
        candidates.sort(key=lambda c: -len(c[0]))  # the longest name wins where several match
    return _LintNames(first, entries)


def _matches(names: _LintNames, text: str) -> list[str]:
    """The register names in ``text`` that neither start nor end inside a word, leftmost first and
    longest at each place, not overlapping (what a search for the names, longest first, gives)."""
    found: list[str] = []
    pos = 0
    for word in _WORD.finditer(text):
        candidates = names.first.get(word.group(0))
        if not candidates:
            continue
        best: tuple[int, str] | None = None
        for name, offset in candidates:
            start = word.start() - offset
            if start < pos or (best is not None and start >= best[0]):
                continue
            if not text.startswith(name, start):
                continue
            end = start + len(name)
            if (start and _WORD_BEFORE.match(text, start - 1)) or _WORD_AFTER.match(text, end):
                continue
            best = (start, name)
        if best is not None:
            found.append(best[1])
            pos = best[0] + len(best[1])
    return found


def _lint_untagged(checked: _Checked, register: Register) -> Iterator[Problem]:
    """Warn where a register name occurs in the body outside an element that points at its entry."""
    names = register.derived("lint-names", _names_by_entry)
    if not names.first:
        return
    for block in checked.tree.iterfind(".//tei:text/tei:body//*", NS):
        if local_name(block) not in ("p", "head"):
            continue
        for node in block.iter():
            segments = [(node.text, node)] + [(child.tail, node) for child in node]
            for text, holder in segments:
                if not text:
                    continue
                matches = _matches(names, text)
                if not matches:
                    continue
                covered: set[str] = set()
                anc: etree._Element | None = holder
                while anc is not None and anc is not block.getparent():
                    if local_name(anc) in MENTION_KINDS:
                        covered.update(t.partition("#")[2] for t in anc.get("ref", "").split())
                    anc = anc.getparent()
                for m in matches:
                    for ident, element in names.entries[m]:
                        if ident in covered:
                            continue
                        line, col = checked.map.position(holder)
                        yield Problem(checked.name, line, col, WARNING, "lint-untagged-mention",
                                      f"“{m}” is the name of register entry {ident} but is not "
                                      f"tagged as {element} here", readable_xpath(holder))


# C1 control characters: XML 1.0 allows them (and discourages them, section 2.2); no text means
# them.  They usually are Windows-1252 bytes decoded as Latin-1 (U+0085 for an ellipsis).
_CONTROL = re.compile("[\u0080-\u009f]")


def _control_problems(checked: _Checked) -> Iterator[Problem]:
    """Warn, once per element, where text or an attribute holds a C1 control character.  It is kept
    (the text is the editor's), but every output must handle it, and a reader never sees it."""
    encoding = (checked.tree.docinfo.encoding or "UTF-8").upper()
    if encoding in ("UTF-8", "US-ASCII", "ASCII") and not _CONTROL.search(checked.data.decode("utf-8", "replace")):
        return  # the common case: one scan of the file, no walk of the tree
    for el in checked.tree.iter():
        if not isinstance(el.tag, str):
            continue
        values = [el.text or "", *el.attrib.values(), *(child.tail or "" for child in el)]
        found = sorted({m.group(0) for v in values for m in _CONTROL.finditer(v)})
        if found:
            line, col = checked.map.position(el)
            yield Problem(checked.name, line, col, WARNING, "char-control",
                          f"{local_name(el)} holds the control character(s) "
                          f"{', '.join(f'U+{ord(c):04X}' for c in found)}, which no text means (perhaps "
                          "Windows-1252 read as Latin-1): replace them with the characters meant",
                          readable_xpath(el))


def _parse(path: Path, config: Config | None = None) -> _Checked:
    data = read_bytes(path)
    tree = parse_bytes(data, str(path))
    require_tei(tree, str(path))
    return _Checked(path, data, tree, config)


# How the house rules (schema/teikit.sch) apply under the "tei" profile: the house conventions
# are dropped (each has a house warning or a lint of its own instead: see _house_warnings) or
# become warnings; the rest (dates, identifiers, safe links, pointers into the register) hold as
# errors in every profile.
_DROPPED_UNDER_TEI = frozenset({
    "ref-form", "note-target", "note-source", "sic-explained", "said-who", "who-target-person",
    "citestructure-scheme", "edition-version-recorded", "passage-id-section", "passage-id-paragraph",
    "date-value", "register-preferred-name"})
_WARNINGS_UNDER_TEI = frozenset({"mention-ref", "foreign-lang-declared"})
# Elements whose @from and @to are not dates (pages, lines, folios): the date rules skip them.
_NOT_DATED = frozenset({"biblScope", "citedRange", "locus", "locusGrp", "span", "relation", "milestone"})


_ENTITY_ELEMENTS = frozenset({"person", "personGrp", "place", "org", "event", "teiHeader", "standOff"})


def _profiled(checked: _Checked, problems: Iterable[Problem]) -> Iterator[Problem]:
    """The Schematron's problems as the corpus's profile has them."""
    root = checked.tree.getroot()
    for p in problems:
        if checked.config.strict:
            yield p
        elif p.rule == "mention-ref":
            el = checked.element(p.xpath)
            if el is not None and any(local_name(a) in _ENTITY_ELEMENTS for a in el.iterancestors()):
                continue  # an entry's own name (a place in a listPlace of the back), not a mention
            name = p.message.partition("must point")[0].strip()
            yield Problem(p.file, p.line, p.column, WARNING, p.rule,
                          f"{name} is linked to no entry: add @ref (register.xml#ID, #ID of a person, place… in "
                          "this file, or FILE.xml#ID) to index it", p.xpath)
        elif p.rule in _WARNINGS_UNDER_TEI:
            yield Problem(p.file, p.line, p.column, WARNING, p.rule, p.message, p.xpath)
        elif p.rule.startswith("date-") and (el := checked.element(p.xpath)) is not None \
                and local_name(el) in _NOT_DATED:
            continue
        elif p.rule == "document-id-form" and root.get(XML_ID) is None:
            yield from _stem_id_problems(checked)
        elif p.rule not in _DROPPED_UNDER_TEI:
            yield p


def _stem_id_problems(checked: _Checked) -> list[Problem]:
    """A document without ``TEI/@xml:id`` is named by its file name, which must then be a usable ID."""
    from .load import DOCUMENT_ID

    stem = checked.doc.id
    if re.fullmatch(DOCUMENT_ID, stem):
        return []
    line, col = checked.map.position(checked.tree.getroot())
    return [Problem(checked.name, line, col, ERROR, "document-id-form",
                    f"the document has no xml:id, so its file name “{stem[:80]}” names its output folder and URL, "
                    "and cannot: give TEI an xml:id of ASCII letters, digits, “_”, “-” and “.”", "/tei:TEI")]


def _house_warnings(checked: _Checked) -> list[Problem]:
    """What the house profile would demand, as warnings that say what supplies it (``tei``
    profile only): an edition version, the document's identifier, a citeStructure, passage IDs."""
    root = checked.tree.getroot()
    if root.find("tei:text", NS) is None:  # a register or a standOff file: no passages, no edition
        return []
    found: list[Problem] = []

    def warn(el: etree._Element, rule: str, message: str) -> None:
        line, col = checked.map.position(el)
        found.append(Problem(checked.name, line, col, WARNING, rule, message, readable_xpath(el)))

    header = root.find("tei:teiHeader", NS)
    file_desc = header.find("tei:fileDesc", NS) if header is not None else None
    where = file_desc if file_desc is not None else root
    if not root.xpath("tei:teiHeader/tei:fileDesc/tei:editionStmt/tei:edition[@n]", namespaces=NS):
        warn(where, "house-edition-version", "no edition version (citations and the DTS API name the version they "
             f"quote): run `teikit ids --header {checked.name}` to add "
             "<editionStmt><edition n=\"1.0.0\"/></editionStmt>")
    if not root.xpath("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno[@type='teikit']", namespaces=NS):
        warn(where, "house-document-idno", "no document identifier (until then the "
             + ("xml:id" if root.get(XML_ID) else "file name") + " is used): "
             + (f"run `teikit ids --header {checked.name}` to add" if any(root.xpath(
                 f"tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:{agent}", namespaces=NS)
                 for agent in ("publisher", "distributor", "authority")) else "add a publisher and")
             + f" <idno type=\"teikit\">{checked.doc.id}</idno> to publicationStmt")
    # A refsDecl of another kind (cRefPattern, refState) is the document's own reference system:
    # teikit ids cannot add a citeStructure beside it, and does not ask to.
    if not root.xpath("tei:teiHeader/tei:encodingDesc/tei:refsDecl", namespaces=NS):
        warn(where, "house-cite-structure", "no citeStructure says how passages are cited: run "
             f"`teikit ids {checked.name}` to add it with the passage IDs")
    body = root.find("tei:text/tei:body", NS)
    if body is not None:
        lacking = [el for el in body.iter(f"{{{TEI_NS}}}*") if el.get(XML_ID) is None and (
            local_name(el) == "div" or is_passage_block(el))]
        if lacking:
            warn(lacking[0], "house-passage-ids", f"{len(lacking)} division(s) and block(s) of the text have no "
                 "passage ID "
                 f"(this is the first): run `teikit ids {checked.name}` to give them stable ones (until then "
                 "teikit numbers them by position, and an edit moves them)")
    return found


_POINTERS = ("ref", "who", "target", "corresp", "source")


def _pointer_problems(checked: _Checked, root: Path) -> list[Problem]:
    """Rule ``pointer-target``: a pointer to ``#ID`` names an element of this document, and one to
    ``FILE.xml#ID`` an element of that file of the corpus (``tei`` profile; the house rules check
    the house's own pointers).  Other files are read only inside the corpus folder."""
    ids = {str(v) for v in checked.tree.xpath("//@xml:id")}  # type: ignore[union-attr]
    problems: list[Problem] = []
    for el in checked.tree.getroot().iter(f"{{{TEI_NS}}}*"):
        for name in _POINTERS:
            value = el.get(name)
            if not value:
                continue
            for token in value.split():
                file, hash_, ident = token.partition("#")
                if not hash_ or "://" in file or ":" in file:
                    continue
                if file == "":
                    ok = ident in ids
                elif file == REGISTER_FILE:
                    continue  # the register rules check these (ref-target-exists)
                else:
                    ok = ident in _ids_of(root, file)
                if not ok:
                    line, col = checked.map.position(el, name)
                    where = file if file else "this document"
                    # A warning: TEI does not require a pointer to land (projects resolve some
                    # elsewhere), but a reader's link will lead nowhere.
                    problems.append(Problem(checked.name, line, col, WARNING, "pointer-target",
                                            f"@{name}=“{token}” on <{local_name(el)}> points at no element of {where}",
                                            readable_xpath(el) + f"/@{name}"))
    return problems


def _ids_of(root: Path, file: str) -> frozenset[str]:
    target = (root / file).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return frozenset()
    return _ids_in(target, target.stat().st_mtime_ns)


@cache
def _ids_in(path: Path, _mtime: int) -> frozenset[str]:
    try:
        tree = parse_bytes(read_bytes(path), str(path))
    except TeikitError:
        return frozenset()
    return frozenset(str(v) for v in tree.xpath("//@xml:id"))  # type: ignore[union-attr]


def _project_problems(checked: _Checked, register: Register | None, root: Path) -> list[Problem]:
    """The project's own grammar and Schematron (``teikit.toml`` [schema]), after teikit's."""
    problems: list[Problem] = []
    config = checked.config
    if config.relaxng is not None:
        problems += _explained(checked, _project_grammar(config.relaxng, root), config.relaxng, "project-")
    for sch in config.schematron:
        problems += _schematron_problems(checked, register, _project_schematron(sch, sch.stat().st_mtime_ns))
    return problems


@cache
def _project_schematron(path: Path, _mtime: int) -> Any:
    """A project's Schematron, compiled by teikit's compiler (xslt/schematron/compile.xsl) once per
    process (and again when the file changes)."""
    compiler = transform.compiled("schematron/compile.xsl")
    try:
        source = parse_file(path)
    except TeikitError as exc:
        raise UsageProblem(f"the project Schematron {exc.message}", path=str(path), rule="config") from None
    compiled = transform.run(compiler, transform.to_xdm(source), {})
    try:
        return transform.compile_text(compiled)
    except TeikitError as exc:
        raise UsageProblem(f"the project Schematron does not compile: {exc.message}", path=str(path),
                           rule="config") from None


def used_ids(tree: etree._ElementTree) -> set[str]:
    """The register identifiers a document points at (its @ref and @who targets)."""
    # A walk, not XPath: libxml2 merges the node sets of "//@ref | //@who" (and of "//*" steps)
    # with a linear search for duplicates, which made this grow with the square of the document
    # (1.7 s for 10,000 paragraphs).
    used: set[str] = set()
    prefix = REGISTER_FILE + "#"
    for el in tree.getroot().iter():
        for value in (el.get("ref"), el.get("who")):
            if value:
                used.update(t.partition("#")[2] for t in value.split() if t.startswith(prefix))
    return used


def _used_ids(paths: Iterable[Path]) -> set[str]:
    used: set[str] = set()
    for path in paths:
        try:
            used |= used_ids(parse_bytes(read_bytes(path), str(path)))
        except TeikitError:
            continue
    return used


def check_document(path: Path, register: Register | None, *, lint: bool = True) -> tuple[list[Problem], set[str]]:
    """Grammar, Schematron and lint problems of one document, and the register IDs it uses."""
    problems, used, _ = check_and_load(path, register, lint=lint)
    return problems, used


def check_and_load(path: Path, register: Register | None, *, lint: bool = True,
                   config: Config | None = None,
                   root: Path | None = None) -> tuple[list[Problem], set[str], Document | None]:
    """As :func:`check_document`, also returning the parsed document so a build need not parse twice.

    ``config`` is the corpus's settings (the house profile when None, as for the edition), ``root``
    its folder (for pointers into other files of the corpus and the project's own rules)."""
    try:
        checked = _parse(path, config)
    except TeikitError as exc:
        return [Problem.from_error(exc, str(path))], set(), None
    ignored: list[Problem] = []
    if not checked.config.strict:
        # Ordinary TEI carries other vocabularies now and then (xsi:schemaLocation, a project's own
        # elements in the header): each is a warning, and the rest of the document is checked.
        ignored = [Problem(p.file, p.line, p.column, WARNING, p.rule,
                           p.message.partition(": the edition's TEI")[0] + ": not TEI, so teikit ignores it", p.xpath)
                   for p in _foreign_problems(checked)]
        if ignored:
            checked = _WithoutForeign(checked)
    foreign = _foreign_problems(checked) or _unknown_name_problems(checked)
    if foreign:  # the cause, alone: the grammar and the rules would only report its consequences
        return sorted(foreign + ignored), used_ids(checked.tree), None
    problems = ignored + list(_grammar_problems(checked))
    # A rule that fires where the grammar already named the mistake (a malformed date, a missing
    # passage ID) says the same thing again: the grammar's line is the one reported.
    taken = {(p.line, p.column) for p in problems} | {checked.locate(p.xpath.rpartition("/@")[0] or p.xpath)
                                                      for p in problems if p.xpath}
    problems += [p for p in _profiled(checked, _schematron_problems(checked, register))
                 if (p.line, p.column) not in taken]
    if not checked.config.strict:
        problems += _house_warnings(checked)
        problems += _pointer_problems(checked, root or path.parent)
    problems += _project_problems(checked, register, root or path.parent)
    problems += _reserved_problems(checked)
    problems += _control_problems(checked)
    if lint and register is not None:
        problems += _lint_untagged(checked, register)
    return sorted(problems), used_ids(checked.tree), checked.doc


def check_register(path: Path, register: Register, used: set[str] | None,
                   config: Config | None = None) -> list[Problem]:
    """Problems of the register itself, given the IDs the corpus's documents use.

    ``used=None`` means some document could not be read, so which entries are used is unknown and
    no entry is reported as unused.
    """
    unused = unused_entries(path, register, used)
    if config is not None and not config.strict:  # an entry kept for later is no mistake in ordinary TEI
        unused = [Problem(p.file, p.line, p.column, WARNING, p.rule, p.message, p.xpath) for p in unused]
    return sorted(register_problems(path, register, config) + unused)


def register_problems(path: Path, register: Register, config: Config | None = None) -> list[Problem]:
    """The register's grammar and Schematron problems: everything that does not depend on the corpus."""
    try:
        checked = _parse(path, config)
    except TeikitError as exc:
        return [Problem.from_error(exc, str(path))]
    foreign = _foreign_problems(checked)
    if foreign:
        return sorted(foreign)
    return sorted([*_grammar_problems(checked), *_profiled(checked, _schematron_problems(checked, register)),
                   *_control_problems(checked)])


def unused_entries(path: Path, register: Register, used: set[str] | None) -> list[Problem]:
    """Rule ``register-entry-unused``: every entry must be referenced by some document.

    It needs the whole corpus, so the build checks it after its workers have read every document
    (each reports the IDs it uses); the file is read again for locations only if an entry is unused.
    """
    unused = set() if used is None else {i for i in register.entries if i not in used}
    if not unused:
        return []
    try:
        checked = _parse(path)
    except TeikitError as exc:
        return [Problem.from_error(exc, str(path))]
    problems = []
    for el in checked.tree.iter():
        ident = el.get(XML_ID) if isinstance(el.tag, str) else None
        if ident in unused and local_name(el) in REGISTER_KINDS and _in_stand_off(el):
            line, col = checked.map.position(el)
            problems.append(Problem(checked.name, line, col, ERROR, "register-entry-unused",
                                    f"Register entry “{ident}” is not referenced by any document; remove it or "
                                    "tag its mentions.", readable_xpath(el)))
    return problems


def _in_stand_off(el: etree._Element) -> bool:
    return any(local_name(a) == "standOff" for a in el.iterancestors())


def iter_errors(targets: Iterable[Path] | Path | None = None, *, lint: bool = True) -> Iterator[Problem]:
    """Every problem in the given files or folders (default: the corpus in ``./tei``), sorted.

    A folder is validated as a corpus: its documents, and its register (whose entries must each be
    used by some document).  A single document is checked against the register beside it.
    """
    if targets is None or isinstance(targets, Path):
        targets = [targets] if targets is not None else [None]  # type: ignore[list-item]
    problems: list[Problem] = []
    for target in targets:
        problems.extend(_check_target(target, lint))
    yield from sorted(problems)


# Rules that compare a document with the register: without a register they would report every
# reference, the consequence of the one cause (``register-missing``) that is reported instead.
_REGISTER_RULES = ("ref-target-exists", "ref-target-kind", "who-target-person")


def completeness_problems(corpus: Corpus) -> list[Problem]:
    """Whether a corpus folder is complete, in the same words for every command that reads one
    (validate, build, info, passages check): a register is required (``register-missing``, an
    error); a passage manifest is expected once passages are published (``manifest-missing``, a
    warning: nothing published yet, so nothing can have been broken)."""
    problems = []
    if corpus.register_path is None and corpus.config.strict:  # a bad teikit.toml raises: exit 2
        problems.append(Problem(str(corpus.root / REGISTER_FILE), 0, 0, ERROR, "register-missing",
                                "no register.xml beside the documents; every corpus needs one, even with no "
                                "entries yet (teikit's documents point into it)"))
    if not (corpus.root / MANIFEST_FILE).is_file():
        problems.append(Problem(str(corpus.root / MANIFEST_FILE), 0, 0, WARNING, "manifest-missing",
                                "no passages.json: no passage ID of this corpus is published yet, so none is "
                                "checked for stability; `teikit passages update` publishes them"))
    return problems


def _check_target(target: Path | None, lint: bool) -> Iterator[Problem]:
    try:
        corpus = Corpus.discover(target)
    except TeikitError as exc:
        yield Problem.from_error(exc, str(target))
        return
    whole = target is None or target.is_dir()
    try:
        _ = corpus.config
    except TeikitError as exc:  # the settings decide every rule: nothing is checked without them
        yield Problem.from_error(exc, str(corpus.root / CONFIG_FILE))
        return
    if whole:
        yield from completeness_problems(corpus)
    register: Register | None = None if corpus.register_path is not None else corpus.register
    if corpus.register_path is not None:
        try:
            register = corpus.register
        except TeikitError as exc:
            # The cause, once: every reference into the register would otherwise be reported too.
            yield Problem.from_error(exc, str(corpus.register_path))
            return
    register_only = target is not None and target.is_file() and target.name == REGISTER_FILE
    used: set[str] = set()
    unreadable = False
    failing: set[str] = set()
    if not register_only:
        identities: list[tuple[Path, str]] = []
        for path in corpus.document_paths:
            problems, ids, doc = check_and_load(path, register, lint=lint, config=corpus.config, root=corpus.root)
            if corpus.register_path is None and whole and corpus.config.strict:
                problems = [p for p in problems if p.rule not in _REGISTER_RULES]
            used |= ids
            unreadable = unreadable or any(is_unparsed(p) for p in problems)
            if any(p.severity == ERROR for p in problems):
                failing.add(str(path))
            if doc is not None:
                identities.append((path, doc.id))
            yield from problems
        yield from identity_problems(identities)
    if register is not None and corpus.register_path is not None and (
            target is None or target.is_dir() or register_only):
        if register_only:
            used = _used_ids(p for p in corpus.root.glob("*.xml") if p.name != REGISTER_FILE)
        yield from check_register(corpus.register_path, register, None if unreadable else used, corpus.config)
    if (target is None or target.is_dir()) and not unreadable:
        yield from stability_problems(corpus, frozenset(failing))


def stability_problems(corpus: Corpus, skip: frozenset[str] = frozenset()) -> list[Problem]:
    """Published passage IDs that disappeared, were reused or changed without a recorded revision
    (not looked for in the documents named in ``skip``, which have errors of their own: as in a
    build, the mistake is reported, not its consequences for the citations)."""
    from .passages import check_stability

    path, manifest = corpus.root / MANIFEST_FILE, None
    try:
        manifest = load_corpus_manifest(corpus)
    except TeikitError as exc:
        return [Problem.from_error(exc, str(path))]
    if manifest is None:
        return []
    return _stability(path, check_stability(corpus, manifest, skip))


def load_corpus_manifest(corpus: Corpus) -> dict[str, object] | None:
    """The corpus's passage manifest (``passages.json``), or None where it has none."""
    from .passages import load_manifest

    path = corpus.root / MANIFEST_FILE
    return load_manifest(path) if path.is_file() else None


def document_stability_problems(doc: Document, manifest_path: Path, manifest: dict[str, object]) -> list[Problem]:
    """:func:`stability_problems` for one document (a build checks each document in its worker)."""
    from .passages import document_stability

    return _stability(manifest_path, document_stability(doc, manifest))


def _stability(path: Path, found: list[Any]) -> list[Problem]:
    return [Problem(str(path), 0, 0, ERROR, p.rule, f"{p.doc_id}:{p.passage}: {p.message}") for p in found]


def is_valid(targets: Iterable[Path] | Path | None = None) -> bool:
    """True when validation finds no errors (warnings allowed)."""
    return not any(p.severity == ERROR for p in iter_errors(targets, lint=False))


def validate(targets: Iterable[Path] | Path | None = None) -> list[Problem]:
    """Validate; raise :class:`ValidationFailed` listing the problems if any is an error.

    Returns the warnings when there are no errors.
    """
    problems = list(iter_errors(targets))
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise ValidationFailed(f"{len(errors)} validation error(s)", problems)  # type: ignore[arg-type]
    return problems


__all__ = ["ERROR", "WARNING", "InvalidInput", "Problem", "check_document", "check_register", "is_unparsed", "is_valid",
           "iter_errors", "validate"]
