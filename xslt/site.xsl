<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the site index page: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"
    use-character-maps="tk:c1-literal" xmlns:tk="urn:teikit:functions"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/html-characters.xsl"/>
  <xsl:include href="site/index.xsl"/>
  <xsl:mode on-no-match="shallow-skip"/>
  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="catalogue" mode="site"/>
  </xsl:template>
</xsl:stylesheet>
