"""A copy of the edition with hostile strings in every header field, register name and note, and text.

Shared by the injection tests (HTML, exports, terminal).  The strings are the ones that change how
a consumer parses its input when a writer forgets to escape them: HTML's script and comment
states, CDATA ends, both quotes, template braces, LaTeX and BibTeX specials, an RIS tag on a new
line, bidirectional overrides, and the C1 and format characters that XML allows but terminals
and JavaScript treat specially.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
# All of them together, in every place a string from the TEI can reach.
HOSTILE = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "]]>",
    "\"double' single",
    "{{constructor}}",
    "}, note = \"INJECTED\", x = {",
    "\\}\\{ @comment{ % $ # _ ~ ^ &amp;",
    "\nER  - \nTY  - JOUR",
    "\u202eevil\u202c \u2066iso\u2069",
    "\u2028\u2029",
    "\u0085\u009b31m\u0080\u009f",
    "\ufeff\u200b\u200e",
]
PAYLOAD = " ".join(HOSTILE)
# What must come back where a writer normalises XML whitespace (as XPath normalize-space does).
PAYLOAD_NORMALISED = re.sub(r"[ \t\n\r]+", " ", PAYLOAD)
DOC = "deutscher-1959-khrushchev-mao"
SECOND = "hostile-copy"
# Header text that is data with a fixed form (dates, identifiers, codes) keeps its value: a
# hostile string there is refused by validation, which test_hostile.py already covers.
FIXED = {"idno", "date", "language", "licence", "edition", "change", "geo"}


def _poison(root: etree._Element, where: str, payload: str) -> int:
    """Append ``payload`` to every non-blank text node under ``where``; returns how many."""
    count = 0
    for scope in root.xpath(where, namespaces={"tei": TEI_NS}):
        for el in scope.iter():
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            if local in FIXED or any(etree.QName(a).localname in FIXED for a in el.iterancestors()):
                continue
            if el.text and el.text.strip():
                el.text = el.text + " " + payload
                count += 1
    return count


def hostile_edition(source: Path, target: Path, payload: str = PAYLOAD) -> Path:
    """Copy the edition in ``source`` to ``target`` with ``payload`` in every header text field, every
    register name and note, the front matter and every paragraph of the text; returns ``target``.  The same with an
    empty payload is the control: the same corpus, with the same structure, and nothing hostile."""
    target.mkdir(parents=True)
    document = etree.parse(str(source / f"{DOC}.xml"))
    root = document.getroot()
    assert _poison(root, "tei:teiHeader", payload) > 10
    assert _poison(root, "tei:text/tei:front", payload) >= 3
    # The text: the end of each paragraph (the passage text changes, which the manifest reports
    # as a warning; build goes on).
    paragraphs = root.xpath("tei:text/tei:body//tei:p", namespaces={"tei": TEI_NS})
    for p in paragraphs:
        last = p[-1] if len(p) else None
        if last is not None:
            last.tail = (last.tail or "") + " " + payload
        else:
            p.text = (p.text or "") + " " + payload
    document.write(str(target / f"{DOC}.xml"), encoding="UTF-8", xml_declaration=True)
    # A second document, so that the site index (written for more than one) is built too.
    text = (target / f"{DOC}.xml").read_text(encoding="utf-8")
    (target / f"{SECOND}.xml").write_text(text.replace(DOC, SECOND).replace("teikit-en1", "teikit-en2"),
                                          encoding="utf-8")
    register = etree.parse(str(source / "register.xml"))
    assert _poison(register.getroot(), "tei:standOff", payload) > 50
    register.write(str(target / "register.xml"), encoding="UTF-8", xml_declaration=True)
    (target / "teikit.toml").write_bytes((source / "teikit.toml").read_bytes())  # the edition's house profile
    # No manifest: the poisoned text is not the published text (a warning, not an error).
    return target
