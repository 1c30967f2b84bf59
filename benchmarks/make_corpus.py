"""Write a synthetic corpus of N valid documents for benchmarks and scale tests.

Each document is a variant of the edition: a distinct document ID, title and CTS/URI identifiers,
and its paragraphs shuffled (with a seeded random generator, so a given N always gives the same
corpus) and renumbered p1…p31 so that the passage scheme holds.  All variants share the edition's
register.  The layout is the project's own: DEST/tei/*.xml and DEST/tei/register.xml, so that
``teikit build --tei-dir DEST/tei --out OUT`` builds it.

With ``--paragraphs P`` each document has P paragraphs instead of 31: the edition's six sections,
each filled with copies of the variant's paragraphs in turn (IDs inside a copy get a suffix, so
they stay unique; a copied ``choice`` of ``sic`` and ``corr`` becomes the
sic's text, as its corrective note points at the original), renumbered p1…pP — one long document for the size benchmark
(``bench_size.py``).

With ``--own-ids`` the paragraphs' IDs are ``para-N`` and the corpus uses the ordinary TEI profile
(numbers come from the paragraphs' places, as for an edition that brings its own IDs).

Usage: python benchmarks/make_corpus.py N DEST [--seed S] [--paragraphs P] [--own-ids]
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
EDITION = ROOT / "tei" / "deutscher-1959-khrushchev-mao.xml"
TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"tei": TEI}


def variant(source: etree._ElementTree, index: int, rng: random.Random) -> etree._ElementTree:
    tree = copy.deepcopy(source)
    root = tree.getroot()
    ident = f"deutscher-variant-{index:05d}"
    root.set(XML_ID, ident)
    for title in root.iterfind("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type='main']", NS):
        title.text = f"Khrushchev, Mao and Stalin’s Ghost (variant {index})"
    for idno in root.iterfind("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno", NS):
        kind = idno.get("type")
        if kind == "teikit":
            idno.text = ident
        elif kind == "URI":
            idno.text = f"https://teikit.example.org/{ident}/"
        elif kind == "CTS":
            idno.text = f"urn:cts:teikit:deutscher1959.khrushchevMao.variant{index:05d}"
    divs = root.findall("tei:text/tei:body/tei:div", NS)
    paras = [p for d in divs for p in d.findall("tei:p", NS)]
    sizes = [len(d.findall("tei:p", NS)) for d in divs]
    rng.shuffle(paras)
    for d in divs:
        for p in d.findall("tei:p", NS):
            d.remove(p)
    k = 0
    for d, size in zip(divs, sizes, strict=True):
        for p in paras[k:k + size]:
            d.append(p)
        k += size
    for n, p in enumerate(root.iterfind("tei:text/tei:body/tei:div/tei:p", NS), start=1):
        p.set(XML_ID, f"p{n}")
        p.set("n", str(n))
    return tree


def _unwrap(el: etree._Element, text: str) -> None:
    """Replace ``el`` by ``text`` in its parent."""
    parent, prev = el.getparent(), el.getprevious()
    joined = text + (el.tail or "")
    if prev is not None:
        prev.tail = (prev.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


def lengthen(tree: etree._ElementTree, paragraphs: int) -> etree._ElementTree:
    """The document with ``paragraphs`` paragraphs, spread over its sections as the original's are."""
    root = tree.getroot()
    divs = root.findall("tei:text/tei:body/tei:div", NS)
    originals = [(d, d.findall("tei:p", NS)) for d in divs]
    total = sum(len(ps) for _, ps in originals)
    copies = 0
    made = total
    while made < paragraphs:
        for d, ps in originals:
            for p in ps:
                if made >= paragraphs:
                    break
                twin = copy.deepcopy(p)
                copies += 1
                for el in twin.iter():
                    if el.get(XML_ID) and el is not twin:
                        el.set(XML_ID, f"{el.get(XML_ID)}-c{copies}")
                for choice in twin.xpath(".//tei:choice[tei:sic]", namespaces=NS):
                    _unwrap(choice, choice.findtext("tei:sic", "", NS))
                d.append(twin)
                made += 1
    for n, p in enumerate(root.iterfind("tei:text/tei:body/tei:div/tei:p", NS), start=1):
        p.set(XML_ID, f"p{n}")
        p.set("n", str(n))
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--seed", type=int, default=1959)
    parser.add_argument("--paragraphs", type=int, default=0, help="paragraphs per document (default: 31)")
    parser.add_argument("--own-ids", action="store_true",
                        help="paragraph IDs of the documents' own (para-N), under the ordinary TEI profile")
    args = parser.parse_args()
    out = args.dest / "tei"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "tei" / "register.xml", out / "register.xml")
    if args.own_ids:  # an ordinary edition's IDs: numbered by their place, not read from the ID
        (out / "teikit.toml").write_text('profile = "tei"\n', encoding="utf-8")
    else:
        shutil.copyfile(ROOT / "tei" / "teikit.toml", out / "teikit.toml")  # the edition's house profile
    source = etree.parse(str(EDITION))
    rng = random.Random(args.seed)
    for i in range(1, args.n + 1):
        doc = variant(source, i, rng)
        if args.paragraphs:
            doc = lengthen(doc, args.paragraphs)
        if args.own_ids:
            for p in doc.getroot().iterfind(".//tei:body/tei:div/tei:p", NS):
                p.set(XML_ID, "para-" + p.get(XML_ID, "")[1:])
        doc.write(str(out / f"deutscher-variant-{i:05d}.xml"), encoding="UTF-8",
                                      xml_declaration=True)
    print(f"wrote {args.n} documents and the register to {out}")


if __name__ == "__main__":
    main()
