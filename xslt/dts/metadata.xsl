<?xml version="1.0" encoding="UTF-8"?>
<!--
  Dublin Core Terms for a DTS Resource, from the TEI header (the one source of bibliographic truth).
  Values follow the DTS MetadataObject rules: literals, URIs, or arrays of {lang, value} objects.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all">

  <xsl:mode name="dublin-core" on-no-match="shallow-skip"/>

  <xsl:template match="/" mode="dublin-core" as="map(*)">
    <xsl:variable name="tei" as="element(tei:TEI)" select="tei:TEI"/>
    <xsl:variable name="header" as="element(tei:teiHeader)" select="$tei/tei:teiHeader"/>
    <xsl:variable name="lang" as="xs:string" select="string(($tei/@xml:lang, 'en')[1])"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:sequence select="map:merge((
      map{
        'title': array{ map{'lang': $lang, 'value': tk:title($tei)} },
        'creator': array{ $header/tei:fileDesc/tei:titleStmt/tei:author ! (tei:persName, .[empty(tei:persName)]) ! (tk:targets(@ref) ! tk:preferred-name(.), normalize-space(.))[1] },
        'publisher': array{ $header/tei:fileDesc/tei:publicationStmt/tei:publisher ! normalize-space(.) },
        'language': array{ $header/tei:profileDesc/tei:langUsage/tei:language/@ident ! string(.) },
        'type': array{ 'Text' },
        'hasVersion': string($header/tei:fileDesc/tei:editionStmt/tei:edition/@n),
        (: The document's address under the base URL the edition is published at (not the header's
           URI idno, which names one address whatever the build is told), and its CTS URN. :)
        'identifier': array{ tk:document-url($tei), $header/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'CTS'] ! normalize-space(.) }
      },
      $source ! map{'source': array{ map{'lang': $lang, 'value':
          string-join((tei:monogr/tei:title[@level = 'j'] ! normalize-space(.), tei:monogr/tei:imprint/tei:date ! normalize-space(.)), ', ')} }},
      $source/tei:monogr/tei:imprint/tei:date/@when ! map{'date': string(.)},
      ($header//tei:availability/tei:licence/@target)[1] ! map{'license': string(.)},
      $header/tei:fileDesc/tei:editionStmt/tei:edition/tei:date/@when ! map{'issued': string(.)}
    ))"/>
  </xsl:template>
</xsl:stylesheet>
