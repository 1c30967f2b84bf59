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


  <!-- A division at any depth (a chapter's sections: h3, h4…); in the front and the back too, for
       a document of any shape. -->
  <xsl:template match="tei:div" mode="reading" as="element()">
    <xsl:variable name="id" as="xs:string" select="(@xml:id, generate-id())[1]"/>
    <xsl:variable name="h" as="xs:string" select="'h' || min((count(ancestor::tei:div) + 2, 6))"/>
    <section id="{$id}" class="section" aria-labelledby="{$id}-heading">
      <xsl:choose>
        <!-- A run-in head runs into its first paragraph, as in the source ("Revision and Revolt: In
             the first period…"), and stays a heading for the outline. -->
        <xsl:when test="tei:head[@rend = 'run-in']">
          <div class="run-in">
            <xsl:element name="{$h}" namespace="http://www.w3.org/1999/xhtml"><xsl:attribute name="id" select="$id || '-heading'"/><xsl:attribute name="class" select="'section-head run-in-head'"/><xsl:apply-templates select="tei:head/node()" mode="reading"/></xsl:element>
            <xsl:apply-templates select="tei:p[1]" mode="reading"/>
          </div>
          <xsl:apply-templates select="tei:p[position() gt 1]" mode="reading"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:element name="{$h}" namespace="http://www.w3.org/1999/xhtml">
            <xsl:attribute name="id" select="$id || '-heading'"/>
            <xsl:attribute name="class" select="if (tei:head) then 'section-head' else 'section-head untitled'"/>
            <xsl:choose>
              <xsl:when test="tei:head"><xsl:apply-templates select="tei:head[1]/node()" mode="reading"/></xsl:when>
              <xsl:otherwise><span class="visually-hidden"><xsl:value-of select="tk:section-label(.)"/></span></xsl:otherwise>
            </xsl:choose>
          </xsl:element>
          <xsl:apply-templates select="* except tei:head[1]" mode="reading"/>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- The ¶ number hangs in the margin, drawn by CSS from data-n: it is no text of the paragraph, so
       copying a stretch of the text or finding a word in the page never meets it.  It links to the
       paragraph; teikit.js opens the citation panel from it. -->
  <xsl:template match="tei:body/tei:div/tei:p" mode="reading" as="element()">
    <xsl:variable name="n" as="xs:string" select="tk:paragraph-number(.)"/>
    <p id="{@xml:id}" class="passage">
      <a class="permalink" href="#{@xml:id}" data-n="{$n}" aria-label="¶{$n}: link and citation"></a>
      <xsl:apply-templates mode="reading"/>
    </p>
  </xsl:template>

  <!-- A passage other than the edition's paragraphs (a verse group, a speech…: common/blocks.xsl)
       carries the same permalink and ¶ number. -->
  <xsl:template name="tk:passage-marker" as="element()">
    <xsl:variable name="n" as="xs:string" select="tk:paragraph-number(.)"/>
    <a class="permalink" href="#{@xml:id}" data-n="{$n}" aria-label="¶{$n}: link and citation"></a>
  </xsl:template>

  <!-- A note in the text (not the edition's commentary, which points at its words from the back):
       a numbered marker that opens the note in place (popover), and the note in the list of notes
       after the text. -->
  <xsl:template match="tei:note[not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]" mode="reading" as="node()*">
    <xsl:variable name="n" as="xs:integer" select="tk:footnote-number(.)"/>
    <a class="note-ref footnote-ref" href="#fn{$n}" id="fnref{$n}" role="doc-noteref" aria-label="Note {$n}"><xsl:value-of select="$n"/></a>
  </xsl:template>

  <!-- A mention's own ID, for the indexes' links back to the very words: its paragraph and its
       place among the paragraph's mentions (those that start before it, enclosing ones included).
       Counted inside the paragraph: the preceding axis would walk the whole document for each
       mention, which made a long document's build grow with the square of its length. -->
  <xsl:function name="tk:mention-id" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="p" as="element()?" select="$el/ancestor::tei:p[1]"/>
    <xsl:sequence select="'m-' || ($p/@xml:id, 'x')[1] || '-' || (count($p//*[self::tei:persName or self::tei:placeName
      or self::tei:orgName or self::tei:eventName][. &lt;&lt; $el]) + 1)"/>
  </xsl:function>

  <xsl:template match="text()" mode="reading" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>

  <!-- A mention is one link to its register entry (one Tab stop).  A mention inside another is part
       of the outer link (HTML forbids nested links), as a span that names its own entry: the panel
       teikit.js opens offers both, outer first; so does a mention with two targets.  Without
       JavaScript the link leads to the (outer) entry in the index. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:eventName" mode="reading" as="node()*">
    <xsl:variable name="targets" as="element()*" select="tk:targets(@ref)"/>
    <xsl:variable name="kind" as="xs:string" select="($targets[1] ! tk:kind(.), 'unknown')[1]"/>
    <xsl:variable name="class" as="xs:string" select="'mention mention-' || $kind || (if (@type = 'metonym') then ' metonym' else '')"/>
    <xsl:variable name="all" as="xs:string*" select="distinct-values(($targets, .//(tei:persName | tei:placeName | tei:orgName | tei:eventName) ! tk:targets(@ref)) ! string(@xml:id))"/>
    <xsl:choose>
      <xsl:when test="not(ancestor::tei:body)">
        <xsl:apply-templates mode="reading"/>
      </xsl:when>
      <xsl:when test="empty($targets) or ancestor::*[self::tei:persName or self::tei:placeName or self::tei:orgName or self::tei:eventName]">
        <span class="{$class}" id="{tk:mention-id(.)}" data-entries="{$targets/@xml:id}"><xsl:apply-templates mode="reading"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a class="{$class}" id="{tk:mention-id(.)}" href="#entry-{$targets[1]/@xml:id}" data-entries="{$all}"><xsl:apply-templates mode="reading"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A date is shown as a date and leads to its line of the chronology (as text inside a mention,
       whose link it cannot hold). -->
  <xsl:template match="tei:date" mode="reading" as="element()">
    <xsl:variable name="time" as="element()">
      <time datetime="{(@when, @from)[1]}" title="{tk:date-label(.)}"><xsl:apply-templates mode="reading"/></time>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="ancestor::*[self::tei:persName or self::tei:placeName or self::tei:orgName or self::tei:eventName] or not(ancestor::tei:body)">
        <span class="date"><xsl:sequence select="$time"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a class="date" href="#{tk:chronology-id(.)}"><xsl:sequence select="$time"/></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>


  <xsl:template match="tei:roleName" mode="reading" as="element()">
    <span class="role"><xsl:apply-templates mode="reading"/></span>
  </xsl:template>
  <xsl:template match="tei:forename | tei:surname" mode="reading" as="node()*">
    <xsl:apply-templates mode="reading"/>
  </xsl:template>

  <!-- The quotation marks are in the text, so no element that adds its own marks (q) is used. -->
  <!-- The speaker is shown beside the quotation (drawn by CSS from data-speaker, so never copied as
       the author's words), and said for assistive technology by the title. -->
  <xsl:template match="tei:said" mode="reading" as="element()">
    <xsl:variable name="speakers" as="xs:string" select="string-join(tk:targets(@who) ! tk:preferred-name(.), ' and ')"/>
    <span class="said" data-speaker="{$speakers}" title="Said by {$speakers}"><xsl:apply-templates mode="reading"/></span>
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
