<?xml version="1.0" encoding="UTF-8"?>
<!--
  Indexes of persons, places, organisations and events, and a chronology of the dates mentioned.
  Each entry carries the register's normalised name, dates and authority links (the popover shows
  this same summary) and links back to every passage that mentions it.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:param name="entry-summaries" as="document-node()?" select="()"/>
  <xsl:variable name="tk:summaries" as="map(xs:string, element())"
    select="map:merge($entry-summaries/*/*[@entry] ! map{string(@entry): .})"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>

  <xsl:template name="tk:indexes" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="pointers" as="xs:string*" select="distinct-values($tei//@ref/tokenize(normalize-space(.), ' ') ! substring-after(., '#'))"/>
    <xsl:variable name="entries" as="element()*" select="$tk:entries[@xml:id = $pointers]"/>
    <!-- Entry ID -> the paragraphs that mention it, built in one pass over the text. -->
    <xsl:variable name="mentioned-in" as="map(xs:string, element(tei:p)*)" select="map:merge(
        for $p in $tei/tei:text/tei:body/tei:div/tei:p,
            $id in distinct-values($p//@ref/tokenize(normalize-space(.), ' ') ! substring-after(., '#'))
        return map{$id: $p}, map{'duplicates': 'combine'})" xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
    <section id="indexes" class="indexes" aria-labelledby="indexes-heading">
      <h2 id="indexes-heading">Indexes</h2>
      <xsl:for-each select="('person', 'place', 'org', 'event')">
        <xsl:variable name="kind" as="xs:string" select="."/>
        <xsl:variable name="label" as="xs:string" select="map{'person':'Persons','place':'Places','org':'Organisations','event':'Events'}($kind)"/>
        <section id="index-{$kind}" aria-labelledby="index-{$kind}-heading">
          <h3 id="index-{$kind}-heading"><xsl:value-of select="$label"/></h3>
          <ul class="index">
            <xsl:for-each select="$entries[local-name() = $kind]">
              <xsl:sort select="lower-case(tk:preferred-name(.))" lang="en"/>
              <xsl:call-template name="tk:index-entry">
                <xsl:with-param name="entry" select="."/>
                <xsl:with-param name="passages" select="$mentioned-in(string(@xml:id))"/>
              </xsl:call-template>
            </xsl:for-each>
          </ul>
        </section>
      </xsl:for-each>
      <xsl:call-template name="tk:chronology">
        <xsl:with-param name="tei" select="$tei"/>
      </xsl:call-template>
    </section>
  </xsl:template>

  <xsl:template name="tk:index-entry" as="element()">
    <xsl:param name="entry" as="element()"/>
    <xsl:param name="passages" as="element(tei:p)*"/>
    <xsl:variable name="id" as="xs:string" select="$entry/@xml:id"/>
    <li id="entry-{$id}" class="entry entry-{local-name($entry)}">
      <!-- Summaries depend only on the register: copied when the build made them beforehand. -->
      <xsl:variable name="ready" as="element()?" select="$tk:summaries($id)"/>
      <xsl:choose>
        <xsl:when test="exists($ready)"><xsl:copy-of select="$ready/node()"/></xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="tk:entry-summary">
            <xsl:with-param name="entry" select="$entry"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="exists($passages)">
          <span class="entry-passages">Mentioned in
            <xsl:for-each select="$passages">
              <a href="#{@xml:id}">¶<xsl:value-of select="tk:paragraph-number(.)"/></a>
              <xsl:if test="position() ne last()">, </xsl:if>
            </xsl:for-each>
          </span>
        </xsl:when>
        <xsl:otherwise><span class="entry-passages">Named in the edition’s metadata and front matter.</span></xsl:otherwise>
      </xsl:choose>
    </li>
  </xsl:template>

  <!-- Name, dates, variants, place, note and authority links of one register entry: the same on
       every page that mentions it, and what the popover shows. -->
  <xsl:template name="tk:entry-summary" as="element()">
    <xsl:param name="entry" as="element()"/>
    <div class="entry-summary">
      <span class="entry-name"><xsl:value-of select="tk:preferred-name($entry)"/></span>
      <xsl:for-each select="tk:life-dates($entry)"><xsl:text> </xsl:text><span class="entry-dates">(<xsl:value-of select="."/>)</span></xsl:for-each>
      <xsl:if test="$entry/(@when | @from)"><xsl:text> </xsl:text><span class="entry-dates">(<xsl:value-of select="tk:date-label($entry)"/>)</span></xsl:if>
      <xsl:variable name="variants" as="xs:string*" select="$entry/*[@type = 'variant'] ! normalize-space(.)"/>
      <xsl:if test="exists($variants)">
        <span class="entry-variants"> — in the text: <xsl:value-of select="string-join($variants, ', ')"/></span>
      </xsl:if>
      <xsl:for-each select="$entry/tei:location/tei:geo">
        <span class="entry-geo"> — <xsl:value-of select="string-join(tokenize(normalize-space(.), ' '), ', ')"/></span>
      </xsl:for-each>
      <xsl:for-each select="$entry/tei:note">
        <span class="entry-note"> — <xsl:value-of select="normalize-space(.)"/></span>
      </xsl:for-each>
      <xsl:if test="$entry/tei:idno">
        <span class="entry-authority">
          <xsl:for-each select="$entry/tei:idno[@type = ('wikidata', 'geonames')]">
            <xsl:text> </xsl:text>
            <xsl:variable name="href" as="xs:string" select="if (@type = 'wikidata') then 'https://www.wikidata.org/wiki/' || encode-for-uri(.) else 'https://www.geonames.org/' || encode-for-uri(.) || '/'"/>
            <a class="authority" href="{$href}" rel="external">
              <xsl:value-of select="(if (@type = 'wikidata') then 'Wikidata ' else 'GeoNames ') || normalize-space(.)"/>
            </a>
            <xsl:if test="@cert = 'medium'"><span class="cert"> (single source)</span></xsl:if>
          </xsl:for-each>
        </span>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- Initial template for the build: every register entry's summary, made once per process and
       passed back in as $entry-summaries, so that a page copies what would cost most of its index. -->
  <xsl:template name="tk:entry-summaries" as="element()">
    <summaries>
      <xsl:for-each select="$tk:entries">
        <summary entry="{@xml:id}">
          <xsl:call-template name="tk:entry-summary">
            <xsl:with-param name="entry" select="."/>
          </xsl:call-template>
        </summary>
      </xsl:for-each>
    </summaries>
  </xsl:template>

  <xsl:template name="tk:chronology" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <section id="chronology" aria-labelledby="chronology-heading">
      <h3 id="chronology-heading">Chronology of dates mentioned</h3>
      <ol class="chronology">
        <xsl:for-each-group select="$tei/tei:text/tei:body//tei:date" group-by="tk:date-key(.) || '/' || string(@to)">
          <xsl:sort select="current-grouping-key()"/>
          <li id="date-{replace(current-grouping-key(), '[^0-9A-Za-z-]', '_')}">
            <time datetime="{tk:date-key(.)}"><xsl:value-of select="tk:date-label(.)"/></time>
            <xsl:text>: </xsl:text>
            <xsl:for-each-group select="current-group()" group-by="ancestor::tei:p[1]/@xml:id">
              <a href="#{current-grouping-key()}">¶<xsl:value-of select="replace(current-grouping-key(), '^p', '')"/></a>
              <span class="chronology-phrase"> (“<xsl:value-of select="normalize-space(string-join(current-group()[1]//text()))"/>”)</span>
              <xsl:if test="position() ne last()">, </xsl:if>
            </xsl:for-each-group>
          </li>
        </xsl:for-each-group>
      </ol>
    </section>
  </xsl:template>
</xsl:stylesheet>
