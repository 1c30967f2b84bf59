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
    <!-- Entry ID -> the paragraphs that mention it, in document order, built in one pass over the
         text: grouped, not map:merge(…, 'combine'), which appends one paragraph at a time to an
         immutable sequence (the square of an entry's mentions: seconds for a long document). -->
    <xsl:variable name="mentioned-in" as="map(xs:string, element()*)">
      <xsl:map>
        <xsl:for-each-group select="if ($house) then $tei/tei:text/tei:body/tei:div/tei:p else $tei/tei:text/tei:body//tei:*[tk:is-passage(.)]"
          group-by="distinct-values(.//@ref/tokenize(normalize-space(.), ' ') ! substring-after(., '#'))">
          <xsl:map-entry key="current-grouping-key()" select="current-group()"/>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <section id="indexes" class="indexes" aria-labelledby="indexes-heading">
      <h2 id="indexes-heading">Indexes</h2>
      <p class="index-key">Persons are sorted by surname. Each “mentioned in” link leads to the words
        themselves. Authority links go to Wikidata or GeoNames; <span class="cert">(single source)</span>
        marks an identifier that only one source confirmed.</p>
      <xsl:for-each select="('person', 'place', 'org', 'event')">
        <xsl:variable name="kind" as="xs:string" select="."/>
        <xsl:variable name="label" as="xs:string" select="map{'person':'Persons','place':'Places','org':'Organisations','event':'Events'}($kind)"/>
        <section id="index-{$kind}" aria-labelledby="index-{$kind}-heading">
          <h3 id="index-{$kind}-heading"><xsl:value-of select="$label"/></h3>
          <ul class="index">
            <xsl:for-each select="$entries[local-name() = $kind]">
              <xsl:sort select="lower-case(if ($kind = 'person') then tk:sort-name(.) else tk:preferred-name(.))" lang="en"/>
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
    <xsl:param name="passages" as="element()*"/>
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
              <!-- To the first words in this paragraph that name the entry. -->
              <xsl:variable name="words" as="element()?" select="(.//*[@ref][tokenize(normalize-space(@ref), ' ') ! substring-after(., '#') = $id])[1]"/>
              <a href="#{if ($words) then tk:mention-id($words) else @xml:id}">¶<xsl:value-of select="tk:paragraph-number(.)"/></a>
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
      <!-- An event's dates, unless its normalised name already states them. -->
      <xsl:if test="$entry/(@when | @from) and not(matches(tk:preferred-name($entry), '\(\d{4}'))"><xsl:text> </xsl:text><span class="entry-dates">(<xsl:value-of select="tk:date-label($entry)"/>)</span></xsl:if>
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

  <!-- A person's sort name: the surname (the last word of the normalised name, "Mao Zedong" and the
       like being stored with the surname first by the register as "Mao Zedong" too, so the
       register's own surname element is preferred when it has one). -->
  <xsl:function name="tk:sort-name" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="name" as="xs:string" select="tk:preferred-name($entry)"/>
    <xsl:variable name="words" as="xs:string*" select="tokenize($name, ' ')"/>
    <xsl:sequence select="(($entry/*[@type = 'preferred']//tei:surname)[1] ! normalize-space(.),
      if (count($words) gt 1 and not(matches($name, '\s(I|II|III|IV|V)$'))) then $words[last()] || ' ' || string-join($words[position() lt last()], ' ') else $name)[1]"/>
  </xsl:function>

  <!-- The chronology merges the dates the text mentions and the dated events it names, in order;
       each line links back to the words. -->
  <xsl:template name="tk:chronology" as="element()">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="dated" as="element()*" select="$tei/tei:text/tei:body//tei:date
      | $tei/tei:text/tei:body//tei:eventName[tk:targets(@ref)[1][@when or @from]]"/>
    <section id="chronology" aria-labelledby="chronology-heading">
      <h3 id="chronology-heading">Chronology</h3>
      <p class="index-key">The dates the article mentions, and the dated events it names (with the
        event’s dates from the register).</p>
      <ol class="chronology">
        <xsl:for-each-group select="$dated" group-by="tk:chronology-key(.)">
          <!-- By the start date (a year before a day in it), then by the rest of the key. -->
          <xsl:sort select="substring-before(current-grouping-key(), '/')"/>
          <xsl:sort select="current-grouping-key()"/>
          <xsl:variable name="first" as="element()" select="current-group()[1]"/>
          <xsl:variable name="event" as="element()?" select="$first[self::tei:eventName] ! tk:targets(@ref)[1]"/>
          <li id="{if ($event) then 'event-' || $event/@xml:id else tk:chronology-id($first)}">
            <time datetime="{tk:date-key(($event, $first)[1])}"><xsl:value-of select="tk:date-label(($event, $first)[1])"/></time>
            <xsl:text>: </xsl:text>
            <xsl:if test="$event"><span class="chronology-event"><xsl:value-of select="tk:preferred-name($event)"/></span><xsl:text>, </xsl:text></xsl:if>
            <xsl:for-each-group select="current-group()" group-by="ancestor::tei:p[1]/@xml:id">
              <a href="#{if (current-group()[1][self::tei:eventName]) then tk:mention-id(current-group()[1]) else current-grouping-key()}">¶<xsl:value-of select="replace(current-grouping-key(), '^p', '')"/></a>
              <xsl:if test="not($event)"><span class="chronology-phrase"> (“<xsl:value-of select="normalize-space(string-join(current-group()[1]//text()))"/>”)</span></xsl:if>
              <xsl:if test="position() ne last()">, </xsl:if>
            </xsl:for-each-group>
          </li>
        </xsl:for-each-group>
      </ol>
    </section>
  </xsl:template>

  <xsl:function name="tk:chronology-key" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="dated" as="element()" select="if ($el/self::tei:eventName) then tk:targets($el/@ref)[1] else $el"/>
    <xsl:sequence select="tk:date-key($dated) || '/' || string($dated/@to) || (if ($el/self::tei:eventName) then '/' || $dated/@xml:id else '')"/>
  </xsl:function>
</xsl:stylesheet>
