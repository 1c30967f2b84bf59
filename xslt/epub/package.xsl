<?xml version="1.0" encoding="UTF-8"?>
<!--
  The EPUB's navigation document (from the sections) and package document (metadata, manifest,
  spine).  Every date in the package comes from the TEI header, never from the clock, so that two
  builds write the same bytes.  The accessibility metadata states what the package is: text only,
  with structural navigation, a table of contents, a reading order and an index.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns:epub="http://www.idpf.org/2007/ops"
  exclude-result-prefixes="#all">

  <xsl:mode name="epub-nav" on-no-match="fail"/>
  <xsl:mode name="epub-opf" on-no-match="fail"/>

  <xsl:template match="tei:TEI" mode="epub-nav" as="element()">
    <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{(@xml:lang, 'en')[1]}" lang="{(@xml:lang, 'en')[1]}">
      <head><meta charset="utf-8"/><title><xsl:value-of select="tk:title(.)"/></title></head>
      <body>
        <nav epub:type="toc" role="doc-toc" id="toc">
          <h1>Contents</h1>
          <ol>
            <li><a href="text.xhtml#title">Title page</a></li>
            <xsl:for-each select="tei:text/tei:body/tei:div">
              <li><a href="text.xhtml#{@xml:id}"><xsl:value-of select="tk:section-label(.)"/></a></li>
            </xsl:for-each>
            <xsl:if test="tei:text/tei:back//tei:note"><li><a href="back.xhtml#notes">Notes</a></li></xsl:if>
            <li><a href="back.xhtml#register">Register</a></li>
            <xsl:if test="tei:text/tei:body//tei:date[@when or @from]"><li><a href="back.xhtml#chronology">Chronology</a></li></xsl:if>
          </ol>
        </nav>
        <nav epub:type="landmarks" id="landmarks" hidden="hidden">
          <h2>Landmarks</h2>
          <ol>
            <li><a epub:type="titlepage" href="text.xhtml#title">Title page</a></li>
            <li><a epub:type="bodymatter" href="text.xhtml#{(tei:text/tei:body/tei:div/@xml:id, 'title')[1]}">Text</a></li>
            <li><a epub:type="index" href="back.xhtml#register">Register</a></li>
          </ol>
        </nav>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="tei:TEI" mode="epub-opf" as="element()">
    <xsl:variable name="header" as="element(tei:teiHeader)" select="tei:teiHeader"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:variable name="changed" as="xs:string" select="tk:last-change($header)"/>
    <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="{(@xml:lang, 'en')[1]}">
      <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
        <dc:identifier id="uid"><xsl:value-of select="tk:document-url(.)"/></dc:identifier>
        <dc:title><xsl:value-of select="tk:title(.)"/></dc:title>
        <xsl:for-each select="$header/tei:fileDesc/tei:titleStmt/tei:author[normalize-space(.)]">
          <dc:creator id="creator{position()}"><xsl:value-of select="normalize-space(.)"/></dc:creator>
          <meta refines="#creator{position()}" property="role" scheme="marc:relators">aut</meta>
        </xsl:for-each>
        <dc:language><xsl:value-of select="(@xml:lang, 'en')[1]"/></dc:language>
        <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:publisher[normalize-space(.)]">
          <dc:publisher><xsl:value-of select="normalize-space(.)"/></dc:publisher>
        </xsl:for-each>
        <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:date/@when[matches(., '^\d{4}(-\d{2}(-\d{2})?)?$')]">
          <dc:date><xsl:value-of select="."/></dc:date>
        </xsl:for-each>
        <xsl:for-each select="($header//tei:availability/tei:licence)[1]">
          <dc:rights><xsl:value-of select="normalize-space(.)"/><xsl:value-of select="@target ! (' ' || .)"/></dc:rights>
        </xsl:for-each>
        <xsl:if test="$source">
          <dc:source><xsl:value-of select="string-join(($header/tei:fileDesc/tei:titleStmt/tei:author ! normalize-space(.))[1],
            '') || ', “' || normalize-space(($source/tei:analytic/tei:title)[1]) || '”, ' || normalize-space(($source/tei:monogr/tei:title)[1])
            || ($source/tei:monogr/tei:imprint/tei:date/@when ! (', ' || tk:format-iso(.)))"/></dc:source>
        </xsl:if>
        <dc:description>A TEI digital edition<xsl:value-of select="$header/tei:fileDesc/tei:editionStmt/tei:edition/@n[normalize-space(.)] ! (', version ' || .)"/>; paragraphs numbered as in the edition at <xsl:value-of select="tk:document-url(.)"/>.</dc:description>
        <meta property="dcterms:modified"><xsl:value-of select="($changed[. ne ''], '2000-01-01')[1]"/>T00:00:00Z</meta>
        <xsl:for-each select="$header/tei:fileDesc/tei:editionStmt/tei:edition/@n[normalize-space(.)]">
          <meta property="schema:version"><xsl:value-of select="."/></meta>
        </xsl:for-each>
        <meta property="schema:accessMode">textual</meta>
        <meta property="schema:accessModeSufficient">textual</meta>
        <meta property="schema:accessibilityFeature">structuralNavigation</meta>
        <meta property="schema:accessibilityFeature">tableOfContents</meta>
        <meta property="schema:accessibilityFeature">readingOrder</meta>
        <meta property="schema:accessibilityFeature">index</meta>
        <meta property="schema:accessibilityHazard">none</meta>
        <meta property="schema:accessibilitySummary">Text only, in reading order, with headings for the sections, a table of contents, numbered paragraphs, endnotes that link back to the text, and a register and chronology that link to every mention.</meta>
        <meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>
        <meta property="a11y:certifiedBy"><xsl:value-of select="(string-join($header/tei:fileDesc/tei:publicationStmt/tei:publisher ! normalize-space(.), ', ')[. ne ''], 'teikit')[1]"/></meta>
      </metadata>
      <manifest>
        <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
        <item id="text" href="text.xhtml" media-type="application/xhtml+xml"/>
        <item id="back" href="back.xhtml" media-type="application/xhtml+xml"/>
        <item id="css" href="edition.css" media-type="text/css"/>
      </manifest>
      <spine>
        <itemref idref="text"/>
        <itemref idref="back"/>
      </spine>
    </package>
  </xsl:template>
</xsl:stylesheet>
