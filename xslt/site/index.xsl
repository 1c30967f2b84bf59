<?xml version="1.0" encoding="UTF-8"?>
<!-- The site index: every document of the corpus, from the catalogue, sorted by date then title. -->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:mode name="site" on-no-match="shallow-skip"/>

  <!-- Whether the site has a search page (search/), linked from the top of the list. -->
  <xsl:param name="search" as="xs:boolean" select="false()"/>
  <!-- The formats the build writes (space-separated): the EPUB and PDF of each document are linked. -->
  <xsl:param name="formats" as="xs:string" select="''"/>
  <xsl:variable name="tk:site-formats" as="xs:string*" select="tokenize($formats)"/>

  <xsl:template match="/catalogue" mode="site" as="element()">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>The edition: <xsl:value-of select="count(document)"/> documents</title>
        <link rel="stylesheet" href="assets/teikit.css"/>
      </head>
      <body>
        <xsl:if test="$search">
          <nav class="topbar" aria-label="Edition">
            <span class="topbar-home">Documents</span>
            <a class="search-link" href="search/">Search</a>
          </nav>
        </xsl:if>
        <header class="edition-header">
          <!-- The kicker names who publishes the documents, from their headers, and only when they agree:
               no words written for one edition appear on another's pages. -->
          <xsl:variable name="names" as="xs:string*" select="distinct-values(document/@edition-of[. ne ''])"/>
          <xsl:if test="count($names) eq 1 and count(document[@edition-of eq $names]) eq count(document)">
            <p class="kicker"><xsl:value-of select="$names"/></p>
          </xsl:if>
          <h1>Documents</h1>
          <p><xsl:value-of select="count(document)"/> documents, <xsl:value-of select="sum(document/@paragraphs)"/> citable paragraphs.</p>
        </header>
        <main id="text">
          <ol class="catalogue">
            <xsl:for-each select="document">
              <xsl:sort select="@date"/>
              <xsl:sort select="lower-case(@title)"/>
              <xsl:sort select="@id"/>
              <li>
                <a href="{encode-for-uri(@id)}/"><cite><xsl:value-of select="@title"/></cite></a>
                <xsl:value-of select="(@author[. ne ''] ! (' — ' || .), @journal[. ne ''] ! (', ' || .), @date[. ne ''] ! (', ' || tk:format-iso(.)))" separator=""/>
                <span class="toc-range"> (version <xsl:value-of select="@version"/>)</span>
                <xsl:if test="'epub' = $tk:site-formats or 'pdf' = $tk:site-formats">
                  <span class="takeaway">
                    <xsl:if test="'epub' = $tk:site-formats"> · <a href="{encode-for-uri(@id)}/{encode-for-uri(@id)}.epub" type="application/epub+zip">EPUB</a></xsl:if>
                    <xsl:if test="'pdf' = $tk:site-formats"> · <a href="{encode-for-uri(@id)}/{encode-for-uri(@id)}.pdf" type="application/pdf">PDF</a></xsl:if>
                  </span>
                </xsl:if>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
