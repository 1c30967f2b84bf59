<?xml version="1.0" encoding="UTF-8"?>
<!--
  The reading text of an element as one line of words, shared by the outputs that need the text
  without markup (the plain text, the search records): the source's reading, never the editor's.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  exclude-result-prefixes="#all">

  <xsl:mode name="text" on-no-match="text-only-copy"/>
  <!-- Editorial matter is not the author's text: the source's reading of a choice is printed, the
       correction and any note are not (they are in the notes, printed only with $notes). -->
  <xsl:template match="tei:corr | tei:note" mode="text" as="empty-sequence()"/>
  <!-- The same for an expansion or a regularisation (the source's abbreviation and spelling are
       printed), for what the author struck out (the text as it was left), and for the page's own
       furniture (running heads, catchwords: not the text). -->
  <xsl:template match="tei:reg | tei:expan | tei:del | tei:fw | tei:surplus" mode="text" as="empty-sequence()"/>
  <!-- A line, page or column break is a word boundary (TEI's default), and so is a space the
       transcription records: "die<lb/>schwere" reads "die schwere". -->
  <xsl:template match="tei:lb | tei:pb | tei:cb | tei:space" mode="text" as="xs:string">
    <xsl:sequence select="' '"/>
  </xsl:template>
  <!-- A word broken across lines (lb break="no") is one word again. -->
  <xsl:template match="tei:lb[@break = 'no'] | tei:pb[@break = 'no'] | tei:cb[@break = 'no']" mode="text" as="xs:string">
    <xsl:sequence select="'&#xE000;'"/>
  </xsl:template>

  <!-- The reading text of an element: its text nodes (markup adds no characters), with each run of
       XML whitespace read as one space, as TEI processors do: an indented TEI file or a line break
       inside a paragraph must neither rag the text nor fake a paragraph break. -->
  <xsl:function name="tk:flow" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="copied" as="xs:string*">
      <xsl:apply-templates select="$el/node()" mode="text"/>
    </xsl:variable>
    <xsl:sequence select="replace(normalize-space(string-join($copied)), '\s*&#xE000;\s*', '')"/>
  </xsl:function>

</xsl:stylesheet>
