"""Load stage: find the documents and the register of a TEI folder and read them safely.

A *corpus* is a folder of TEI documents sharing one register, ``register.xml``.  Documents are
read one at a time (``Corpus.iter_documents``) so that memory does not grow with the corpus.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from .config import Config, load_config
from .errors import InvalidInput, TeikitError, Unreadable, UsageProblem
from .outdir import has_marker
from .resources import resource_dir
from .xmlutil import NS, TEI_NS, XML_ID, local_name, parse_file, source_line

T = TypeVar("T")
REGISTER_FILE = "register.xml"
# A document ID names its output folder and URL; schema/teikit.sch (document-id-form) states the
# same rule for editors.
DOCUMENT_ID = r"[A-Za-z_][A-Za-z0-9_.\-]{0,127}"
# Names teikit itself writes or routes at the top of an output or in the DTS API (the root
# collection): a document ID equal to one of them, in any case, would overwrite or shadow it.
RESERVED_DOCUMENT_IDS = ("api", "assets", "index.html", "edition", "search", "teikit")


def reserved_id(ident: str) -> bool:
    """Whether a document ID collides with a name teikit uses (compared without case: a
    case-insensitive file system makes ``API`` and ``api`` one folder)."""
    return ident.lower() in RESERVED_DOCUMENT_IDS
REGISTER_KINDS = {"person": "persName", "place": "placeName", "org": "orgName", "event": "eventName"}
MENTION_KINDS = ("persName", "placeName", "orgName", "eventName")


def require_tei(tree: etree._ElementTree, name: str) -> etree._Element:
    """Return the TEI root or raise a located :class:`InvalidInput` for a non-TEI document."""
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        ns = etree.QName(root).namespace
        what = f"<{local_name(root)}>" + (f" in namespace {ns}" if ns else " in no namespace")
        raise InvalidInput(f"not a TEI document: root element is {what}, expected TEI in {TEI_NS}",
                           path=name, line=source_line(root) or None, column=1, rule="tei-root")
    return root


@dataclass
class Document:
    """One parsed TEI document of the edition."""

    path: Path
    tree: etree._ElementTree

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def xdm(self) -> Any:
        """The document as a Saxon node, converted once for all the transformations of a build."""
        cached = self.__dict__.get("_xdm")
        if cached is None:
            from . import transform

            cached = self.__dict__["_xdm"] = transform.to_xdm(self.tree)
        return cached

    @cached_property
    def id(self) -> str:
        """The document identifier: ``TEI/@xml:id``, else the file stem."""
        return self.root.get(XML_ID) or self.path.stem

    def xpath(self, expr: str) -> list[etree._Element]:
        result = self.root.xpath(expr, namespaces=NS)
        assert isinstance(result, list)
        return [r for r in result if isinstance(r, etree._Element)]

    def text_of(self, expr: str) -> str:
        """Normalised string value of the first node matching ``expr`` (empty if none)."""
        value = self.root.xpath(f"normalize-space(({expr})[1])", namespaces=NS)
        return str(value)

    @cached_property
    def title(self) -> str:
        """The main title, else an analytic one (a letter's, after its series), else the first that
        is not a subtitle (as tk:title and teikit.cite choose)."""
        stmt = "tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"
        return next((t for t in (self.text_of(f"{stmt}[@type='main']"), self.text_of(f"{stmt}[@level='a']"),
                                 self.text_of(f"{stmt}[not(@type='sub')]")) if t), "")

    @property
    def edition_version(self) -> str:
        return self.text_of("tei:teiHeader/tei:fileDesc/tei:editionStmt/tei:edition/@n")

    def sections(self) -> list[etree._Element]:
        """The body's divisions, at any depth."""
        return self.xpath("tei:text/tei:body//tei:div")

    def paragraphs(self) -> list[etree._Element]:
        """The body's passage blocks (paragraphs, verse groups, speeches…; see teikit.passages)."""
        from .passages import is_passage_block

        return [el for el in self.xpath("tei:text/tei:body//tei:*") if is_passage_block(el)]

    def mentions(self) -> Counter[str]:
        """Counts of marked mentions in the body by element name (plus ``date``)."""
        counts: Counter[str] = Counter()
        for el in self.xpath("tei:text/tei:body//*"):
            name = local_name(el)
            if name in MENTION_KINDS or name == "date":
                counts[name] += 1
        return counts


@dataclass
class Register:
    """The shared register: persons, places, organisations and events by ``xml:id``."""

    path: Path
    tree: etree._ElementTree
    entries: dict[str, etree._Element] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Register:
        tree = parse_file(path)
        root = require_tei(tree, str(path))
        entries: dict[str, etree._Element] = {}
        for kind in REGISTER_KINDS:
            for el in root.iterfind(f".//{{{TEI_NS}}}{kind}"):
                ident = el.get(XML_ID)
                if ident:
                    entries[ident] = el
        return cls(path, tree, entries)

    @classmethod
    def empty(cls, path: Path) -> Register:
        """A register with no entries (for a corpus that has none)."""
        tree = etree.ElementTree(etree.fromstring(
            f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Register</title></titleStmt>'
            "<publicationStmt><p>None.</p></publicationStmt><sourceDesc><p>None.</p></sourceDesc></fileDesc>"
            "</teiHeader><standOff/></TEI>"))
        return cls(path, tree, {})

    def with_entries_of(self, doc: Document) -> Register:
        """This register plus the entries a document lists itself (listPerson, listPlace, listOrg,
        listEvent in its header, text or standOff), which its names may point at as ``#ID``, and
        those it points at in another file beside it (``people.xml#ID``): what the outputs index
        for that document.  The register itself when there are none."""
        kinds = " | ".join(f"//tei:{k}[@xml:id]" for k in REGISTER_KINDS)
        own = [el for el in doc.xpath(kinds)
               if (parent := el.getparent()) is not None and local_name(parent).startswith("list")]
        own += _entries_elsewhere(doc)
        if not own:
            return self
        import copy

        tree = copy.deepcopy(self.tree)
        stand_off = tree.getroot().find(f"{{{TEI_NS}}}standOff")
        if stand_off is None:
            stand_off = etree.SubElement(tree.getroot(), f"{{{TEI_NS}}}standOff")
        local = etree.SubElement(stand_off, f"{{{TEI_NS}}}list")  # a holder: the kinds are the entries' own
        entries = dict(self.entries)
        for el in own:
            ident = el.get(XML_ID, "")
            if ident in entries:
                continue  # the corpus register's entry wins, as it does for the edition
            copied = copy.deepcopy(el)
            local.append(copied)
            entries[ident] = copied
        return Register(self.path, tree, entries)

    def derived(self, key: str, make: Callable[[Register], T]) -> T:
        """A value computed once from this register (cached on it), e.g. lint patterns."""
        cache = self.__dict__.setdefault("_derived", {})
        if key not in cache:
            cache[key] = make(self)
        return cache[key]  # type: ignore[no-any-return]

    def xdm(self) -> Any:
        """The register as a Saxon document, converted once and shared by every transformation."""
        from . import transform

        return self.derived("xdm", lambda reg: transform.to_xdm(reg.tree))

    def kind_of(self, ident: str) -> str | None:
        el = self.entries.get(ident)
        return local_name(el) if el is not None else None

    def sizes(self) -> Counter[str]:
        return Counter(local_name(el) for el in self.entries.values())


def _entries_elsewhere(doc: Document) -> list[etree._Element]:
    """The register entries (person, place, org, event) a document's names point at in other
    files of its folder (``@ref="people.xml#ada"``).  Only files inside that folder are read (a
    pointer that leads out of it is not followed), each once."""
    folder = doc.path.parent.resolve()
    wanted: dict[str, set[str]] = {}
    # A walk, not the union "//@ref | //@who | //@corresp": libxml2 merges a union's node sets
    # with a linear search for duplicates (1.6 s for a 10,000-paragraph document).
    values = [v for el in doc.root.iter() for v in (el.get("ref"), el.get("who"), el.get("corresp")) if v]
    for value in values:
        for token in value.split():
            file, _, ident = token.partition("#")
            if file and ident and file != REGISTER_FILE and file.endswith(".xml") and "://" not in file:
                wanted.setdefault(file, set()).add(ident)
    found: list[etree._Element] = []
    for file, idents in sorted(wanted.items()):
        path = (folder / file).resolve()
        if not path.is_relative_to(folder) or not path.is_file() or path == doc.path.resolve():
            continue
        try:
            root = parse_file(path).getroot()
        except TeikitError:
            continue  # validating that file reports it
        found += [el for el in root.iter(*(f"{{{TEI_NS}}}{k}" for k in REGISTER_KINDS)) if el.get(XML_ID) in idents]
    return found


def _xml_files(top: Path) -> dict[Path, bool]:
    """Every ``*.xml`` file below ``top`` (as ``top.rglob("*.xml")`` finds them: linked folders
    are not walked, nor folders that carry teikit's output marker), each with whether it is itself
    a symbolic link.  One ``scandir`` per folder:
    the directory entries already say what is a file, a folder or a link."""
    found: dict[Path, bool] = {}
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not has_marker(folder / entry.name):  # a teikit output is never read back as input
                    folders.append(folder / entry.name)
            elif entry.name.endswith(".xml") and entry.is_file():
                found[folder / entry.name] = entry.is_symlink()
    return found


def default_tei_dir() -> tuple[Path, str]:
    """``./tei`` when it exists, else the edition bundled with the package; and a line saying which.

    Falling back silently would let a user believe their own files had been read: the line says
    which folder is used and, where the current folder holds XML files, how to use those instead.
    """
    here = Path("tei")
    if here.is_dir():
        return here, "using the corpus in ./tei (name a folder to use another)"
    bundled = resource_dir("tei")
    line = f"no ./tei folder here; using the edition bundled with teikit ({bundled})"
    try:
        own = sorted(n for n in os.listdir(".") if n.endswith(".xml"))
    except OSError:
        own = []
    if own:
        line += (f"; the XML files here ({', '.join(own[:3])}{', …' if len(own) > 3 else ''}) were not read: "
                 "name them, or this folder (.), to use them")
    return bundled, line


@dataclass
class Corpus:
    """A folder of TEI documents and their register."""

    root: Path
    document_paths: list[Path]
    register_path: Path | None
    notice: str | None = None  # set when no folder was named: which one was used, in one line

    @classmethod
    def discover(cls, path: Path | None = None) -> Corpus:
        """Find the documents below ``path`` (a folder, or a single file)."""
        notice = None
        if path is None:
            path, notice = default_tei_dir()
        if not path.exists():
            raise Unreadable("no such file or directory", path=str(path), rule="unreadable")
        if path.is_file():
            reg = path.parent / REGISTER_FILE
            docs = [] if path.name == REGISTER_FILE else [path]
            return cls(path.parent, docs, reg if reg.is_file() else None)
        found = _xml_files(path)
        docs = sorted(p for p in found if p.name != REGISTER_FILE)
        reg = path / REGISTER_FILE
        if not docs:
            raise UsageProblem("no TEI documents (*.xml) in this folder", path=str(path))
        root = path.resolve()
        for p in [*docs, *([reg] if reg.is_file() else [])]:
            # A corpus shared as files may carry symbolic links; none may lead outside it.  Linked
            # folders are not walked, so only a linked file needs resolving (a no-op rebuild of a
            # large corpus would otherwise spend most of its time in realpath).
            linked = found[p] if p in found else p.is_symlink()
            if linked and not p.resolve().is_relative_to(root):
                raise InvalidInput("is a link to a file outside the corpus folder; refusing to read it",
                                   path=str(p), rule="outside-corpus")
        return cls(path, docs, reg if reg.is_file() else None, notice)

    @cached_property
    def config(self) -> Config:
        """The corpus's settings (``teikit.toml``; see :mod:`teikit.config`)."""
        return load_config(self.root)

    @cached_property
    def register(self) -> Register | None:
        """The register; under the ``tei`` profile a corpus may have none (its names may point
        into the documents themselves), and then an empty one stands in."""
        if self.register_path:
            return Register.load(self.register_path)
        return None if self.config.strict else Register.empty(self.root / REGISTER_FILE)

    def load_document(self, path: Path) -> Document:
        """A document as teikit renders and cites it (under the ``tei`` profile with the passage
        IDs it lacks given in memory: :func:`teikit.ids.prepare`)."""
        tree = parse_file(path)
        require_tei(tree, str(path))
        doc = Document(path, tree)
        if not self.config.strict:
            from .ids import prepare

            prepare(doc)
        return doc

    def iter_documents(self) -> Iterator[Document]:
        for p in self.document_paths:
            yield self.load_document(p)


@dataclass
class CorpusInfo:
    """What ``teikit info`` reports."""

    documents: int = 0
    sections: int = 0
    paragraphs: int = 0
    mentions: Counter[str] = field(default_factory=Counter)
    register: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "sections": self.sections,
            "paragraphs": self.paragraphs,
            "mentions": {k: self.mentions.get(k, 0) for k in (*MENTION_KINDS, "date")},
            "register": {k: self.register.get(k, 0) for k in REGISTER_KINDS},
            "register_total": sum(self.register.values()),
        }


def corpus_info(corpus: Corpus) -> CorpusInfo:
    """Count documents, sections, paragraphs, mentions and register entries."""
    info = CorpusInfo()
    for doc in corpus.iter_documents():
        info.documents += 1
        info.sections += len(doc.sections())
        info.paragraphs += len(doc.paragraphs())
        info.mentions.update(doc.mentions())
    if corpus.register is not None:
        info.register = corpus.register.sizes()
    return info
