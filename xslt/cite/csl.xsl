<?xml version="1.0" encoding="UTF-8"?>
<!--
  CSL-JSON items for a document and each of its passages, built from the TEI header alone: the
  header is the one source of truth for citation data, and every other export (formatted
  citations, BibTeX, RIS, the HTML cite boxes) is derived from these items.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all">

  <xsl:mode name="csl" on-no-match="shallow-skip"/>

  <!-- The common part of every item of this document. -->
  <xsl:function name="tk:csl-base" as="map(*)">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="header" as="element(tei:teiHeader)" select="$tei/tei:teiHeader"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:variable name="transcription" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[not(tei:analytic)])[1]"/>
    <xsl:variable name="when" as="xs:string?" select="$source/tei:monogr/tei:imprint/tei:date/@when"/>
    <xsl:variable name="version" as="xs:string" select="string($header/tei:fileDesc/tei:editionStmt/tei:edition/@n)"/>
    <xsl:sequence select="map:merge((
      map{
        'type': 'article-magazine',
        'title': tk:title($tei),
        'author': array{ ($source/tei:analytic/tei:author, $header/tei:fileDesc/tei:titleStmt/tei:author)[1]/tei:persName ! tk:csl-name(.) },
        'version': $version,
        'medium': 'TEI digital edition',
        'source': normalize-space($header/tei:fileDesc/tei:publicationStmt/tei:publisher),
        'language': string(($tei/@xml:lang, 'en')[1])
      },
      $source/tei:monogr/tei:title[@level = 'j'] ! map{'container-title': normalize-space(.)},
      $source/tei:monogr/tei:imprint/tei:pubPlace ! map{'publisher-place': normalize-space(.)},
      $when ! map{'issued': map{'date-parts': array{ array{ tokenize(., '-') ! xs:integer(.) } }}},
      $header/tei:fileDesc/tei:editionStmt/tei:edition/tei:date/@when ! map{'available-date': map{'date-parts': array{ array{ tokenize(., '-') ! xs:integer(.) } }}},
      $transcription ! map{'note': 'Transcribed for the ' || normalize-space(tei:monogr/tei:imprint/tei:publisher)
          || (tei:monogr/tei:respStmt/tei:persName ! (' by ' || normalize-space(.)))[1] || '.'}
    ))"/>
  </xsl:function>

  <!-- A CSL name from the register's preferred form ("Given Family"), else from the text. -->
  <xsl:function name="tk:csl-name" as="map(*)">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="full" as="xs:string" select="(tk:targets($name/@ref) ! tk:preferred-name(.), normalize-space($name))[1]"/>
    <xsl:variable name="words" as="xs:string*" select="tokenize($full, ' ')"/>
    <xsl:sequence select="if (count($words) gt 1)
      then map{'family': $words[last()], 'given': string-join($words[position() lt last()], ' ')}
      else map{'literal': $full}"/>
  </xsl:function>

  <xsl:template match="/" mode="csl" as="array(*)">
    <xsl:variable name="tei" as="element(tei:TEI)" select="tei:TEI"/>
    <xsl:variable name="base" as="map(*)" select="tk:csl-base($tei)"/>
    <xsl:variable name="url" as="xs:string" select="tk:document-url($tei)"/>
    <xsl:sequence select="array{
      map:merge(($base, map{'id': string($tei/@xml:id), 'URL': $url})),
      for $div in $tei/tei:text/tei:body/tei:div return (
        map:merge(($base, map{
          'id': $tei/@xml:id || ':' || $div/@xml:id,
          'URL': $url || '#' || $div/@xml:id,
          'locator': tk:paragraph-number($div/tei:p[1]) || (if (count($div/tei:p) gt 1) then '–' || tk:paragraph-number($div/tei:p[last()]) else ''),
          'section': if ($div/tei:head) then normalize-space($div/tei:head) else 'Section ' || (count($div/preceding-sibling::tei:div) + 1)
        })),
        for $p in $div/tei:p return map:merge(($base, map{
          'id': $tei/@xml:id || ':' || $p/@xml:id,
          'URL': $url || '#' || $p/@xml:id,
          'locator': tk:paragraph-number($p),
          'section': if ($div/tei:head) then normalize-space($div/tei:head) else 'Section ' || (count($div/preceding-sibling::tei:div) + 1)
        }))
      )
    }"/>
  </xsl:template>
</xsl:stylesheet>
