<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the HTML reading edition: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"
    use-character-maps="tk:c1-literal" xmlns:tk="urn:teikit:functions"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/html-characters.xsl"/>
  <xsl:include href="html/page.xsl"/>
  <xsl:include href="common/blocks.xsl"/>
  <xsl:include href="html/reading.xsl"/>
  <xsl:include href="html/indexes.xsl"/>
  <xsl:include href="html/notes.xsl"/>
  <xsl:include href="html/chrome.xsl"/>
</xsl:stylesheet>
