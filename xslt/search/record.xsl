<?xml version="1.0" encoding="UTF-8"?>
<!--
  A document's search record: the page the search engine (Pagefind) indexes instead of the reading
  page, so that nothing but the text is found — no menus, citations, indexes or ¶ numbers.

  One record per document, not per paragraph: the engine's cost grows with its records far more
  than with their words (measured in benchmarks/README.md), so a paragraph is an anchor inside the
  record, and the search page cuts each result into passages by those anchors.  The heading levels
  say what an anchor is (the engine reports only an anchor's element, ID and word position):
    h2  a section (its head is indexed when the author wrote one)
    h3  a paragraph, the passage ID as its anchor
    h4  an editorial note (indexed, marked as a note in results)
  Everything a heading says for the reader's sake is excluded from the index (data-pagefind-ignore),
  so that "12" or "Note" finds nothing that is not in the text.

  Facets come from the markup, never from string matching: every mention's register entry (its
  preferred name) is a filter value of the document, and the "mentions" metadata says which
  passages mention it, so a facet with no words lists exactly those passages.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <xsl:mode on-no-match="fail"/>

  <!-- Facet names (the engine's filter keys) by register entry element. -->
  <xsl:variable name="tk:facets" as="map(xs:string, xs:string)"
    select="map{'person': 'person', 'place': 'place', 'org': 'organisation', 'event': 'event'}"/>

  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="tei:TEI"/>
  </xsl:template>

  <xsl:template match="tei:TEI" as="element()">
    <xsl:variable name="tei" as="element(tei:TEI)" select="."/>
    <xsl:variable name="passages" as="element()*" select="if ($house) then tei:text/tei:body//tei:p[@xml:id]
      else tei:text/tei:body//tei:*[tk:is-passage(.)][@xml:id]"/>
    <!-- What the passages mention, by facet and value (a register entry's preferred name, a year):
         grouped once over the mentions, not one map per mention (this runs for every document). -->
    <xsl:variable name="found" as="map(*)*">
      <xsl:for-each-group select="$passages//*[@ref]" group-by="tokenize(normalize-space(@ref), ' ') ! substring-after(., '#')">
        <xsl:variable name="entry" as="element()?" select="$tk:entry-map(current-grouping-key())"/>
        <xsl:if test="exists($entry)">
          <xsl:sequence select="map{'facet': $tk:facets(local-name($entry)), 'value': tk:preferred-name($entry),
            'p': distinct-values(current-group() ! tk:passage-id(.))}"/>
        </xsl:if>
      </xsl:for-each-group>
      <xsl:for-each-group select="$passages//tei:date" group-by="tk:years(.)">
        <xsl:sequence select="map{'facet': 'year', 'value': current-grouping-key(),
          'p': distinct-values(current-group() ! tk:passage-id(.))}"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:variable name="mentions" as="map(*)">
      <xsl:map>
        <xsl:for-each-group select="$found[exists(?facet)]" group-by="?facet">
          <xsl:map-entry key="current-grouping-key()">
            <!-- Two entries with one preferred name are one facet value: their passages merge, in text order. -->
            <xsl:map>
              <xsl:for-each-group select="current-group()" group-by="?value">
                <xsl:map-entry key="current-grouping-key()" select="array{if (count(current-group()) eq 1) then current-group()?p
                  else (let $ps := distinct-values(current-group()?p) return $passages/@xml:id[. = $ps] ! string(.))}"/>
              </xsl:for-each-group>
            </xsl:map>
          </xsl:map-entry>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="notes" as="element(tei:note)*" select="tk:notes-in-order(.)"/>
    <!-- Where each note is, for its label in the results ("Note 3, on ¶12"). -->
    <xsl:variable name="note-places" as="map(*)">
      <xsl:map>
        <xsl:for-each select="$notes">
          <xsl:variable name="at" as="element()?" select="(tokenize(normalize-space(@target), ' ') ! substring-after(., '#')
            ! (let $id := . return $tei/tei:text/tei:body//*[@xml:id = $id]))[1]"/>
          <xsl:map-entry key="string(@xml:id)" select="map{'n': position(), 'on': string(($at/ancestor-or-self::tei:p[@xml:id])[1]/@xml:id),
            'kind': tk:note-kind(.)}"/>
        </xsl:for-each>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="sections" as="map(*)">
      <xsl:map>
        <xsl:for-each select="tei:text/tei:body//tei:div[@xml:id]">
          <xsl:map-entry key="string(@xml:id)" select="tk:section-label(.)"/>
        </xsl:for-each>
      </xsl:map>
    </xsl:variable>
    <html lang="{(@xml:lang, 'en')[1]}">
      <head><meta charset="utf-8"/><title><xsl:value-of select="tk:title(.)"/></title></head>
      <body>
        <div hidden="hidden">
          <span data-pagefind-meta="title"><xsl:value-of select="tk:title(.)"/></span>
          <span data-pagefind-meta="id"><xsl:value-of select="@xml:id"/></span>
          <span data-pagefind-meta="mentions"><xsl:value-of select="serialize($mentions, map{'method': 'json'})"/></span>
          <span data-pagefind-meta="sections"><xsl:value-of select="serialize($sections, map{'method': 'json'})"/></span>
          <span data-pagefind-meta="notes"><xsl:value-of select="serialize($note-places, map{'method': 'json'})"/></span>
          <!-- "doc" scopes a search to this document (the ID is unique); "document" is the facet
               readers see, by title. -->
          <span data-pagefind-filter="doc"><xsl:value-of select="@xml:id"/></span>
          <span data-pagefind-filter="kind">text</span>
          <span data-pagefind-filter="document"><xsl:value-of select="tk:title(.)"/></span>
          <xsl:for-each select="map:keys($mentions)">
            <xsl:sort select="."/>
            <xsl:variable name="facet" as="xs:string" select="."/>
            <xsl:for-each select="map:keys($mentions($facet))">
              <xsl:sort select="."/>
              <span data-pagefind-filter="{$facet}"><xsl:value-of select="."/></span>
            </xsl:for-each>
          </xsl:for-each>
        </div>
        <main data-pagefind-body="">
          <xsl:apply-templates select="tei:text/tei:body/(tei:div | tei:*[tk:is-passage(.)])"/>
          <xsl:for-each select="$notes">
            <h4 id="{@xml:id}"><span data-pagefind-ignore="">Note</span></h4>
            <p><xsl:value-of select="tk:flow(.)"/></p>
          </xsl:for-each>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="tei:div" as="element()*">
    <h2 id="{@xml:id}">
      <xsl:choose>
        <xsl:when test="tei:head"><xsl:value-of select="tei:head ! tk:flow(.)" separator=" "/></xsl:when>
        <xsl:otherwise><span data-pagefind-ignore=""><xsl:value-of select="tk:section-label(.)"/></span></xsl:otherwise>
      </xsl:choose>
    </h2>
    <xsl:apply-templates select="tei:div | tei:*[tk:is-passage(.)]"/>
  </xsl:template>

  <!-- A passage: the edition's paragraph, or any block a reader cites (a verse group, a speech…). -->
  <xsl:template match="tei:*" as="element()*">
    <xsl:if test="@xml:id"><h3 id="{@xml:id}"><span data-pagefind-ignore="">¶</span></h3></xsl:if>
    <p><xsl:value-of select="tk:flow(.)"/></p>
  </xsl:template>

  <!-- The passage a mention is in: the edition's paragraph, or any document's passage block. -->
  <xsl:function name="tk:passage-id" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if ($house) then $el/ancestor::tei:p[@xml:id][1]/@xml:id ! string(.)
      else ($el/ancestor::tei:*[@xml:id][tk:is-passage(.)])[last()]/@xml:id ! string(.)"/>
  </xsl:function>

  <!-- The years a date names: its own, or every year of its range (a mention of 1953–1958 is
       found under 1956); at most a century, so that a vague range does not flood the facet. -->
  <xsl:function name="tk:years" as="xs:string*">
    <xsl:param name="date" as="element(tei:date)"/>
    <xsl:variable name="years" as="xs:integer*"
      select="($date/(@when, @from, @to, @notBefore, @notAfter) ! replace(., '^(-?\d{4}).*$', '$1')[matches(., '^-?\d{4}$')]) ! xs:integer(.)"/>
    <xsl:sequence select="if (empty($years)) then ()
      else if (max($years) - min($years) le 100) then (min($years) to max($years)) ! format-number(., '0000')
      else distinct-values($years) ! format-number(., '0000')"/>
  </xsl:function>
</xsl:stylesheet>
