<?xml version="1.0" encoding="UTF-8"?>
<!--
  The page's chrome: the top bar (contents, entity layers, downloads, about, the witness) and the
  "About this edition" section, generated from the TEI header so that the editorial principles,
  the licence, the version history and how to cite reach the reader as the header states them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:variable name="tk:kinds" as="map(xs:string, xs:string)"
    select="map{'person': 'Persons', 'place': 'Places', 'org': 'Organisations', 'event': 'Events', 'date': 'Dates'}"/>

  <!-- The menus are disclosure widgets (details), so they work without JavaScript, and each is one
       Tab stop until opened. -->
  <xsl:template name="tk:topbar" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:variable name="header" as="element(tei:teiHeader)" select="$tei/tei:teiHeader"/>
    <xsl:variable name="witness" as="xs:string?" select="($header//tei:sourceDesc/tei:biblStruct[not(tei:analytic)]//tei:idno[@type = 'URI'])[1] ! normalize-space(.)"/>
    <!-- Four Tab stops before the text: the identity is text (the footer links to the other
         documents), the witness and "About" are inside the menus. -->
    <nav class="topbar" aria-label="Edition">
      <span class="topbar-home"><xsl:value-of select="(tk:edition-name($header)[. ne ''], $title)[1]"/></span>
      <details class="menu">
        <summary>Contents</summary>
        <ol class="menu-list">
          <xsl:for-each select="$tei/tei:text/tei:body/tei:div">
            <!-- The passages it holds: the edition's paragraphs, or any document's blocks. -->
            <xsl:variable name="passages" as="element()*" select="if (tei:p[@xml:id] and empty(tei:div)) then tei:p else .//tei:*[tk:is-passage(.)][@xml:id]"/>
            <li><a href="#{@xml:id}"><xsl:value-of select="tk:section-label(.)"/></a>
              <xsl:if test="exists($passages)">
                <span class="toc-range"> ¶<xsl:value-of select="tk:paragraph-number($passages[1])"/>–<xsl:value-of select="tk:paragraph-number($passages[last()])"/></span>
              </xsl:if></li>
          </xsl:for-each>
          <xsl:if test="$tei/tei:text/tei:back//tei:note"><li><a href="#notes">Notes</a></li></xsl:if>
          <li><a href="#indexes">Indexes</a></li>
          <li><a href="#chronology">Chronology</a></li>
          <li><a href="#about">About this edition</a></li>
        </ol>
      </details>
      <details class="menu layers">
        <summary>Layers</summary>
        <fieldset>
          <legend>Show the markup of</legend>
          <xsl:for-each select="('person', 'place', 'org', 'event', 'date')">
            <label><input type="checkbox" id="layer-{.}" checked="checked"/>
              <span class="{if (. = 'date') then 'date-sample' else 'mention mention-' || .}"><xsl:value-of select="$tk:kinds(current())"/></span></label>
          </xsl:for-each>
        </fieldset>
      </details>
      <details class="menu">
        <summary>Download</summary>
        <ul class="menu-list">
          <xsl:for-each select="tk:downloads($tei)">
            <li><a href="{?href}" type="{?type}"><xsl:value-of select="?label"/></a></li>
          </xsl:for-each>
          <xsl:if test="$witness">
            <li class="witness"><a href="{$witness}" rel="external">The source transcription (the witness)</a></li>
          </xsl:if>
        </ul>
      </details>
      <!-- Search: teikit.js opens the search over this document (the corpus on request); without
           JavaScript the link leads to the indexes, which list every name and date in the text. -->
      <xsl:if test="$search">
        <a class="search-link" href="#indexes" data-root="../" data-doc="{$tei/@xml:id}">Search</a>
      </xsl:if>
    </nav>
  </xsl:template>

  <xsl:template name="tk:about" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:variable name="header" as="element(tei:teiHeader)" select="$tei/tei:teiHeader"/>
    <xsl:variable name="cite" as="map(*)?" select="if ($citation-data ne '{}') then parse-json($citation-data) else ()"/>
    <section id="about" class="about" aria-labelledby="about-heading">
      <h2 id="about-heading">About this edition</h2>
      <h3>Editorial principles</h3>
      <xsl:for-each select="$header/tei:encodingDesc/tei:editorialDecl/*">
        <xsl:variable name="label" as="xs:string?" select="map{'correction': 'Corrections', 'normalization': 'Names and dates',
          'quotation': 'Quotation', 'hyphenation': 'Hyphenation', 'segmentation': 'Segmentation', 'interpretation': 'Passages and commentary'}(local-name())"/>
        <xsl:if test="$label"><h4><xsl:value-of select="$label"/></h4></xsl:if>
        <xsl:for-each select="self::tei:p | tei:p">
          <p><xsl:apply-templates mode="reading"/></p>
        </xsl:for-each>
      </xsl:for-each>
      <h3>Licence</h3>
      <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:availability/(tei:licence | tei:p)">
        <p><xsl:apply-templates mode="reading"/>
          <xsl:if test="@target[matches(., '^https?://')]"> (<a href="{@target}" rel="license"><xsl:value-of select="@target"/></a>)</xsl:if></p>
      </xsl:for-each>
      <h3>Version history</h3>
      <ol class="versions">
        <xsl:for-each select="$header/tei:revisionDesc/tei:change">
          <li><strong>Version <xsl:value-of select="@n"/></strong>, <time datetime="{@when}"><xsl:value-of select="tk:format-iso(@when)"/></time>:
            <xsl:apply-templates mode="reading"/></li>
        </xsl:for-each>
      </ol>
      <h3>How to cite</h3>
      <p>Cite a paragraph by its number (¶) and the address of the edition; the numbers never change
        meaning from one version to the next. Choose a ¶ number in the margin for the citation of that
        paragraph in each style, ready to copy. This edition’s address: <a href="{$url}"><xsl:value-of select="$url"/></a>.</p>
      <xsl:if test="exists($cite)">
        <dl class="how-to-cite">
          <xsl:for-each select="$cite?styles?*">
            <dt><xsl:value-of select="?label"/></dt>
            <dd>¶12: <xsl:value-of select="replace(?citation, '\{n\}', '12')"/><br/>Bibliography: <xsl:value-of select="?bibliography"/></dd>
          </xsl:for-each>
        </dl>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="tei:gi" mode="reading" as="element()">
    <code>&lt;<xsl:value-of select="."/>&gt;</code>
  </xsl:template>
  <xsl:template match="tei:att" mode="reading" as="element()">
    <code>@<xsl:value-of select="."/></code>
  </xsl:template>
</xsl:stylesheet>
