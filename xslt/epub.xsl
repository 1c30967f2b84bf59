<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the EPUB 3 of a document: assembles modules only.  $part chooses the file
     (text, back, nav, opf): one transformation per file of the package. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/flow.xsl"/>
  <xsl:include href="html/notes.xsl"/>
  <xsl:include href="common/blocks.xsl"/>
  <xsl:include href="epub/content.xsl"/>
  <xsl:include href="epub/package.xsl"/>
</xsl:stylesheet>
