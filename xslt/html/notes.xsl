<?xml version="1.0" encoding="UTF-8"?>
<!--
  The editorial commentary in the reading edition: a numbered marker after the words each note
  explains, which opens the note in place (the HTML popover attribute: keyboard, touch and light
  dismiss, no JavaScript), and the list of notes with their sources after the text, each linking
  back to the words.  Notes are numbered in the order of the text, whatever their order in <back>.
  Corrections (choice) show the source's reading: the text is never changed.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <!-- The notes that point at an element, by the element's xml:id. -->
  <xsl:key name="tk:notes-by-target" match="tei:back//tei:note[@target]"
    use="tokenize(normalize-space(@target), ' ') ! substring-after(., '#')"/>

  <!-- The notes in the order of the text: by the position of the first word each explains.  Made
       once per document and transformation (cache), and grouped rather than looked up note by
       note: a note's number used to rebuild this list and search it, for every note. -->
  <xsl:function name="tk:notes-in-order" as="element(tei:note)*" cache="yes" new-each-time="no">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="targeted" as="element()*"
      select="$tei/tei:text/(tei:front | tei:body)//*[@xml:id][exists(key('tk:notes-by-target', @xml:id))]"/>
    <xsl:for-each-group select="$targeted ! key('tk:notes-by-target', @xml:id)" group-by="generate-id(.)">
      <xsl:sequence select="current-group()[1][exists(ancestor::tei:back[../.. is $tei])]"/>
    </xsl:for-each-group>
  </xsl:function>

  <xsl:function name="tk:note-number" as="xs:integer">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="tk:note-numbers($note/ancestor::tei:TEI)(generate-id($note))"/>
  </xsl:function>
  <xsl:function name="tk:note-numbers" as="map(xs:string, xs:integer)" cache="yes" new-each-time="no">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="notes" as="element(tei:note)*" select="tk:notes-in-order($tei)"/>
    <xsl:sequence select="map:merge(for $i in 1 to count($notes) return map{generate-id($notes[$i]): $i})"
      xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
  </xsl:function>

  <xsl:template match="tei:body//*[@xml:id][exists(key('tk:notes-by-target', @xml:id))]" mode="reading" priority="10" as="node()*">
    <xsl:next-match/>
    <xsl:variable name="at" as="xs:string" select="@xml:id"/>
    <xsl:for-each select="key('tk:notes-by-target', @xml:id)">
      <xsl:variable name="n" as="xs:integer" select="tk:note-number(.)"/>
      <xsl:variable name="pop" as="xs:string" select="'pop-' || @xml:id || '-' || $at"/>
      <button type="button" class="note-ref" id="ref-{@xml:id}-{$at}" popovertarget="{$pop}"
        aria-label="Note {$n}"><xsl:value-of select="$n"/></button>
      <span id="{$pop}" popover="auto" class="note-pop">
        <span class="note-kind"><xsl:value-of select="tk:note-kind(.)"/> note <xsl:value-of select="$n"/>. </span>
        <xsl:apply-templates mode="reading"/>
        <xsl:text> </xsl:text>
        <a href="#{@xml:id}">Sources</a>
      </span>
    </xsl:for-each>
  </xsl:template>

  <xsl:function name="tk:note-kind" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <!-- The house kinds by name; any other note pointing at the text (ordinary TEI: no @type, or
         one of the project's) is an editorial note. -->
    <xsl:sequence select="(map{'explanatory': 'Explanatory', 'contextual': 'Contextual', 'corrective': 'Corrective'}(string($note/@type)),
      'Editorial')[1]"/>
  </xsl:function>

  <xsl:template match="tei:seg" mode="reading" as="node()*">
    <xsl:apply-templates mode="reading"/>
  </xsl:template>

  <!-- The source's reading, always: the correction is in the corrective note.  An abbreviation
       or an original spelling is shown as the source has it, its expansion or regularisation
       offered as the element's title (a tooltip, and what assistive technology reads for abbr). -->
  <xsl:template match="tei:choice" mode="reading" as="node()*">
    <xsl:choose>
      <xsl:when test="tei:sic"><xsl:apply-templates select="tei:sic/node()" mode="reading"/></xsl:when>
      <xsl:when test="tei:abbr"><abbr title="{normalize-space(tei:expan[1])}"><xsl:apply-templates select="tei:abbr[1]/node()" mode="reading"/></abbr></xsl:when>
      <xsl:when test="tei:orig"><span class="orig" title="{normalize-space(tei:reg[1])}"><xsl:apply-templates select="tei:orig[1]/node()" mode="reading"/></span></xsl:when>
      <xsl:otherwise><xsl:apply-templates select="*[1]/node()" mode="reading"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The list of notes, after the text. -->
  <xsl:template name="tk:notes" as="element()?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="notes" as="element(tei:note)*" select="tk:notes-in-order($tei)"/>
    <xsl:if test="exists($notes)">
      <section id="notes" class="notes" aria-labelledby="notes-heading">
        <h2 id="notes-heading">Notes</h2>
        <ol class="note-list">
          <xsl:for-each select="$notes">
            <xsl:variable name="note" as="element(tei:note)" select="."/>
            <li id="{@xml:id}" class="note note-{@type}">
              <span class="note-kind"><xsl:value-of select="tk:note-kind(.)"/>. </span>
              <xsl:apply-templates mode="reading"/>
              <span class="note-sources"> Sources:
                <xsl:for-each select="tokenize(normalize-space(@source), ' ') ! substring-after(., '#')">
                  <xsl:variable name="bibl" as="element(tei:bibl)?" select="($tei/tei:text/tei:back//tei:bibl[@xml:id = current()])[1]"/>
                  <xsl:if test="position() gt 1">; </xsl:if>
                  <xsl:apply-templates select="$bibl/node()" mode="reading"/>
                </xsl:for-each>.</span>
              <xsl:text> </xsl:text>
              <xsl:for-each select="tokenize(normalize-space(@target), ' ') ! substring-after(., '#')">
                <xsl:variable name="words" as="element()?" select="($tei//*[@xml:id = current()])[1]"/>
                <a class="note-back" href="#ref-{$note/@xml:id}-{.}">back to ¶<xsl:value-of
                  select="$words/ancestor-or-self::tei:p[1] ! tk:paragraph-number(.), $words/ancestor::tei:div[1] ! tk:section-label(.)"/></a>
                <xsl:if test="position() lt last()"><xsl:text> </xsl:text></xsl:if>
              </xsl:for-each>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:ref[@target]" mode="reading" as="element()">
    <a href="{@target}"><xsl:apply-templates mode="reading"/></a>
  </xsl:template>
</xsl:stylesheet>
