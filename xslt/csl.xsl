<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for CSL-JSON items (the article and every passage): assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="json" encoding="UTF-8" indent="yes"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="cite/csl.xsl"/>
  <xsl:mode on-no-match="shallow-skip"/>
  <xsl:template match="/" as="array(*)">
    <xsl:apply-templates select="." mode="csl"/>
  </xsl:template>
</xsl:stylesheet>
