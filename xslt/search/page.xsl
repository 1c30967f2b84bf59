<?xml version="1.0" encoding="UTF-8"?>
<!--
  The site's search page (search/index.html), from the catalogue of documents.  The search itself
  is assets/search.js over the Pagefind index; without JavaScript the page says so and leads to
  the documents' indexes, which list every name and date the texts mention.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:mode on-no-match="shallow-skip"/>

  <!-- Documents listed by name in the no-JavaScript text; a larger corpus is reached from the site index. -->
  <xsl:variable name="tk:listed" as="xs:integer" select="20"/>

  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="catalogue"/>
  </xsl:template>

  <xsl:template match="catalogue" as="element()">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>Search the edition</title>
        <link rel="stylesheet" href="../assets/teikit.css"/>
        <!-- The script mounts the search on the element marked data-search-page (no inline script). -->
        <script type="module" src="../assets/search.js"></script>
      </head>
      <body>
        <nav class="topbar" aria-label="Edition">
          <a class="topbar-home" href="../">Documents</a>
        </nav>
        <header class="edition-header">
          <h1>Search</h1>
          <p><xsl:value-of select="count(document)"/> document<xsl:if test="count(document) ne 1">s</xsl:if>, <xsl:value-of select="sum(document/@paragraphs)"/> citable paragraphs, their notes and the register.</p>
        </header>
        <main id="text" tabindex="-1">
          <div id="tk-search" class="tk-search" data-search-page="../">
            <p class="tk-nojs">Searching needs JavaScript, which is off or did not load. Every name, place, organisation,
              event and date the texts mention is listed in the indexes at the end of each document<xsl:choose>
                <xsl:when test="count(document) le $tk:listed">:</xsl:when>
                <xsl:otherwise>; the <a href="../">list of documents</a> leads to each.</xsl:otherwise>
              </xsl:choose></p>
            <xsl:if test="count(document) le $tk:listed">
              <ul class="tk-nojs">
                <xsl:for-each select="document">
                  <xsl:sort select="@date"/>
                  <xsl:sort select="lower-case(@title)"/>
                  <li><a href="../{encode-for-uri(@id)}/#indexes">Indexes of <cite><xsl:value-of select="@title"/></cite></a></li>
                </xsl:for-each>
              </ul>
            </xsl:if>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
