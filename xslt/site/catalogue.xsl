<?xml version="1.0" encoding="UTF-8"?>
<!--
  One catalogue record per document: the header facts the site index shows.  Records are small, so
  a build (or each shard of a distributed build) collects them as it goes and the site index is
  rendered from the catalogue alone, never from all documents held at once.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  exclude-result-prefixes="#all">

  <xsl:mode name="catalogue" on-no-match="shallow-skip"/>

  <xsl:template match="/" mode="catalogue" as="element(document)">
    <xsl:variable name="tei" as="element(tei:TEI)" select="tei:TEI"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($tei/tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <document id="{$tei/@xml:id}"
      title="{tk:title($tei)}"
      author="{string-join($tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author ! normalize-space(.), '; ')}"
      journal="{$source/tei:monogr/tei:title[@level = 'j'] ! normalize-space(.)}"
      date="{$source/tei:monogr/tei:imprint/tei:date/@when}"
      version="{$tei/tei:teiHeader/tei:fileDesc/tei:editionStmt/tei:edition/@n}"
      paragraphs="{count($tei/tei:text/tei:body//tei:*[tk:is-passage(.)])}"
      edition-of="{tk:edition-name($tei/tei:teiHeader)}"/>
  </xsl:template>
</xsl:stylesheet>
