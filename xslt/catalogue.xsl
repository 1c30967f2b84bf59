<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for a document's catalogue record: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="site/catalogue.xsl"/>
  <xsl:mode on-no-match="shallow-skip"/>
  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="." mode="catalogue"/>
  </xsl:template>
</xsl:stylesheet>
