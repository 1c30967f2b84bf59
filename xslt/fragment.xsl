<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for HTML fragments of selected passages (teikit resolve, format html). -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tei="http://www.tei-c.org/ns/1.0">
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"
    use-character-maps="tk:c1-literal" xmlns:tk="urn:teikit:functions"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/html-characters.xsl"/>
  <xsl:include href="common/blocks.xsl"/>
  <xsl:include href="html/reading.xsl"/>
  <xsl:include href="html/notes.xsl"/>
  <!-- Space-separated paragraph IDs to render. -->
  <xsl:param name="only" as="xs:string" select="''"/>
  <xsl:mode on-no-match="shallow-skip"/>
  <xsl:template match="/" as="element()*">
    <xsl:apply-templates select="tei:TEI/tei:text/tei:body//tei:*[@xml:id = tokenize($only)]" mode="reading"/>
  </xsl:template>
</xsl:stylesheet>
