"""Per-module tests of the stylesheets on tiny TEI snippets, without building a whole edition."""

from __future__ import annotations

from functools import cache

import pytest
from lxml import etree

from conftest import ROOT
from teikit import transform

XSLT = ROOT / "xslt"
TEI = "http://www.tei-c.org/ns/1.0"
REGISTER = f"""<TEI xmlns="{TEI}"><standOff>
  <listPerson>
    <person xml:id="x"><persName type="preferred">Xavier Example</persName><persName type="variant">X</persName>
      <birth when="1900-05-01"/><death when="1970"/><idno type="wikidata">Q42</idno></person>
  </listPerson>
  <listPlace><place xml:id="pl"><placeName type="preferred">Placeville</placeName></place></listPlace>
  <listOrg><org xml:id="o"><orgName type="preferred">The Org</orgName></org></listOrg>
  <listEvent><event xml:id="ev" when="1956-02"><eventName type="preferred">The Event</eventName></event></listEvent>
</standOff></TEI>"""


@cache
def harness(modules: tuple[str, ...], body: str, method: str = "xml") -> object:
    """Compile a throwaway stylesheet that includes the given modules and runs ``body`` on /."""
    includes = "".join(f'<xsl:include href="{(XSLT / m).as_uri()}"/>' for m in modules)
    text = f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="{TEI}" xmlns:tk="urn:teikit:functions"
      xmlns="http://www.w3.org/1999/xhtml" exclude-result-prefixes="#all">
      <xsl:output method="{method}" omit-xml-declaration="yes"/>
      {includes}
      <xsl:template match="/" name="xsl:initial-template"><out>{body}</out></xsl:template>
    </xsl:stylesheet>"""
    return transform.compile_text(text)


def run(modules: tuple[str, ...], body: str, source: str, **params: object) -> etree._Element:
    doc = transform.to_xdm(etree.fromstring(source))
    register = transform.to_xdm(etree.fromstring(REGISTER))
    out = transform.run(harness(modules, body), doc, {"register": register, **params})  # type: ignore[arg-type]
    return etree.fromstring(out)


def tei_doc(body: str, head: str = "") -> str:
    return (f'<TEI xmlns="{TEI}" xml:id="d"><teiHeader/><text><body><div xml:id="s1">{head}'
            f'<p xml:id="p1">{body}</p></div></body></text></TEI>')


FUNCTIONS = ("common/functions.xsl",)


@pytest.mark.parametrize(("value", "label"), [
    ("1959-02-03", "3 February 1959"), ("1957-06", "June 1957"), ("1936", "1936")])
def test_format_iso(value: str, label: str) -> None:
    out = run(FUNCTIONS, f"<xsl:value-of select=\"tk:format-iso('{value}')\"/>", "<x/>")
    assert out.text == label


def test_life_dates_and_preferred_name() -> None:
    out = run(FUNCTIONS, "<xsl:value-of select=\"tk:targets('register.xml#x') ! "
                         "(tk:preferred-name(.) || ' ' || tk:life-dates(.))\"/>", "<x/>")
    assert out.text == "Xavier Example 1900–1970"


def test_targets_skip_unknown_ids() -> None:
    out = run(FUNCTIONS, "<xsl:value-of select=\"tk:targets('register.xml#x register.xml#nope "
                         "register.xml#o') ! @xml:id\"/>", "<x/>")
    assert out.text == "x o"


def test_document_url_adds_missing_slash() -> None:
    out = run(FUNCTIONS, "<xsl:value-of select=\"tk:document-url(/tei:TEI)\"/>", tei_doc("t"),
              **{"base-url": "https://e.org/ed"})
    assert out.text == "https://e.org/ed/d/"


HTML = ("common/functions.xsl", "html/reading.xsl")
READ = '<xsl:apply-templates select="//tei:body/tei:div" mode="reading"/>'
H = "{http://www.w3.org/1999/xhtml}"


def test_html_mention_becomes_link_to_entry() -> None:
    out = run(HTML, READ, tei_doc('Hello <persName ref="register.xml#x">X</persName>.'))
    [a] = [a for a in out.iter(f"{H}a") if "mention" in a.get("class", "")]
    assert a.get("href") == "#entry-x" and a.get("class") == "mention mention-person" and a.text == "X"


def test_html_a_nested_mention_is_one_link_holding_the_inner_one() -> None:
    src = tei_doc('<eventName ref="register.xml#ev">The <orgName ref="register.xml#o">Org</orgName> '
                  'meeting</eventName>')
    out = run(HTML, READ, src)
    ns = {"h": H[1:-1]}
    [link] = [a for a in out.iter(f"{H}a") if "mention" in a.get("class", "")]
    assert link.get("href") == "#entry-ev" and "".join(link.itertext()) == "The Org meeting"
    assert link.get("data-entries") == "ev o"  # the panel offers both, outer first
    [inner] = link.xpath("h:span[contains(@class, 'mention-org')]", namespaces=ns)
    assert inner.get("data-entries") == "o" and inner.text == "Org"
    assert not out.xpath("//h:a//h:a", namespaces=ns)


def test_html_unknown_reference_is_not_a_link() -> None:
    out = run(HTML, READ, tei_doc('<persName ref="register.xml#ghost">G</persName>'))
    assert [a for a in out.iter(f"{H}a") if "mention" in a.get("class", "")] == []
    assert out.xpath("//h:span[@class='mention mention-unknown']", namespaces={"h": H[1:-1]})


def test_html_dates_foreign_said_and_permalink() -> None:
    src = tei_doc('<date when="1959-02-03">3 February</date> <foreign xml:lang="fr">mot</foreign> '
                  '<said who="register.xml#x">‘Yes’</said>')
    out = run(HTML, READ, src)
    ns = {"h": H[1:-1]}
    assert out.xpath("string(//h:time/@datetime)", namespaces=ns) == "1959-02-03"
    assert out.xpath("string(//h:i[@lang='fr'])", namespaces=ns) == "mot"
    assert out.xpath("string(//h:a[@class='date']/@href)", namespaces=ns) == "#date-1959-02-03_"
    said = out.xpath("//h:span[@class='said']", namespaces=ns)[0]
    assert said.get("data-speaker") == "Xavier Example" and said.text == "‘Yes’"
    link = out.xpath("//h:p[@id='p1']/h:a[@class='permalink']", namespaces=ns)[0]
    assert link.get("href") == "#p1" and link.get("data-n") == "1" and not link.text


def test_html_untitled_section_gets_hidden_heading_and_titled_gets_head() -> None:
    ns = {"h": H[1:-1]}
    out = run(HTML, READ, tei_doc("t"))
    assert out.xpath("string(//h:h2/h:span[@class='visually-hidden'])", namespaces=ns) == "Section 1"
    out = run(HTML, READ, tei_doc("t", head='<head rend="run-in">A Head</head>'))
    assert out.xpath("string(//h:h2)", namespaces=ns) == "A Head"


TEXT = ("common/functions.xsl", "common/flow.xsl", "text/reading.xsl")


def test_text_flow_keeps_characters_and_joins_run_in_head() -> None:
    out = run(TEXT, "<xsl:value-of select=\"tk:flow(//tei:head) || ': ' || tk:flow(//tei:p)\"/>",
              tei_doc('‘<soCalled>q</soCalled>’ – <persName ref="register.xml#x">X</persName>…',
                      head="<head>Run–in</head>"))
    assert out.text == "Run–in: ‘q’ – X…"


def test_text_wrap_is_greedy_and_keeps_long_words() -> None:
    body = "<xsl:value-of select=\"tk:wrap('aa bb cc dddddddddd e')\"/>"
    out = run(TEXT, body, "<x/>", width=5)
    assert out.text == "aa bb\ncc\ndddddddddd\ne"
    out = run(TEXT, body, "<x/>", width=0)
    assert out.text == "aa bb cc dddddddddd e"


def test_catalogue_record() -> None:
    out = run(("common/functions.xsl", "site/catalogue.xsl"), '<xsl:apply-templates select="/" mode="catalogue"/>',
              f'<TEI xmlns="{TEI}" xml:id="d"><teiHeader><fileDesc><titleStmt><title>T</title>'
              f'<author>A</author></titleStmt><editionStmt><edition n="2.0.0"/></editionStmt></fileDesc>'
              f'</teiHeader><text><body><div><p/><p/></div></body></text></TEI>')
    [record] = out
    assert dict(record.attrib) == {"id": "d", "title": "T", "author": "A", "journal": "", "date": "",
                                   "version": "2.0.0", "paragraphs": "2", "edition-of": ""}
    out = run(("common/functions.xsl", "site/catalogue.xsl"), '<xsl:apply-templates select="/" mode="catalogue"/>',
              f'<TEI xmlns="{TEI}" xml:id="d"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
              f'<publicationStmt><publisher> Letters  Project </publisher></publicationStmt></fileDesc>'
              f'</teiHeader><text><body><div><p/></div></body></text></TEI>')
    assert out[0].get("edition-of") == "Letters Project"


def test_entry_summaries_made_beforehand_are_what_each_page_would_make() -> None:
    """The build passes the register's entry summaries in (made once per process); a page must
    come out byte for byte as it does when html.xsl makes them itself."""
    from conftest import TEI_DIR
    from teikit.formats.html import entry_summaries as _entry_summaries
    from teikit.load import Corpus

    corpus = Corpus.discover(TEI_DIR)
    assert corpus.register is not None
    doc = corpus.load_document(corpus.document_paths[0])
    params: dict[str, object] = {"register": corpus.register.xdm()}
    summaries = _entry_summaries(corpus.register)
    assert len(etree.fromstring(str(summaries)).findall("{http://www.w3.org/1999/xhtml}summary")) == \
        len(corpus.register.entries)
    page = transform.compiled("html.xsl")
    made_here = transform.run(page, doc.xdm(), params)
    copied = transform.run(page, doc.xdm(), {**params, "entry-summaries": summaries})
    assert copied == made_here and made_here.count('class="entry-summary"') > 40
