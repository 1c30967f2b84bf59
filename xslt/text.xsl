<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the plain text: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/flow.xsl"/>
  <xsl:include href="text/reading.xsl"/>
</xsl:stylesheet>
