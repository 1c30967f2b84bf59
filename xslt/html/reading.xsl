<?xml version="1.0" encoding="UTF-8"?>
<!--
  The reading text: sections, paragraphs with permalinks, and inline markup.
  Every mention becomes a link to its register entry on the same page, so the edition works with
  no JavaScript; teikit.js adds the popover.  HTML forbids nested links, so a mention that contains
  another (an event named after an organisation) links its own words and lets the inner mention
  link its words.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:mode name="reading" on-no-match="shallow-skip"/>

  <!-- Formatted citations by passage ID, made by the Python side with citeproc-py:
       <citations style="…" csl="…" bib="…" ris="…"><citation id="p12">…</citation></citations>. -->
  <xsl:param name="citations" as="document-node()?" select="()"/>

  <xsl:template match="tei:body/tei:div" mode="reading" as="element()">
    <section id="{@xml:id}" class="section" aria-labelledby="{@xml:id}-heading">
      <h2 id="{@xml:id}-heading" class="{if (tei:head) then 'section-head' else 'section-head untitled'}">
        <xsl:choose>
          <xsl:when test="tei:head"><xsl:apply-templates select="tei:head/node()" mode="reading"/></xsl:when>
          <xsl:otherwise><span class="visually-hidden">Section <xsl:value-of select="count(preceding-sibling::tei:div) + 1"/></span></xsl:otherwise>
        </xsl:choose>
      </h2>
      <xsl:apply-templates select="tei:p" mode="reading"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:body/tei:div/tei:p" mode="reading" as="element()+">
    <xsl:variable name="n" as="xs:string" select="tk:paragraph-number(.)"/>
    <p id="{@xml:id}" class="passage">
      <a class="permalink" href="#{@xml:id}" aria-label="Paragraph {$n}, permalink">¶<xsl:value-of select="$n"/></a>
      <xsl:text> </xsl:text>
      <xsl:apply-templates mode="reading"/>
    </p>
    <xsl:call-template name="tk:cite-box">
      <xsl:with-param name="id" select="string(@xml:id)"/>
      <xsl:with-param name="n" select="$n"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "Cite this passage": a disclosure that works without JavaScript; teikit.js adds a copy button. -->
  <xsl:template name="tk:cite-box" as="element()?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="n" as="xs:string"/>
    <xsl:variable name="citation" as="element(citation)?" select="$citations/citations/citation[@id = $id]"/>
    <xsl:variable name="files" as="element(citations)?" select="$citations/citations"/>
    <xsl:if test="$citation">
      <details class="cite-box">
        <summary>Cite ¶<xsl:value-of select="$n"/></summary>
        <p class="cite-text" id="cite-{$id}"><xsl:value-of select="$citation"/></p>
        <!-- The files hold the article's one entry; a reference manager cites the passage as that
             entry with a paragraph locator, which gives exactly the citation above. -->
        <p class="cite-formats">Style: <xsl:value-of select="$files/@style-label"/>. The article’s entry:
          <a href="{$files/@csl}" type="application/json">CSL-JSON</a>,
          <a href="{$files/@bib}">BibLaTeX</a>,
          <a href="{$files/@ris}">RIS</a>; cite this passage with the locator “para. <xsl:value-of select="$n"/>”.
          Link: <a href="#{$id}">¶<xsl:value-of select="$n"/></a>.</p>
      </details>
    </xsl:if>
  </xsl:template>

  <xsl:template match="text()" mode="reading" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:eventName" mode="reading" as="node()*">
    <xsl:variable name="targets" as="element()*" select="tk:targets(@ref)"/>
    <xsl:variable name="class" as="xs:string" select="'mention mention-' || ($targets[1] ! tk:kind(.), 'unknown')[1]"/>
    <xsl:choose>
      <xsl:when test="empty($targets)">
        <span class="{$class}"><xsl:apply-templates mode="reading"/></span>
      </xsl:when>
      <xsl:when test="exists(.//(tei:persName | tei:placeName | tei:orgName | tei:eventName))">
        <xsl:for-each select="node()">
          <xsl:choose>
            <xsl:when test="self::text()[normalize-space()]">
              <a class="{$class}" href="#entry-{$targets[1]/@xml:id}" data-entries="{$targets/@xml:id}"><xsl:value-of select="."/></a>
            </xsl:when>
            <xsl:otherwise><xsl:apply-templates select="." mode="reading"/></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <a class="{$class}" href="#entry-{$targets[1]/@xml:id}" data-entries="{$targets/@xml:id}"><xsl:apply-templates mode="reading"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:date" mode="reading" as="element()">
    <time datetime="{(@when, @from)[1]}" title="{tk:date-label(.)}"><xsl:apply-templates mode="reading"/></time>
  </xsl:template>

  <xsl:template match="tei:roleName" mode="reading" as="element()">
    <span class="role"><xsl:apply-templates mode="reading"/></span>
  </xsl:template>
  <xsl:template match="tei:forename | tei:surname" mode="reading" as="node()*">
    <xsl:apply-templates mode="reading"/>
  </xsl:template>

  <!-- The quotation marks are in the text, so no element that adds its own marks (q) is used. -->
  <xsl:template match="tei:said" mode="reading" as="element()">
    <span class="said" data-speakers="{tk:targets(@who) ! tk:preferred-name(.)}"><xsl:apply-templates mode="reading"/></span>
  </xsl:template>
  <xsl:template match="tei:quote | tei:q | tei:soCalled" mode="reading" as="element()">
    <span class="{lower-case(local-name())}"><xsl:apply-templates mode="reading"/></span>
  </xsl:template>
  <xsl:template match="tei:foreign" mode="reading" as="element()">
    <i class="foreign" lang="{@xml:lang}"><xsl:apply-templates mode="reading"/></i>
  </xsl:template>
  <xsl:template match="tei:title" mode="reading" as="element()">
    <cite><xsl:apply-templates mode="reading"/></cite>
  </xsl:template>
</xsl:stylesheet>
