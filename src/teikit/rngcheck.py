"""A RELAX NG checker that names the culprit: derivatives over a simplified grammar.

libxml2 validates fast but explains badly: one misplaced element yields a cascade of messages about
its ancestors and neighbours, some at other lines, few naming it.  This module walks the document
once with James Clark's derivative algorithm ("An algorithm for RELAX NG validation", 2002) over the
same grammar, and at the first event the grammar cannot take (a start tag, an attribute, a value,
text, an end tag) it reports that event, at its place, with what the grammar expected there; then
it recovers as a person would read the mistake (skip the element, ignore the attribute or text,
take the element as complete) and goes on, so each mistake is reported once and nothing else is.

It runs only when libxml2 has already said the document is invalid: a valid document never pays
for it.  Datatypes are checked by libxml2 itself (a one-element grammar per datatype, compiled once),
so both agree on what a value is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

RNG_NS = "http://relaxng.org/ns/structure/1.0"
_XSD = "http://www.w3.org/2001/XMLSchema-datatypes"


# ------------------------------------------------------------------------------------ patterns

class Pattern:
    """A pattern node, interned: equal patterns are one object, so identity is equality and the
    derivative caches hash in constant time."""

    __slots__ = ("__weakref__", "a", "b", "kind", "nullable")

    def __init__(self, kind: str, a: Any = None, b: Any = None) -> None:
        # a, b: child patterns, or a name class and a define key (element), a datatype, a value
        self.kind: str = kind
        self.a: Any = a
        self.b: Any = b
        self.nullable = False

    def __repr__(self) -> str:  # for debugging only
        return f"{self.kind}({self.a!r}, {self.b!r})" if self.b is not None else f"{self.kind}({self.a!r})"


@dataclass(frozen=True)
class NameClass:
    """``name`` (ns, local), ``any`` (except), ``ns`` (ns, except) or ``choice`` (a, b)."""

    kind: str
    ns: str | None = None
    local: str | None = None
    a: NameClass | None = None
    b: NameClass | None = None

    def contains(self, ns: str, local: str) -> bool:
        if self.kind == "name":
            return self.ns == ns and self.local == local
        if self.kind == "any":
            return self.a is None or not self.a.contains(ns, local)
        if self.kind == "ns":
            return self.ns == ns and (self.a is None or not self.a.contains(ns, local))
        assert self.a is not None and self.b is not None
        return self.a.contains(ns, local) or self.b.contains(ns, local)

    def names(self) -> list[tuple[str, str]]:
        """The (ns, local) names it lists (none for a wildcard)."""
        if self.kind == "name":
            assert self.ns is not None and self.local is not None
            return [(self.ns, self.local)]
        if self.kind == "choice":
            assert self.a is not None and self.b is not None
            return self.a.names() + self.b.names()
        return []


class Grammar:
    """A simplified RELAX NG grammar (``jing -s`` output, or any grammar without ``include``,
    ``externalRef`` or nested grammars) compiled into interned patterns."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self._interned: dict[tuple[str, object, object], Pattern] = {}
        self.empty = self._make("empty")
        self.empty.nullable = True
        self.not_allowed = self._make("notAllowed")
        self.text = self._make("text")
        self.text.nullable = True
        root = tree.getroot()
        unsupported = [el for el in root.iter() if isinstance(el.tag, str) and (
            etree.QName(el).localname in ("include", "externalRef", "parentRef") or el.get("combine")
            or (etree.QName(el).localname == "grammar" and el is not root))]
        if unsupported:
            raise ValueError(f"not a simplified grammar: <{etree.QName(unsupported[0]).localname}>")
        self._defines = {d.get("name"): d for d in root.iter(f"{{{RNG_NS}}}define")}
        # Attributes of datatype ID, whose values must also be unique in a document (as libxml2,
        # following RELAX NG DTD compatibility, checks).
        self.id_attributes = {
            (a.get("ns", ""), a.get("name", "").strip()) for a in root.iter(f"{{{RNG_NS}}}attribute")
            if a.get("name") and any(d.get("type") == "ID" for d in a.iter(f"{{{RNG_NS}}}data"))}
        self._content: dict[str, Pattern] = {}
        self._building: dict[str, Pattern] = {}
        start = root.find(f"{{{RNG_NS}}}start")
        if start is None:
            raise ValueError("grammar without start")
        self.start = self._seq([c for c in start if isinstance(c.tag, str)], "")
        self._cache: dict[tuple[object, ...], Pattern] = {}

    # -- construction (with the algorithm's simplifications, so patterns stay small)
    def _make(self, kind: str, a: Any = None, b: Any = None) -> Pattern:
        key = (kind, id(a) if isinstance(a, Pattern) else a, id(b) if isinstance(b, Pattern) else b)
        found = self._interned.get(key)
        if found is None:
            found = self._interned[key] = Pattern(kind, a, b)
            if kind == "choice":
                found.nullable = a.nullable or b.nullable
            elif kind in ("group", "interleave"):
                found.nullable = a.nullable and b.nullable
            elif kind == "oneOrMore":
                found.nullable = a.nullable
        return found

    def choice(self, a: Pattern, b: Pattern) -> Pattern:
        if a is self.not_allowed:
            return b
        if b is self.not_allowed or a is b:
            return a
        if b is self.empty and a.nullable:
            return a
        if a is self.empty and b.nullable:
            return b
        return self._make("choice", a, b)

    def group(self, a: Pattern, b: Pattern) -> Pattern:
        return self._both("group", a, b)

    def interleave(self, a: Pattern, b: Pattern) -> Pattern:
        return self._both("interleave", a, b)

    def _both(self, kind: str, a: Pattern, b: Pattern) -> Pattern:
        """A group or an interleave, simplified: nothing matches if a part cannot, an empty part
        adds nothing."""
        if a is self.not_allowed or b is self.not_allowed:
            return self.not_allowed
        if a is self.empty:
            return b
        if b is self.empty:
            return a
        return self._make(kind, a, b)

    def after(self, a: Pattern, b: Pattern) -> Pattern:
        if a is self.not_allowed or b is self.not_allowed:
            return self.not_allowed
        return self._make("after", a, b)

    def one_or_more(self, a: Pattern) -> Pattern:
        if a is self.not_allowed:
            return a
        return self._make("oneOrMore", a)

    def _name_class(self, el: etree._Element, ns: str) -> NameClass:
        kind = etree.QName(el).localname
        if kind == "name":
            return NameClass("name", el.get("ns", ns), (el.text or "").strip())
        if kind in ("anyName", "nsName"):
            exc = el.find(f"{{{RNG_NS}}}except")
            excepted = None
            if exc is not None:
                parts = [self._name_class(c, ns) for c in exc if isinstance(c.tag, str)]
                excepted = parts[0]
                for p in parts[1:]:
                    excepted = NameClass("choice", a=excepted, b=p)
            return NameClass("any", a=excepted) if kind == "anyName" else NameClass("ns", el.get("ns", ns), a=excepted)
        if kind == "choice":
            parts = [self._name_class(c, ns) for c in el if isinstance(c.tag, str)]
            out = parts[0]
            for p in parts[1:]:
                out = NameClass("choice", a=out, b=p)
            return out
        raise ValueError(f"not a name class: {kind}")

    def _named(self, el: etree._Element, ns: str) -> tuple[NameClass, list[etree._Element]]:
        """An element or attribute pattern's name class and its content patterns."""
        ns = _inherited_ns(el) if ns == "" else ns
        if el.get("name") is not None:
            default_ns = "" if etree.QName(el).localname == "attribute" else ns
            nc = NameClass("name", el.get("ns", default_ns), el.get("name", "").strip())
            return nc, [c for c in el if isinstance(c.tag, str)]
        kids = [c for c in el if isinstance(c.tag, str)]
        return self._name_class(kids[0], ns), kids[1:]

    def _seq(self, els: list[etree._Element], ns: str) -> Pattern:
        out = self.empty
        for c in els:
            out = self.group(out, self._compile(c, ns))
        return out

    def _compile(self, el: etree._Element, ns: str) -> Pattern:
        kind = etree.QName(el).localname
        ns = el.get("ns", ns)
        kids = [c for c in el if isinstance(c.tag, str)]
        if kind == "empty":
            return self.empty
        if kind == "notAllowed":
            return self.not_allowed
        if kind == "text":
            return self.text
        if kind == "ref":
            return self._ref(el.get("name", ""))
        if kind == "element":
            nc, content = self._named(el, ns)
            key = f"#anon{id(el)}"
            self._defines[key] = el
            return self._make("element", nc, key)
        if kind == "attribute":
            nc, content = self._named(el, ns)
            return self._make("attribute", nc, self._seq(content, ns) if content else self.text)
        if kind == "group":
            return self._seq(kids, ns)
        if kind == "interleave":
            out = self.empty
            for c in kids:
                out = self.interleave(out, self._compile(c, ns))
            return out
        if kind == "choice":
            out = self.not_allowed
            for c in kids:
                out = self.choice(out, self._compile(c, ns))
            return out
        if kind == "optional":
            return self.choice(self._seq(kids, ns), self.empty)
        if kind == "zeroOrMore":
            return self.choice(self.one_or_more(self._seq(kids, ns)), self.empty)
        if kind == "oneOrMore":
            return self.one_or_more(self._seq(kids, ns))
        if kind == "mixed":
            return self.interleave(self._seq(kids, ns), self.text)
        if kind == "list":
            return self._make("list", self._seq(kids, ns))
        if kind == "data":
            params = tuple((p.get("name", ""), p.text or "") for p in kids if etree.QName(p).localname == "param")
            exc = [c for c in kids if etree.QName(c).localname == "except"]
            excepted = self._seq([c for c in exc[0] if isinstance(c.tag, str)], ns) if exc else None
            dt = (el.get("datatypeLibrary", _inherited_library(el)), el.get("type", "token"), params)
            return self._make("data", dt, excepted)
        if kind == "value":
            dt = (el.get("datatypeLibrary", _inherited_library(el)), el.get("type", "token"), ())
            return self._make("value", dt, el.text or "")
        raise ValueError(f"unsupported RELAX NG pattern <{kind}> (simplify the grammar first)")

    def _ref(self, name: str) -> Pattern:
        define = self._defines[name]
        kids = [c for c in define if isinstance(c.tag, str)]
        if len(kids) == 1 and etree.QName(kids[0]).localname == "element":
            nc, _ = self._named(kids[0], "")
            self._defines[f"#el:{name}"] = kids[0]
            return self._make("element", nc, f"#el:{name}")
        # A define that is not one element: compile it (simplified grammars have none recursive).
        if name not in self._building:
            self._building[name] = self._seq(kids, "")
        return self._building[name]

    def content(self, key: str) -> Pattern:
        """An element pattern's content (attributes and children), compiled when first needed."""
        found = self._content.get(key)
        if found is None:
            el = self._defines[key]
            _, content = self._named(el, el.get("ns", ""))
            found = self._content[key] = self._seq(content, el.get("ns", ""))
        return found

    # -- derivatives
    def start_tag_open(self, p: Pattern, ns: str, local: str) -> Pattern:
        key = ("sto", p, ns, local)
        found = self._cache.get(key)
        if found is not None:
            return found
        k = p.kind
        if k == "choice":
            r = self.choice(self.start_tag_open(p.a, ns, local), self.start_tag_open(p.b, ns, local))
        elif k == "element":
            r = self.after(self.content(p.b), self.empty) if p.a.contains(ns, local) else self.not_allowed
        elif k == "interleave":
            a, b = p.a, p.b
            r = self.choice(self._apply_after(lambda x: self.interleave(x, b), self.start_tag_open(a, ns, local)),
                            self._apply_after(lambda x: self.interleave(a, x), self.start_tag_open(b, ns, local)))
        elif k == "oneOrMore":
            again = self.choice(p, self.empty)
            r = self._apply_after(lambda x: self.group(x, again), self.start_tag_open(p.a, ns, local))
        elif k == "group":
            a, b = p.a, p.b
            x = self._apply_after(lambda y: self.group(y, b), self.start_tag_open(a, ns, local))
            r = self.choice(x, self.start_tag_open(b, ns, local)) if a.nullable else x
        elif k == "after":
            b = p.b
            r = self._apply_after(lambda y: self.after(y, b), self.start_tag_open(p.a, ns, local))
        else:
            r = self.not_allowed
        self._cache[key] = r
        return r

    def _apply_after(self, f: Callable[[Pattern], Pattern], p: Pattern) -> Pattern:
        if p.kind == "after":
            return self.after(p.a, f(p.b))
        if p.kind == "choice":
            return self.choice(self._apply_after(f, p.a), self._apply_after(f, p.b))
        return self.not_allowed

    def att(self, p: Pattern, ns: str, local: str, value: str | None) -> Pattern:
        """Past an attribute; ``value`` None takes any value (recovering from a bad one)."""
        key = ("att", p, ns, local, value)
        found = self._cache.get(key)
        if found is not None:
            return found
        k = p.kind
        if k == "after":
            r = self.after(self.att(p.a, ns, local, value), p.b)
        elif k == "choice":
            r = self.choice(self.att(p.a, ns, local, value), self.att(p.b, ns, local, value))
        elif k == "group":
            r = self.choice(self.group(self.att(p.a, ns, local, value), p.b),
                            self.group(p.a, self.att(p.b, ns, local, value)))
        elif k == "interleave":
            r = self.choice(self.interleave(self.att(p.a, ns, local, value), p.b),
                            self.interleave(p.a, self.att(p.b, ns, local, value)))
        elif k == "oneOrMore":
            r = self.group(self.att(p.a, ns, local, value), self.choice(p, self.empty))
        elif k == "attribute":
            r = self.empty if p.a.contains(ns, local) and (
                value is None or self.value_matches(p.b, value)) else self.not_allowed
        else:
            r = self.not_allowed
        self._cache[key] = r
        return r

    def value_matches(self, p: Pattern, value: str) -> bool:
        d = self.text_deriv(p, value)
        return d.nullable or (value.strip() == "" and p.nullable)

    def start_tag_close(self, p: Pattern, drop_attributes: bool = False) -> Pattern:
        """Past the start tag: attributes not given now fail (or, recovering, are forgotten)."""
        key = ("stc", p, drop_attributes)
        found = self._cache.get(key)
        if found is not None:
            return found
        k = p.kind
        if k == "after":
            r = self.after(self.start_tag_close(p.a, drop_attributes), p.b)
        elif k == "choice":
            r = self.choice(self.start_tag_close(p.a, drop_attributes), self.start_tag_close(p.b, drop_attributes))
        elif k == "group":
            r = self.group(self.start_tag_close(p.a, drop_attributes), self.start_tag_close(p.b, drop_attributes))
        elif k == "interleave":
            r = self.interleave(self.start_tag_close(p.a, drop_attributes), self.start_tag_close(p.b, drop_attributes))
        elif k == "oneOrMore":
            r = self.one_or_more(self.start_tag_close(p.a, drop_attributes))
        elif k == "attribute":
            r = self.empty if drop_attributes else self.not_allowed
        else:
            r = p
        self._cache[key] = r
        return r

    def text_deriv(self, p: Pattern, s: str) -> Pattern:
        key = ("txt", p, s)
        found = self._cache.get(key)
        if found is not None:
            return found
        k = p.kind
        if k == "choice":
            r = self.choice(self.text_deriv(p.a, s), self.text_deriv(p.b, s))
        elif k == "interleave":
            r = self.choice(self.interleave(self.text_deriv(p.a, s), p.b),
                            self.interleave(p.a, self.text_deriv(p.b, s)))
        elif k == "group":
            x = self.group(self.text_deriv(p.a, s), p.b)
            r = self.choice(x, self.text_deriv(p.b, s)) if p.a.nullable else x
        elif k == "after":
            r = self.after(self.text_deriv(p.a, s), p.b)
        elif k == "oneOrMore":
            r = self.group(self.text_deriv(p.a, s), self.choice(p, self.empty))
        elif k == "text":
            r = p
        elif k == "value":
            r = self.empty if _value_equal(p.a, p.b, s) else self.not_allowed
        elif k == "data":
            ok = _data_allows(p.a, s) and (p.b is None or not self.value_matches(p.b, s))
            r = self.empty if ok else self.not_allowed
        elif k == "list":
            q = p.a
            for word in s.split():
                q = self.text_deriv(q, word)
            r = self.empty if q.nullable else self.not_allowed
        else:
            r = self.not_allowed
        self._cache[key] = r
        return r

    def end_tag(self, p: Pattern, force: bool = False) -> Pattern:
        """Past the end tag; ``force`` takes the element as complete whatever is missing."""
        if p.kind == "after":
            return p.b if (force or p.a.nullable) else self.not_allowed
        if p.kind == "choice":
            return self.choice(self.end_tag(p.a, force), self.end_tag(p.b, force))
        return self.not_allowed

    # -- what was expected, for the messages
    def first(self, p: Pattern) -> tuple[set[tuple[str, str]], bool, bool]:
        """Element names that may come next, whether text may, and whether the content may end."""
        names: set[tuple[str, str]] = set()
        text = False
        k = p.kind
        if k == "element":
            names.update(p.a.names())
        elif k in ("data", "value", "list", "text"):
            text = True
        elif k in ("choice", "interleave"):
            for q in (p.a, p.b):
                n, t, _ = self.first(q)
                names |= n
                text = text or t
        elif k == "group":
            n, t, _ = self.first(p.a)
            names |= n
            text = t
            if p.a.nullable:
                n, t, _ = self.first(p.b)
                names |= n
                text = text or t
        elif k in ("oneOrMore",):
            return self.first(p.a)
        elif k == "after":
            n, t, _ = self.first(p.a)
            return n, t, p.a.nullable
        return names, text, p.nullable

    def mentioned(self, p: Pattern, seen: set[int] | None = None) -> set[tuple[str, str]]:
        """Every element name the pattern mentions at its own level (not inside its elements)."""
        seen = seen if seen is not None else set()
        if id(p) in seen:
            return set()
        seen.add(id(p))
        if p.kind == "element":
            return set(p.a.names())
        out: set[tuple[str, str]] = set()
        for q in (p.a, p.b):
            if isinstance(q, Pattern):
                out |= self.mentioned(q, seen)
        return out

    def attributes(self, p: Pattern, seen: set[int] | None = None) -> list[Pattern]:
        """The attribute patterns at this element's level (not inside child elements)."""
        seen = seen if seen is not None else set()
        if id(p) in seen or p.kind == "element":
            return []
        seen.add(id(p))
        if p.kind == "attribute":
            return [p]
        out: list[Pattern] = []
        for q in (p.a, p.b):
            if isinstance(q, Pattern):
                out += self.attributes(q, seen)
        return out

    def values(self, p: Pattern) -> tuple[list[str], list[str]]:
        """The literal values and the datatype names a value pattern accepts."""
        literals: list[str] = []
        types: list[str] = []
        stack = [p]
        while stack:
            q = stack.pop()
            if q.kind == "value":
                literals.append(str(q.b))
            elif q.kind == "data":
                types.append(_describe(q.a))
            elif q.kind == "text":
                types.append("text")
            elif q.kind == "list":
                types.append("a space-separated list")
            else:
                stack += [x for x in (q.b, q.a) if isinstance(x, Pattern)]
        return literals, types


# What a value of each XML Schema datatype looks like, for the messages.
_DATATYPES = {
    "date": "a date YYYY-MM-DD", "gYearMonth": "a month YYYY-MM", "gYear": "a year YYYY",
    "NCName": "a name without spaces or colons", "anyURI": "a URI", "language": "a language tag such as “en”",
    "nonNegativeInteger": "a whole number", "integer": "a whole number", "boolean": "true or false",
    "decimal": "a number", "token": "a word", "string": "text",
    "dateTime": "a date and time YYYY-MM-DDThh:mm:ss", "time": "a time hh:mm:ss",
    "gMonthDay": "a day of a month --MM-DD",
    "gMonth": "a month --MM", "gDay": "a day ---DD",
    "ID": "an identifier (letters, digits, “_”, “-” and “.”, starting with a letter or “_”)",
}


def _describe(dt: tuple[str, str, tuple[tuple[str, str], ...]]) -> str:
    _, name, params = dt
    text = _DATATYPES.get(name, f"an xsd:{name}")
    for k, v in params:
        text += f" ({k} {v})" if k != "pattern" else f" matching {v}"
    return text


def _inherited_ns(el: etree._Element) -> str:
    """The ``ns`` in scope at ``el`` (its own or its nearest ancestor's; "" where none says)."""
    for node in (el, *el.iterancestors()):
        if node.get("ns") is not None:
            return node.get("ns", "")
    return ""


def _inherited_library(el: etree._Element) -> str:
    for anc in el.iterancestors():
        lib = anc.get("datatypeLibrary")
        if lib is not None:
            return lib
    return ""


def _value_equal(dt: tuple[str, str, tuple[tuple[str, str], ...]], expected: str, value: str) -> bool:
    library, name, _ = dt
    if library == "" and name == "string":
        return value == expected
    if library == "" or name in ("token", "NCName", "NMTOKEN", "language", "anyURI", "QName", "Name", "ID", "IDREF"):
        return " ".join(value.split()) == " ".join(expected.split())
    return value == expected


@cache
def _datatype_grammar(dt: tuple[str, str, tuple[tuple[str, str], ...]]) -> etree.RelaxNG:
    library, name, params = dt
    rng = etree.Element(f"{{{RNG_NS}}}element", name="v")
    data = etree.SubElement(rng, f"{{{RNG_NS}}}data", type=name, datatypeLibrary=library)
    for k, v in params:
        etree.SubElement(data, f"{{{RNG_NS}}}param", name=k).text = v
    return etree.RelaxNG(etree.ElementTree(rng))


def _data_allows(dt: tuple[str, str, tuple[tuple[str, str], ...]], value: str) -> bool:
    if dt[0] == "" and dt[1] in ("string", "token"):
        return True
    v = etree.Element("v")
    v.text = value
    return bool(_datatype_grammar(dt).validate(etree.ElementTree(v)))


@cache
def load(path: Path) -> Grammar:
    """The grammar in ``path``, compiled once per process."""
    return Grammar(etree.parse(str(path)))


# -------------------------------------------------------------------------------------- the walk

@dataclass
class Mistake:
    """One place the grammar could not take: ``node`` (an element) and, where the mistake is an
    attribute or text, which (``attribute``: its qualified name; ``text``: the text)."""

    node: etree._Element
    rule: str
    message: str
    attribute: str | None = None
    text: str | None = None
    tail_of: etree._Element | None = None  # the text follows this child (else it opens ``node``)
    before: etree._Element | None = None  # the child the text precedes (None: the end of ``node``)


def _show(ns: str, local: str, xml_ns: str = "http://www.w3.org/XML/1998/namespace") -> str:
    return f"xml:{local}" if ns == xml_ns else local


def _names(names: set[tuple[str, str]]) -> str:
    shown = sorted(f"<{local}>" for _, local in names)
    if len(shown) > 8:
        shown = [*shown[:8], f"… ({len(names) - 8} more)"]
    return ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1] if shown else ""


def _expected(g: Grammar, p: Pattern, parent: str) -> str:
    names, text, can_end = g.first(p)
    parts = []
    if names:
        parts.append(_names(names))
    if text:
        parts.append("text")
    if can_end:
        parts.append(f"the end of <{parent}>")
    return " or ".join(parts) if parts else "nothing more"


def check(g: Grammar, root: etree._Element) -> list[Mistake]:
    """Every mistake in the tree under ``root``, in document order, each reported once."""
    found: list[Mistake] = []
    rest = _element(g, root, g.start, found, None)
    del rest
    if g.id_attributes:
        seen: dict[str, etree._Element] = {}
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for ns, local in g.id_attributes:
                value = el.get(f"{{{ns}}}{local}" if ns else local)
                if value is None:
                    continue
                value = value.strip()
                if value in seen:
                    shown = _show(ns, local)
                    first = seen[value]
                    found.append(Mistake(el, "grammar-id-duplicate",
                                         f"@{shown}=“{value}” on <{etree.QName(el).localname}> repeats the ID of the "
                                         f"<{etree.QName(first).localname}> on line {first.sourceline}: an ID names "
                                         "one element", attribute=shown))
                else:
                    seen[value] = el
    return found


def _qname(el: etree._Element) -> tuple[str, str]:
    q = etree.QName(el)
    return q.namespace or "", q.localname


def _children(el: etree._Element) -> Iterator[tuple[str, etree._Element | None, etree._Element | None]]:
    """(text, element, the child the text follows) in order: text runs merged across comments and
    processing instructions; element None for the text after the last child."""
    text = el.text or ""
    after: etree._Element | None = None
    for child in el:
        if not isinstance(child.tag, str):
            text += child.tail or ""
            continue
        yield text, child, after
        text = child.tail or ""
        after = child
    yield text, None, after


def _element(g: Grammar, el: etree._Element, p: Pattern, found: list[Mistake],
             parent: etree._Element | None) -> Pattern:
    ns, local = _qname(el)
    q = g.start_tag_open(p, ns, local)
    if q is g.not_allowed and parent is not None:
        # A required element left out before this one: report the gap, once, and read on as if
        # it were there (so the rest of the parent is not a cascade of "not allowed").
        gap = _missing_before(g, p, ns, local)
        if gap is not None:
            names, p = gap
            shown = " and ".join(f"<{n}>" for _, n in names)
            found.append(Mistake(parent, "grammar-missing-element",
                                 f"<{etree.QName(parent).localname}> lacks a required {shown} before <{local}>"))
            q = g.start_tag_open(p, ns, local)
    if q is g.not_allowed:
        where = f"in <{etree.QName(parent).localname}>" if parent is not None else "as the root element"
        allowed_later = parent is not None and (ns, local) in g.mentioned(_content_of(g, parent, p))
        expected = _expected(g, p, etree.QName(parent).localname if parent is not None else "")
        if allowed_later:
            msg = f"<{local}> is not allowed at this point {where}: expected {expected}"
        else:
            msg = f"<{local}> is not allowed {where}: expected {expected}"
        found.append(Mistake(el, "grammar-misplaced", msg))
        return p  # skipped, as if it were not there
    attribute_reported = False
    for name, value in el.attrib.items():
        name, value = str(name), str(value)
        aq = etree.QName(name)
        a_ns, a_local = aq.namespace or "", aq.localname
        q2 = g.att(q, a_ns, a_local, value)
        shown = _show(a_ns, a_local)
        if q2 is g.not_allowed:
            attribute_reported = True
            matching = [a for a in g.attributes(_strip_after(g, q)) if a.a.contains(a_ns, a_local)]
            if matching:
                literals, types = g.values(matching[0].b)
                want = []
                if literals:
                    want.append("one of " + ", ".join(f"“{v}”" for v in literals))
                if types:
                    want.append(" or ".join(dict.fromkeys(types)))
                found.append(Mistake(el, "grammar-value", f"@{shown}=“{value}” on <{local}> is not a valid value: "
                                     f"expected {' or '.join(want)}", attribute=shown))
                q2 = g.att(q, a_ns, a_local, None)  # the attribute is there, only its value is wrong
                if q2 is not g.not_allowed:
                    q = q2
            else:
                found.append(Mistake(el, "grammar-attribute", f"@{shown} is not allowed on <{local}>", attribute=shown))
            continue
        q = q2
    closed = g.start_tag_close(q)
    if closed is g.not_allowed:
        if not attribute_reported:  # an attribute already reported may be the one missing (a misspelt name)
            candidates = sorted({n for a in g.attributes(_strip_after(g, q)) for n in a.a.names()
                                 if not _present(el, n)})
            # The names that, given alone, would complete the start tag; else every name the
            # remaining choices mention (a pair such as @from and @to).
            enough = [n for n in candidates if g.start_tag_close(g.att(q, n[0], n[1], None)) is not g.not_allowed]
            missing = [_show(*n) for n in (enough or candidates)]
            what = (f"the required attribute @{missing[0]}" if len(missing) == 1 else
                    "a required attribute: one of " + ", ".join(f"@{m}" for m in missing))
            found.append(Mistake(el, "grammar-missing-attribute", f"<{local}> lacks {what}"))
        closed = g.start_tag_close(q, drop_attributes=True)
    q = closed
    has_elements = any(isinstance(c.tag, str) for c in el)
    for text, child, after in _children(el):
        if text and (not has_elements or text.strip()):
            q2 = g.text_deriv(q, text)
            if q2 is g.not_allowed:
                if text.strip():
                    words = " ".join(text.split())
                    words = words if len(words) <= 40 else words[:39] + "…"
                    if g.first(_strip_after(g, q))[1]:  # text is allowed here, but not this text
                        _, types = g.values(_strip_after(g, q))
                        msg = f"the content “{words}” of <{local}> is not a valid value"
                        if types:
                            msg += f": expected {' or '.join(dict.fromkeys(t for t in types if t != 'text'))}"
                        rule = "grammar-value"
                    else:
                        msg = f"text “{words}” is not allowed in <{local}>: expected {_expected(g, q, local)}"
                        rule = "grammar-text"
                    found.append(Mistake(el, rule, msg, text=text, tail_of=after, before=child))
            else:
                q = q2
        elif not text and not has_elements:
            q2 = g.text_deriv(q, "")
            q = g.choice(q, q2)
        if child is not None:
            q = _element(g, child, q, found, el)
    ended = g.end_tag(q)
    content_reported = any(m.rule in ("grammar-misplaced", "grammar-text", "grammar-missing-element")
                           and (m.node is el or m.node.getparent() is el) for m in found)
    if ended is g.not_allowed and content_reported:  # the content's mistake is reported: not its consequence
        ended = g.end_tag(q, force=True)
    elif ended is g.not_allowed:
        found.append(Mistake(el, "grammar-incomplete",
                             f"<{local}> ends too early: expected {_expected(g, q, local)} before its end"))
        ended = g.end_tag(q, force=True)
    return ended


def _missing_before(g: Grammar, p: Pattern, ns: str, local: str,
                    depth: int = 2) -> tuple[list[tuple[str, str]], Pattern] | None:
    """The fewest expected elements (up to ``depth``) that, had they come first, would let
    ``local`` in; with the pattern after them."""
    frontier: list[tuple[list[tuple[str, str]], Pattern]] = [([], p)]
    for _ in range(depth):
        following = []
        for path, r in frontier:
            for e_ns, e_local in sorted(g.first(_strip_after(g, r))[0]):
                r2 = g.end_tag(g.start_tag_open(r, e_ns, e_local), force=True)
                if r2 is g.not_allowed:
                    continue
                if g.start_tag_open(r2, ns, local) is not g.not_allowed:
                    return [*path, (e_ns, e_local)], r2
                following.append(([*path, (e_ns, e_local)], r2))
        frontier = following
    return None


def _present(el: etree._Element, name: tuple[str, str]) -> bool:
    ns, local = name
    return el.get(f"{{{ns}}}{local}" if ns else local) is not None


def _strip_after(g: Grammar, p: Pattern) -> Pattern:
    """The current element's own pattern inside an ``after`` (or a choice of them)."""
    if p.kind == "after":
        own: Pattern = p.a
        return own
    if p.kind == "choice":
        return g.choice(_strip_after(g, p.a), _strip_after(g, p.b))
    return p


def _content_of(g: Grammar, parent: etree._Element, p: Pattern) -> Pattern:
    """What the parent's content model allows at all (for "not allowed at this point" versus "not
    allowed here at all"): the parent's patterns, from the start of its content."""
    return _strip_after(g, p)

