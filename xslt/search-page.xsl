<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the site's search page: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"
    use-character-maps="tk:c1-literal" xmlns:tk="urn:teikit:functions"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/html-characters.xsl"/>
  <xsl:include href="search/page.xsl"/>
</xsl:stylesheet>
