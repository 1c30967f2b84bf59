<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for a DTS Resource's Dublin Core metadata: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="json" encoding="UTF-8" indent="no"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="dts/metadata.xsl"/>
  <xsl:mode on-no-match="shallow-skip"/>
  <xsl:template match="/" as="map(*)">
    <xsl:apply-templates select="." mode="dublin-core"/>
  </xsl:template>
</xsl:stylesheet>
