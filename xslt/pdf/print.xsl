<?xml version="1.0" encoding="UTF-8"?>
<!--
  The print rendering of a document, for WeasyPrint (CSS Paged Media, xslt/pdf/print.css): a title
  page with the stable address and the version, the sections as headings (they become the PDF's
  bookmarks), each paragraph with its ¶ number in the margin, each note as a footnote on the page
  of the words it explains.  The text is the reading text: the source's readings, no editor's
  words inside it.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:mode on-no-match="fail"/>
  <xsl:mode name="print" on-no-match="shallow-skip"/>

  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="tei:TEI"/>
  </xsl:template>

  <xsl:template match="tei:TEI" as="element()">
    <xsl:variable name="header" as="element(tei:teiHeader)" select="tei:teiHeader"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:variable name="authors" as="xs:string" select="string-join($header/tei:fileDesc/tei:titleStmt/tei:author ! normalize-space(.), ', ')"/>
    <xsl:variable name="version" as="xs:string" select="string($header/tei:fileDesc/tei:editionStmt/tei:edition/@n)"/>
    <xsl:variable name="changed" as="xs:string" select="tk:last-change($header)"/>
    <html lang="{(@xml:lang, 'en')[1]}">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:value-of select="tk:title(.)"/></title>
        <!-- WeasyPrint writes these into the PDF's document information. -->
        <meta name="author" content="{$authors}"/>
        <meta name="description" content="{tk:title(.)}, by {$authors}: a TEI digital edition, version {$version}, {tk:document-url(.)}"/>
        <meta name="keywords" content="TEI, digital edition"/>
        <meta name="generator" content="teikit"/>
        <xsl:if test="$changed ne ''">
          <meta name="dcterms.created" content="{$changed}T00:00:00Z"/>
          <meta name="dcterms.modified" content="{$changed}T00:00:00Z"/>
        </xsl:if>
        <link rel="stylesheet" href="print.css"/>
      </head>
      <body>
        <section class="titlepage">
          <p class="running-title"><xsl:value-of select="tk:title(.)"/></p>
          <p class="running-author"><xsl:value-of select="$authors"/></p>
          <h1><xsl:value-of select="tk:title(.)"/></h1>
          <p class="byline"><xsl:value-of select="$authors"/></p>
          <xsl:if test="$source">
            <p class="source">First published in <cite><xsl:value-of select="normalize-space(($source/tei:monogr/tei:title)[1])"/></cite><xsl:value-of
              select="$source/tei:monogr/tei:imprint/tei:date/@when ! (', ' || tk:format-iso(.))"/>.</p>
          </xsl:if>
          <p class="edition">A TEI digital edition, version <xsl:value-of select="$version"/>.<br/>
            Stable address: <a href="{tk:document-url(.)}"><xsl:value-of select="tk:document-url(.)"/></a><br/>
            Cite a paragraph by its number (¶) in the margin.</p>
        </section>
        <main>
          <xsl:for-each select="tei:text/*">
            <xsl:choose>
              <xsl:when test="self::tei:body"><xsl:apply-templates select="*" mode="print"/></xsl:when>
              <xsl:when test="$house"/>
              <xsl:when test="self::tei:front or self::tei:back"><xsl:apply-templates select="*" mode="print"/></xsl:when>
              <xsl:otherwise><xsl:apply-templates select="." mode="print"/></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- A section's head is a heading (and a bookmark); an untitled section prints no words the
       author did not write, and is a bookmark by its label only. -->
  <xsl:template match="tei:div" mode="print" as="element()">
    <section id="{(@xml:id, generate-id())[1]}">
      <xsl:choose>
        <xsl:when test="tei:head"><xsl:element name="{'h' || min((count(ancestor::tei:div) + 2, 6))}" namespace="http://www.w3.org/1999/xhtml"><xsl:value-of select="tk:section-label(.)"/></xsl:element></xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="class" select="'untitled'"/>
          <xsl:attribute name="data-label" select="tk:section-label(.)"/>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="* except tei:head[1]" mode="print"/>
    </section>
  </xsl:template>

  <!-- A passage's ¶ number, in the margin (common/blocks.xsl gives it its place). -->
  <xsl:template name="tk:passage-marker" as="element()">
    <span class="pnum">¶<xsl:value-of select="tk:paragraph-number(.)"/></span>
  </xsl:template>

  <!-- A note of the text is a footnote on its page. -->
  <xsl:template match="tei:note[not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]" mode="print" as="element()">
    <span class="footnote"><xsl:value-of select="tk:flow(.)"/></span>
  </xsl:template>

  <xsl:template match="text()" mode="print" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>
  <xsl:template match="tei:corr | tei:reg | tei:expan" mode="print" as="empty-sequence()"/>
  <xsl:template match="tei:choice" mode="print" as="node()*">
    <xsl:apply-templates select="tei:sic/node() | tei:orig/node() | tei:abbr/node()" mode="print"/>
  </xsl:template>
  <xsl:template match="tei:foreign" mode="print" as="element()">
    <i lang="{@xml:lang}"><xsl:apply-templates mode="print"/></i>
  </xsl:template>
  <xsl:template match="tei:title" mode="print" as="element()">
    <i><xsl:apply-templates mode="print"/></i>
  </xsl:template>
  <xsl:template match="tei:*" mode="print" as="node()*">
    <xsl:apply-templates mode="print"/>
  </xsl:template>

  <!-- A note is a footnote on the page of the words it explains (CSS float: footnote); a note on
       several places is printed at the first. -->
  <xsl:template match="tei:body//*[@xml:id][exists(key('tk:notes-by-target', @xml:id))]" mode="print" priority="10" as="node()*">
    <xsl:next-match/>
    <xsl:variable name="here" as="element()" select="."/>
    <xsl:for-each select="key('tk:notes-by-target', @xml:id)">
      <xsl:variable name="first" as="xs:string" select="(tokenize(normalize-space(@target), ' ') ! substring-after(., '#'))[1]"/>
      <xsl:if test="$first = $here/@xml:id">
        <span class="footnote"><xsl:value-of select="tk:note-kind(.)"/>. <xsl:value-of select="tk:flow(.)"/></span>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
