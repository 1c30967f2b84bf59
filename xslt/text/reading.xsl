<?xml version="1.0" encoding="UTF-8"?>
<!--
  Plain-text reading text.  The layout is the transcription's own (byline, title, source note,
  then paragraphs separated by blank lines), so that the default output reproduces the seed
  exactly: that round trip is how the test suite proves the TEI lost nothing.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  exclude-result-prefixes="#all">

  <!-- Prefix each paragraph with its passage ID, e.g. "[p12] ". -->
  <xsl:param name="ids" as="xs:boolean" select="false()"/>
  <!-- Wrap paragraphs at this many characters; 0 leaves each paragraph on one line. -->
  <xsl:param name="width" as="xs:integer" select="0"/>
  <!-- Space-separated paragraph IDs: print only these (for `teikit resolve`), without front matter. -->
  <xsl:param name="only" as="xs:string" select="''"/>

  <!-- Print the editorial notes after the text (the build option text_notes, the resolve option notes). -->
  <xsl:param name="notes" as="xs:boolean" select="false()"/>

  <xsl:template match="/" as="xs:string">
    <xsl:sequence select="if ($house) then tk:house-text(tei:TEI) else tk:tei-text(tei:TEI)"/>
  </xsl:template>

  <!-- The edition (house profile): byline, title, the archive's note, then the paragraphs, each
       section's head run into its first paragraph as the transcription has it. -->
  <xsl:function name="tk:house-text" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="front" as="element(tei:front)?" select="$tei/tei:text/tei:front"/>
    <xsl:variable name="byline" as="xs:string?" select="$front/tei:byline ! normalize-space(string-join(.//text()))"/>
    <xsl:variable name="title" as="xs:string" select="($front/tei:docTitle ! normalize-space(string-join(.//text())), tk:title($tei))[1]"/>
    <xsl:variable name="source" as="xs:string*" select="$front/tei:div/tei:p ! tk:flow(.)"/>
    <xsl:variable name="selected" as="xs:string*" select="tokenize($only)"/>
    <xsl:variable name="paras" as="xs:string*">
      <xsl:for-each select="$tei/tei:text/tei:body/tei:div/tei:p[empty($selected) or @xml:id = $selected]">
        <xsl:variable name="head" as="xs:string?" select="if (not(preceding-sibling::tei:p)) then ../tei:head ! (tk:flow(.) || ': ') else ()"/>
        <xsl:sequence select="tk:wrap((if ($ids) then '[' || @xml:id || '] ' else '') || $head || tk:flow(.))"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:variable name="commentary" as="xs:string*" select="if ($notes) then tk:notes-text($tei, $selected) else ()"/>
    <xsl:sequence select="(if (exists($selected)) then string-join($paras, '&#10;&#10;') || '&#10;' else string-join((
        ($byline, $title) ! (. || '&#10;&#10;'),
        '&#10;',
        $source ! (tk:wrap(.) || '&#10;&#10;&#10;'),
        string-join($paras, '&#10;&#10;'), '&#10;'), ''))
      || (if (exists($commentary)) then '&#10;&#10;Notes&#10;&#10;' || string-join($commentary, '&#10;&#10;') || '&#10;' else '')"/>
  </xsl:function>

  <!-- Any other TEI: the title, then the front, the body and the back in order, a block to a
       paragraph (a division's head on its own; a verse line, a list item, a line of an opener or a
       closer on its own line; a speech under its speaker), the text's own notes numbered in it and
       printed after it.  Whitespace is the TEI's: each run of it one space, no indentation. -->
  <xsl:function name="tk:tei-text" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="selected" as="xs:string*" select="tokenize($only)"/>
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:choose>
        <xsl:when test="exists($selected)">
          <xsl:for-each select="$tei/tei:text/tei:body//*[@xml:id = $selected]">
            <xsl:sequence select="tk:wrap-lines((if ($ids) then '[' || @xml:id || '] ' else '') || tk:block-text(.))"/>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="$tei/tei:text/(tei:front, tei:body, tei:back)/*" mode="plain"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="footnotes" as="xs:string*" select="tk:footnotes($tei) ! tk:wrap('[' || position() || '] ' || tk:flow(.))"/>
    <xsl:sequence select="string-join((if (exists($selected)) then () else tk:title($tei), $blocks[. ne '']), '&#10;&#10;') || '&#10;'
      || (if (exists($footnotes) and $notes-in-text) then '&#10;Notes&#10;&#10;' || string-join($footnotes, '&#10;&#10;') || '&#10;' else '')"/>
  </xsl:function>
  <!-- Whether the text's own notes are printed after it (always, unless only some passages are). -->
  <xsl:variable name="notes-in-text" as="xs:boolean" select="not(normalize-space($only))"/>

  <xsl:mode name="plain" on-no-match="shallow-skip"/>
  <xsl:template match="tei:div | tei:titlePage | tei:docTitle" mode="plain" as="xs:string*">
    <xsl:apply-templates select="*" mode="plain"/>
  </xsl:template>
  <xsl:template match="tei:head | tei:docAuthor | tei:byline | tei:docImprint | tei:docDate | tei:titlePart | tei:trailer
      | tei:dateline | tei:salute | tei:signed | tei:epigraph | tei:argument" mode="plain" as="xs:string">
    <xsl:sequence select="tk:wrap-lines(tk:block-text(.))"/>
  </xsl:template>
  <xsl:template match="tei:*[local-name() = $tk:blocks]" mode="plain" as="xs:string">
    <xsl:sequence select="tk:wrap-lines((if ($ids and @xml:id and tk:is-passage(.)) then '[' || @xml:id || '] ' else '') || tk:block-text(.))"/>
  </xsl:template>
  <xsl:template match="tei:note | tei:pb | tei:lb | tei:milestone | tei:fw | tei:figDesc | tei:graphic | tei:listPerson | tei:listPlace | tei:listOrg
      | tei:listEvent | tei:anchor | tei:cb" mode="plain" as="empty-sequence()"/>

  <!-- A block as text: its lines (verse, list items, the lines of an opener) joined by line breaks. -->
  <xsl:function name="tk:block-text" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="name" as="xs:string" select="local-name($el)"/>
    <xsl:sequence select="
      if ($name = 'lg') then string-join($el/(tei:head, tei:l, tei:lg, tei:stage) ! tk:block-text(.), '&#10;')
      else if ($name = ('list', 'castList', 'listBibl', 'castGroup'))
        then string-join(($el/tei:head ! tk:flow(.), $el/(tei:item, tei:castItem, tei:castGroup, tei:bibl, tei:biblStruct) ! ('- ' || tk:flow(.))), '&#10;')
      else if ($name = 'table') then string-join(($el/tei:head ! tk:flow(.), $el/tei:row ! string-join(tei:cell ! tk:flow(.), ' | ')), '&#10;')
      else if ($name = ('sp', 'spGrp', 'opener', 'closer', 'postscript', 'cit', 'figure', 'epigraph', 'argument', 'quote')
               and $el/tei:*[not(self::tei:note or self::tei:pb or self::tei:lb or self::tei:milestone or self::tei:fw)]
               [local-name() = $tk:line-blocks or (self::tei:seg and $name = ('opener', 'closer'))])
        then string-join(tk:lines-of($el)[. ne ''], '&#10;')
      else tk:flow($el)"/>
  </xsl:function>
  <!-- What stands on a line of its own inside a mixed block. -->
  <xsl:variable name="tk:line-blocks" as="xs:string+" select="($tk:blocks, 'speaker', 'dateline', 'salute', 'signed', 'head', 'byline', 'bibl', 'address')"/>
  <!-- A mixed block's lines: each block-level child on its own line, runs of words between them too. -->
  <xsl:function name="tk:lines-of" as="xs:string*">
    <xsl:param name="el" as="element()"/>
    <xsl:for-each-group select="$el/node()" group-adjacent="boolean(self::tei:*[local-name() = $tk:line-blocks
        or (self::tei:seg and local-name($el) = ('opener', 'closer'))])">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:sequence select="current-group() ! tk:block-text(.)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="words" as="xs:string*">
            <xsl:apply-templates select="current-group()" mode="text"/>
          </xsl:variable>
          <xsl:sequence select="replace(normalize-space(string-join($words)), '\s*&#xE000;\s*', '')"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:function>
  <!-- Wrap each line of a block on its own. -->
  <xsl:function name="tk:wrap-lines" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="string-join(tokenize($text, '&#10;') ! tk:wrap(.), '&#10;')"/>
  </xsl:function>

  <!-- In this output a note of the text is a numbered mark, and a gap shows as an ellipsis. -->
  <xsl:template match="tei:note[not($house)][not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]" mode="text" priority="1" as="xs:string">
    <xsl:sequence select="if ($notes-in-text) then '[' || tk:footnote-number(.) || ']' else ''"/>
  </xsl:template>
  <xsl:template match="tei:gap[not($house)]" mode="text" priority="1" as="xs:string">
    <xsl:sequence select="'[…]'"/>
  </xsl:template>

  <!-- The notes on the printed paragraphs, in the order of the text: "¶17 (“univers
       concentrationnaire”): text Sources: …". -->
  <xsl:function name="tk:notes-text" as="xs:string*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="selected" as="xs:string*"/>
    <xsl:variable name="words" as="element()*" select="$tei/tei:text/tei:body//*[@xml:id][not(self::tei:div or self::tei:p)]"/>
    <xsl:for-each select="$tei/tei:text/tei:back//tei:note">
      <xsl:sort select="(index-of($words ! string(@xml:id), substring-after(tokenize(normalize-space(current()/@target), ' ')[1], '#')), 0)[1]"/>
      <xsl:variable name="note" as="element(tei:note)" select="."/>
      <xsl:variable name="at" as="element()*" select="tokenize(normalize-space(@target), ' ') ! substring-after(., '#') ! (let $id := . return $words[@xml:id = $id])"/>
      <xsl:if test="empty($selected) or $at/ancestor::tei:p/@xml:id = $selected">
        <xsl:variable name="where" as="xs:string*" select="$at ! ((ancestor::tei:p[1] ! ('¶' || tk:paragraph-number(.)), ancestor::tei:div[1] ! tk:section-label(.))[1] || ' (“' || tk:flow(.) || '”)')"/>
        <xsl:variable name="sources" as="xs:string*" select="tokenize(normalize-space(@source), ' ') ! substring-after(., '#') ! (let $id := . return $tei/tei:text/tei:back//tei:bibl[@xml:id = $id]) ! tk:flow(.)"/>
        <xsl:sequence select="tk:wrap(string-join($where, ', ') || ', ' || $note/@type || ': ' || tk:flow($note) || ' Sources: ' || string-join($sources, '; ') || '.')"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:function>

  <xsl:function name="tk:wrap" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="if ($width le 0) then $text else string-join(tk:lines(tokenize($text, ' '), ''), '&#10;')"/>
  </xsl:function>

  <!-- Greedy word wrap; a word longer than the width stands on a line of its own. -->
  <xsl:function name="tk:lines" as="xs:string*">
    <xsl:param name="words" as="xs:string*"/>
    <xsl:param name="line" as="xs:string"/>
    <xsl:iterate select="$words">
      <xsl:param name="current" as="xs:string" select="$line"/>
      <xsl:on-completion select="$current[. ne '']"/>
      <xsl:variable name="candidate" as="xs:string" select="if ($current eq '') then . else $current || ' ' || ."/>
      <xsl:choose>
        <xsl:when test="string-length($candidate) le $width or $current eq ''">
          <xsl:next-iteration><xsl:with-param name="current" select="$candidate"/></xsl:next-iteration>
        </xsl:when>
        <xsl:otherwise>
          <xsl:sequence select="$current"/>
          <xsl:next-iteration><xsl:with-param name="current" select="string(.)"/></xsl:next-iteration>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:iterate>
  </xsl:function>
</xsl:stylesheet>
