<?xml version="1.0" encoding="UTF-8"?>
<!-- Entry stylesheet for the print rendering that WeasyPrint typesets into the PDF: assembles modules only. -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"/>
  <xsl:include href="common/functions.xsl"/>
  <xsl:include href="common/flow.xsl"/>
  <xsl:include href="html/notes.xsl"/>
  <xsl:include href="common/blocks.xsl"/>
  <xsl:include href="pdf/print.xsl"/>
</xsl:stylesheet>
