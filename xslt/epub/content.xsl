<?xml version="1.0" encoding="UTF-8"?>
<!--
  The EPUB's content documents (XHTML): the text (title page, sections, paragraphs) and the back
  matter (notes, the register's entries, the chronology).  Every paragraph keeps its passage ID as
  its id and shows its ¶ number; a note marker is an EPUB noteref to its endnote, which links back;
  a mention links to its register entry, which links back to every mention; a date links to its
  line of the chronology, which links back.  Reading systems follow these links both ways.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:epub="http://www.idpf.org/2007/ops"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:param name="part" as="xs:string" select="'text'"/>

  <xsl:mode name="epub" on-no-match="shallow-skip"/>

  <xsl:variable name="tk:mentions" as="xs:QName*"
    select="(QName('http://www.tei-c.org/ns/1.0', 'persName'), QName('http://www.tei-c.org/ns/1.0', 'placeName'),
             QName('http://www.tei-c.org/ns/1.0', 'orgName'), QName('http://www.tei-c.org/ns/1.0', 'eventName'))"/>

  <xsl:template match="/" as="document-node()">
    <xsl:document>
      <xsl:choose>
        <xsl:when test="$part = 'text'"><xsl:apply-templates select="tei:TEI" mode="epub-text"/></xsl:when>
        <xsl:when test="$part = 'back'"><xsl:apply-templates select="tei:TEI" mode="epub-back"/></xsl:when>
        <xsl:when test="$part = 'nav'"><xsl:apply-templates select="tei:TEI" mode="epub-nav"/></xsl:when>
        <xsl:otherwise><xsl:apply-templates select="tei:TEI" mode="epub-opf"/></xsl:otherwise>
      </xsl:choose>
    </xsl:document>
  </xsl:template>

  <xsl:mode name="epub-text" on-no-match="fail"/>
  <xsl:mode name="epub-back" on-no-match="fail"/>

  <xsl:template name="tk:xhtml" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="body" as="element()*"/>
    <html xml:lang="{($tei/@xml:lang, 'en')[1]}" lang="{($tei/@xml:lang, 'en')[1]}">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:value-of select="$title"/></title>
        <link rel="stylesheet" type="text/css" href="edition.css"/>
      </head>
      <body><xsl:sequence select="$body"/></body>
    </html>
  </xsl:template>

  <xsl:template match="tei:TEI" mode="epub-text" as="element()">
    <xsl:variable name="header" as="element(tei:teiHeader)" select="tei:teiHeader"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:call-template name="tk:xhtml">
      <xsl:with-param name="tei" select="."/>
      <xsl:with-param name="title" select="tk:title(.)"/>
      <xsl:with-param name="body" as="element()*">
        <section epub:type="titlepage" class="titlepage" aria-labelledby="title">
          <h1 id="title"><xsl:value-of select="tk:title(.)"/></h1>
          <p class="byline"><xsl:value-of select="$header/tei:fileDesc/tei:titleStmt/tei:author ! normalize-space(.)" separator=", "/></p>
          <xsl:if test="$source">
            <p class="source">First published in <cite><xsl:value-of select="normalize-space(($source/tei:monogr/tei:title)[1])"/></cite><xsl:value-of
              select="$source/tei:monogr/tei:imprint/tei:date/@when ! (', ' || tk:format-iso(.))"/>.</p>
          </xsl:if>
          <p class="edition">A TEI digital edition, version <xsl:value-of select="$header/tei:fileDesc/tei:editionStmt/tei:edition/@n"/>:
            <a href="{tk:document-url(.)}"><xsl:value-of select="tk:document-url(.)"/></a>. Paragraphs are numbered (¶) as in
            the edition; cite them by number.</p>
        </section>
        <xsl:if test="not($house) and tei:text/tei:front">
          <section epub:type="frontmatter" class="front" aria-label="Front matter">
            <xsl:apply-templates select="tei:text/tei:front/*" mode="epub"/>
          </section>
        </xsl:if>
        <section epub:type="bodymatter" aria-label="Text">
          <xsl:apply-templates select="tei:text/tei:body/*" mode="epub"/>
        </section>
        <xsl:if test="not($house) and tei:text/tei:back">
          <section epub:type="backmatter" class="back" aria-label="Back matter">
            <xsl:apply-templates select="tei:text/tei:back/*" mode="epub"/>
          </section>
        </xsl:if>
        <xsl:variable name="footnotes" as="element(tei:note)*" select="tk:footnotes(.)"/>
        <xsl:if test="exists($footnotes)">
          <section epub:type="footnotes" aria-label="Notes">
            <xsl:for-each select="$footnotes">
              <aside epub:type="footnote" role="doc-footnote" id="fn{position()}">
                <p><a href="#fnref{position()}"><xsl:value-of select="position()"/></a>. <xsl:apply-templates mode="epub"/></p>
              </aside>
            </xsl:for-each>
          </section>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:div" mode="epub" as="element()">
    <section id="{(@xml:id, generate-id())[1]}" class="section">
      <xsl:element name="{'h' || min((count(ancestor::tei:div) + 2, 6))}" namespace="http://www.w3.org/1999/xhtml">
        <xsl:choose>
          <xsl:when test="tei:head"><xsl:apply-templates select="tei:head[1]/node()" mode="epub"/></xsl:when>
          <xsl:otherwise><xsl:attribute name="class" select="'untitled'"/><xsl:value-of select="tk:section-label(.)"/></xsl:otherwise>
        </xsl:choose>
      </xsl:element>
      <xsl:apply-templates select="* except tei:head[1]" mode="epub"/>
    </section>
  </xsl:template>

  <!-- A passage's ¶ number, before its first word (common/blocks.xsl gives it its place). -->
  <xsl:template name="tk:passage-marker" as="element()">
    <span class="pnum" aria-label="Paragraph {tk:paragraph-number(.)}">¶<xsl:value-of select="tk:paragraph-number(.)"/> </span>
  </xsl:template>

  <!-- A note of the text: a noteref to its footnote at the end of the text document. -->
  <xsl:template match="tei:note[not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]" mode="epub" as="element()">
    <xsl:variable name="n" as="xs:integer" select="tk:footnote-number(.)"/>
    <a epub:type="noteref" role="doc-noteref" id="fnref{$n}" href="#fn{$n}" class="noteref"><xsl:value-of select="$n"/></a>
  </xsl:template>

  <xsl:template match="text()" mode="epub" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="tei:corr | tei:reg | tei:expan" mode="epub" as="empty-sequence()"/>

  <!-- A mention links to its entry in the back matter; one inside another is part of the outer link. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:eventName" mode="epub" as="node()*">
    <xsl:variable name="target" as="element()?" select="tk:targets(@ref)[1]"/>
    <xsl:choose>
      <xsl:when test="empty($target) or ancestor::*[node-name(.) = $tk:mentions] or not(ancestor::tei:body)">
        <xsl:apply-templates mode="epub"/>
      </xsl:when>
      <xsl:otherwise>
        <a id="{tk:epub-mention-id(.)}" href="back.xhtml#entry-{$target/@xml:id}"><xsl:apply-templates mode="epub"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="tk:epub-mention-id" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="p" as="element()?" select="$el/ancestor::tei:p[1]"/>
    <!-- Inside the paragraph (not the preceding axis, which walks the whole document per mention). -->
    <xsl:sequence select="'m-' || ($p/@xml:id, 'x')[1] || '-' || (count($p//*[node-name(.) = $tk:mentions][. &lt;&lt; $el] except $el/ancestor::*) + 1)"/>
  </xsl:function>

  <xsl:template match="tei:date" mode="epub" as="element()">
    <xsl:choose>
      <xsl:when test="ancestor::*[node-name(.) = $tk:mentions] or not(ancestor::tei:body) or not(@when or @from)">
        <time><xsl:apply-templates mode="epub"/></time>
      </xsl:when>
      <xsl:otherwise>
        <a id="{tk:epub-date-id(.)}" href="back.xhtml#{tk:chronology-id(.)}"><time datetime="{(@when, @from)[1]}"><xsl:apply-templates mode="epub"/></time></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="tk:epub-date-id" as="xs:string">
    <xsl:param name="el" as="element(tei:date)"/>
    <xsl:sequence select="'d-' || ($el/ancestor::tei:p[1]/@xml:id, 'x')[1] || '-' || (count($el/ancestor::tei:p[1]//tei:date[. &lt;&lt; $el] except $el/ancestor::*) + 1)"/>
  </xsl:function>

  <xsl:template match="tei:foreign" mode="epub" as="element()">
    <i xml:lang="{@xml:lang}" lang="{@xml:lang}"><xsl:apply-templates mode="epub"/></i>
  </xsl:template>
  <xsl:template match="tei:title" mode="epub" as="element()">
    <cite><xsl:apply-templates mode="epub"/></cite>
  </xsl:template>
  <xsl:template match="tei:choice" mode="epub" as="node()*">
    <xsl:apply-templates select="tei:sic/node() | tei:orig/node() | tei:abbr/node()" mode="epub"/>
  </xsl:template>
  <xsl:template match="tei:seg | tei:said | tei:quote | tei:q | tei:soCalled | tei:roleName | tei:forename | tei:surname"
    mode="epub" as="node()*">
    <xsl:apply-templates mode="epub"/>
  </xsl:template>

  <!-- A note marker after the words a note explains: a noteref to the endnote. -->
  <xsl:template match="tei:body//*[@xml:id][exists(key('tk:notes-by-target', @xml:id))]" mode="epub" priority="10" as="node()*">
    <xsl:next-match/>
    <xsl:variable name="at" as="xs:string" select="@xml:id"/>
    <xsl:for-each select="key('tk:notes-by-target', @xml:id)">
      <a epub:type="noteref" role="doc-noteref" id="ref-{@xml:id}-{$at}" href="back.xhtml#{@xml:id}" class="noteref"><xsl:value-of select="tk:note-number(.)"/></a>
    </xsl:for-each>
  </xsl:template>

  <!-- The back matter: the notes, then the register's entries the text mentions, then the chronology. -->
  <xsl:template match="tei:TEI" mode="epub-back" as="element()">
    <xsl:variable name="tei" as="element(tei:TEI)" select="."/>
    <xsl:variable name="mentions" as="element()*" select="tei:text/tei:body//*[node-name(.) = $tk:mentions][@ref]
      [not(ancestor::*[node-name(.) = $tk:mentions])][exists(tk:targets(@ref))]"/>
    <!-- Grouped, not map:merge(…, 'combine'), which appends one mention at a time to an immutable
         sequence (the square of an entry's mentions). -->
    <xsl:variable name="by-entry" as="map(xs:string, element()*)">
      <xsl:map>
        <xsl:for-each-group select="$mentions" group-by="string(tk:targets(@ref)[1]/@xml:id)">
          <xsl:map-entry key="current-grouping-key()" select="current-group()"/>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="notes" as="element(tei:note)*" select="tk:notes-in-order(.)"/>
    <xsl:call-template name="tk:xhtml">
      <xsl:with-param name="tei" select="."/>
      <xsl:with-param name="title" select="'Notes, register and chronology'"/>
      <xsl:with-param name="body" as="element()*">
        <xsl:if test="exists($notes)">
          <section epub:type="endnotes" role="doc-endnotes" aria-labelledby="notes">
            <h2 id="notes">Notes</h2>
            <ol>
              <xsl:for-each select="$notes">
                <xsl:variable name="note" as="element(tei:note)" select="."/>
                <li id="{@xml:id}" epub:type="endnote">
                  <p><xsl:value-of select="tk:flow(.)"/>
                    <xsl:for-each select="tokenize(normalize-space(@target), ' ') ! substring-after(., '#')
                      [let $id := . return exists($tei/tei:text/tei:body//*[@xml:id = $id])]">
                      <xsl:text> </xsl:text><a href="text.xhtml#ref-{$note/@xml:id}-{.}" role="doc-backlink">Back to the text</a>
                    </xsl:for-each></p>
                </li>
              </xsl:for-each>
            </ol>
          </section>
        </xsl:if>
        <section epub:type="index" role="doc-index" aria-labelledby="register">
          <h2 id="register">Register</h2>
          <xsl:for-each select="('person', 'place', 'org', 'event')">
            <xsl:variable name="kind" as="xs:string" select="."/>
            <xsl:variable name="entries" as="element()*" select="$tk:entries[local-name() = $kind][map:contains($by-entry, string(@xml:id))]"/>
            <xsl:if test="exists($entries)">
              <h3><xsl:value-of select="map{'person': 'Persons', 'place': 'Places', 'org': 'Organisations', 'event': 'Events'}($kind)"/></h3>
              <ul>
                <xsl:for-each select="$entries">
                  <xsl:sort select="lower-case(tk:preferred-name(.))" lang="en"/>
                  <li id="entry-{@xml:id}"><strong><xsl:value-of select="tk:preferred-name(.)"/></strong>
                    <xsl:value-of select="tk:life-dates(.) ! (' (' || . || ')')"/>. Mentioned in
                    <xsl:for-each select="$by-entry(string(@xml:id))">
                      <xsl:if test="position() gt 1">, </xsl:if>
                      <a href="text.xhtml#{tk:epub-mention-id(.)}">¶<xsl:value-of select="ancestor::tei:p[1] ! tk:paragraph-number(.)"/></a>
                    </xsl:for-each>.</li>
                </xsl:for-each>
              </ul>
            </xsl:if>
          </xsl:for-each>
        </section>
        <xsl:variable name="dates" as="element(tei:date)*" select="tei:text/tei:body//tei:date[@when or @from]
          [not(ancestor::*[node-name(.) = $tk:mentions])]"/>
        <xsl:if test="exists($dates)">
          <section aria-labelledby="chronology">
            <h2 id="chronology">Chronology</h2>
            <ul>
              <xsl:for-each-group select="$dates" group-by="tk:chronology-id(.)">
                <xsl:sort select="tk:date-key(.)"/>
                <li id="{current-grouping-key()}"><xsl:value-of select="tk:date-label(.)"/>:
                  <xsl:for-each select="current-group()">
                    <xsl:if test="position() gt 1">, </xsl:if>
                    <a href="text.xhtml#{tk:epub-date-id(.)}">¶<xsl:value-of select="ancestor::tei:p[1] ! tk:paragraph-number(.)"/></a>
                  </xsl:for-each></li>
              </xsl:for-each-group>
            </ul>
          </section>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
