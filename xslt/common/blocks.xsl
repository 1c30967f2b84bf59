<?xml version="1.0" encoding="UTF-8"?>
<!--
  Ordinary TEI in the HTML-based outputs (the reading page, the EPUB's XHTML, the print rendering
  for the PDF): verse, lists, tables, figures, drama, letters' openers and closers, quotations
  set off, page and line breaks, and the transcription's marks (additions, deletions, gaps,
  unclear and supplied readings).  The templates serve the three outputs' modes at once
  (reading, epub, print) and go on in the current mode, so each output keeps its own treatment of
  what it renders differently (mentions, dates, notes, paragraphs' ¶ numbers).

  Each output defines the named template tk:passage-marker (the ¶ number or permalink of a block
  that is a passage); tk:block-start here gives a block its ID, its classes and that marker.

  Text fidelity: nothing here adds words to the author's.  Editorial signs (the brackets of a
  supplied reading, the ellipsis of a gap, a page number) are drawn by CSS from classes and data-
  attributes, so that copying the text never copies them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <!-- A block's ID (for links and citations), its classes (with "passage" when it is one) and its
       passage marker, which each output draws its own way. -->
  <xsl:template name="tk:block-start" as="node()*">
    <xsl:param name="class" as="xs:string"/>
    <xsl:variable name="passage" as="xs:boolean" select="tk:is-passage(.) and exists(@xml:id)"/>
    <xsl:if test="@xml:id">
      <xsl:attribute name="id" select="@xml:id"/>
    </xsl:if>
    <xsl:attribute name="class" select="string-join(($class, tk:rend-classes(.), 'passage'[$passage]), ' ')"/>
    <xsl:if test="@xml:lang">
      <xsl:attribute name="lang" select="@xml:lang"/>
    </xsl:if>
    <xsl:if test="$passage">
      <xsl:call-template name="tk:passage-marker"/>
    </xsl:if>
  </xsl:template>

  <!-- @rend values as classes the stylesheets know (italic, bold, centred…); others are ignored. -->
  <xsl:function name="tk:rend-classes" as="xs:string*">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="tokenize(lower-case(normalize-space($el/@rend)), '[\s;,]+')[. = $tk:rends] ! ('rend-' || .)"/>
  </xsl:function>
  <xsl:variable name="tk:rends" as="xs:string+" select="('italic', 'italics', 'i', 'bold', 'b', 'underline', 'u',
    'superscript', 'sup', 'subscript', 'sub', 'smallcaps', 'small-caps', 'sc', 'center', 'centre', 'right', 'left',
    'indent', 'strikethrough', 'overstrike', 'spaced', 'uppercase', 'caps', 'large', 'small', 'block', 'inline')"/>

  <!-- Paragraph-like blocks. -->
  <xsl:template match="tei:p | tei:ab" mode="reading epub print" as="element()">
    <p>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="local-name()"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </p>
  </xsl:template>

  <!-- A heading where no division template has taken it (a front matter's, a list's). -->
  <xsl:template match="tei:head" mode="reading epub print" as="element()">
    <p class="head {tk:rend-classes(.)}"><xsl:apply-templates mode="#current"/></p>
  </xsl:template>

  <!-- Verse: a group of lines, each line a line of its own. -->
  <xsl:template match="tei:lg" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'lg' || (@type ! (' lg-' || replace(., '[^A-Za-z0-9_-]', '')))"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </div>
  </xsl:template>
  <xsl:template match="tei:l" mode="reading epub print" as="element()">
    <xsl:element name="{if (tk:is-passage(.)) then 'p' else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:if test="@n">
        <xsl:attribute name="data-line" select="@n"/>
      </xsl:if>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'l'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- Lists: ordered where the TEI says so; a label before an item is the item's label. -->
  <xsl:template match="tei:list" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'list'"/>
      </xsl:call-template>
      <xsl:apply-templates select="tei:head" mode="#current"/>
      <xsl:element name="{if (@type = ('ordered', 'numbered') or contains(@rend, 'numbered')) then 'ol' else 'ul'}"
        namespace="http://www.w3.org/1999/xhtml">
        <xsl:apply-templates select="tei:item" mode="#current"/>
      </xsl:element>
    </div>
  </xsl:template>
  <xsl:template match="tei:item" mode="reading epub print" as="element()">
    <li>
      <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
      <xsl:for-each select="preceding-sibling::*[1][self::tei:label]">
        <span class="label"><xsl:apply-templates mode="#current"/></span><xsl:text> </xsl:text>
      </xsl:for-each>
      <xsl:apply-templates mode="#current"/>
    </li>
  </xsl:template>
  <xsl:template match="tei:label" mode="reading epub print" as="element()">
    <xsl:element name="{if (tk:is-passage(.)) then 'p' else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'label'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- Tables: a head is the caption; a cell with role="label" is a header cell. -->
  <xsl:template match="tei:table" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'table'"/>
      </xsl:call-template>
      <table>
        <xsl:for-each select="tei:head[1]">
          <caption><xsl:apply-templates mode="#current"/></caption>
        </xsl:for-each>
        <tbody>
          <xsl:apply-templates select="tei:row" mode="#current"/>
        </tbody>
      </table>
    </div>
  </xsl:template>
  <xsl:template match="tei:row" mode="reading epub print" as="element()">
    <tr><xsl:apply-templates select="tei:cell" mode="#current"/></tr>
  </xsl:template>
  <xsl:template match="tei:cell" mode="reading epub print" as="element()">
    <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:if test="@cols castable as xs:integer and xs:integer(@cols) gt 1"><xsl:attribute name="colspan" select="@cols"/></xsl:if>
      <xsl:if test="@rows castable as xs:integer and xs:integer(@rows) gt 1"><xsl:attribute name="rowspan" select="@rows"/></xsl:if>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>

  <!-- A figure is described, not shown: teikit copies no image files and fetches nothing, so the
       figure's head and description stand for it. -->
  <xsl:template match="tei:figure" mode="reading epub print" as="element()">
    <figure>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'figure'"/>
      </xsl:call-template>
      <xsl:apply-templates select="* except (tei:head, tei:figDesc, tei:graphic)" mode="#current"/>
      <figcaption>
        <xsl:for-each select="tei:head"><span class="figure-head"><xsl:apply-templates mode="#current"/></span><xsl:text> </xsl:text></xsl:for-each>
        <xsl:for-each select="tei:figDesc"><span class="figure-desc"><xsl:apply-templates mode="#current"/></span></xsl:for-each>
        <xsl:if test="empty(tei:head | tei:figDesc)"><span class="figure-desc">Figure</span></xsl:if>
      </figcaption>
    </figure>
  </xsl:template>
  <xsl:template match="tei:graphic | tei:figDesc | tei:fw[@type = ('sig', 'catch', 'catchword')]" mode="reading epub print" as="empty-sequence()"/>

  <!-- Quotations set off as blocks; a citation is its quotation and its source. -->
  <xsl:template match="tei:quote[tk:is-passage(.)] | tei:quote[tei:p | tei:lg | tei:l]" mode="reading epub print" priority="1" as="element()">
    <blockquote>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'quote'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </blockquote>
  </xsl:template>
  <xsl:template match="tei:cit" mode="reading epub print" as="element()">
    <xsl:element name="{if (tk:is-passage(.) or tei:quote[tei:p | tei:lg | tei:l]) then 'div' else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'cit'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="tei:cit/tei:bibl | tei:bibl[not(ancestor::tei:teiHeader)]" mode="reading epub print" as="element()">
    <span class="bibl"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>
  <xsl:template match="tei:listBibl" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'listBibl'"/>
      </xsl:call-template>
      <xsl:apply-templates select="tei:head" mode="#current"/>
      <ul>
        <xsl:for-each select="tei:bibl | tei:biblStruct | tei:listBibl">
          <li><xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if><xsl:apply-templates select="." mode="#current"/></li>
        </xsl:for-each>
      </ul>
    </div>
  </xsl:template>

  <!-- Drama: a speech is one passage, its speaker named, its stage directions set apart. -->
  <xsl:template match="tei:sp | tei:spGrp" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="local-name()"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </div>
  </xsl:template>
  <xsl:template match="tei:speaker" mode="reading epub print" as="element()">
    <p class="speaker"><xsl:apply-templates mode="#current"/></p>
  </xsl:template>
  <xsl:template match="tei:stage" mode="reading epub print" as="element()">
    <xsl:element name="{if (tk:is-passage(.) or parent::tei:sp) then 'p' else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'stage'"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="tei:castList" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="'castList'"/>
      </xsl:call-template>
      <xsl:apply-templates select="tei:head" mode="#current"/>
      <ul><xsl:apply-templates select="* except tei:head" mode="#current"/></ul>
    </div>
  </xsl:template>
  <xsl:template match="tei:castItem | tei:castGroup" mode="reading epub print" as="element()">
    <li class="{local-name()}">
      <xsl:apply-templates select="if (self::tei:castGroup) then tei:head else node()" mode="#current"/>
      <xsl:if test="self::tei:castGroup"><ul><xsl:apply-templates select="* except tei:head" mode="#current"/></ul></xsl:if>
    </li>
  </xsl:template>
  <xsl:template match="tei:castList/tei:roleDesc | tei:castGroup/tei:roleDesc" mode="reading epub print" as="element()">
    <li class="roleDesc"><xsl:apply-templates mode="#current"/></li>
  </xsl:template>

  <!-- Letters: an opening and a closing, each line of them a line. -->
  <xsl:template match="tei:opener | tei:closer | tei:postscript | tei:argument | tei:epigraph | tei:address" mode="reading epub print" as="element()">
    <div>
      <xsl:call-template name="tk:block-start">
        <xsl:with-param name="class" select="local-name()"/>
      </xsl:call-template>
      <xsl:apply-templates mode="#current"/>
    </div>
  </xsl:template>
  <xsl:template match="tei:dateline | tei:salute | tei:signed | tei:byline | tei:docAuthor[not(ancestor::tei:byline)] | tei:trailer
      | tei:addrLine | tei:docDate | tei:docImprint | tei:docEdition | tei:titlePart | tei:imprimatur" mode="reading epub print" as="element()">
    <xsl:element name="{if (parent::tei:p or parent::tei:ab or parent::tei:l or parent::tei:head) then 'span' else 'p'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="string-join((local-name(), tk:rend-classes(.)), ' ')"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>
  <!-- A segment of an opening or a closing (a letterhead's lines) is a line of its own. -->
  <xsl:template match="tei:opener/tei:seg | tei:closer/tei:seg | tei:address/tei:seg" mode="reading epub print" priority="1" as="element()">
    <p class="seg {tk:rend-classes(.)}"><xsl:apply-templates mode="#current"/></p>
  </xsl:template>
  <xsl:template match="tei:titlePage | tei:docTitle" mode="reading epub print" as="element()">
    <div class="{local-name()}"><xsl:apply-templates mode="#current"/></div>
  </xsl:template>

  <!-- Phrase-level renditions. -->
  <xsl:template match="tei:hi" mode="reading epub print" as="element()">
    <xsl:variable name="rend" as="xs:string" select="lower-case(normalize-space(@rend))"/>
    <xsl:element name="{if (matches($rend, '(^|\s)(sup|superscript)($|\s)')) then 'sup'
                        else if (matches($rend, '(^|\s)(sub|subscript)($|\s)')) then 'sub'
                        else if (matches($rend, '(^|\s)(bold|b)($|\s)')) then 'b'
                        else if (matches($rend, '(^|\s)(italic|italics|i)($|\s)') or $rend = '') then 'i'
                        else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="string-join(('hi', tk:rend-classes(.)), ' ')"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="tei:emph" mode="reading epub print" as="element()">
    <em><xsl:apply-templates mode="#current"/></em>
  </xsl:template>
  <xsl:template match="tei:mentioned | tei:term | tei:gloss | tei:distinct" mode="reading epub print" as="element()">
    <xsl:element name="{if (self::tei:mentioned or self::tei:term) then 'i' else 'span'}" namespace="http://www.w3.org/1999/xhtml">
      <xsl:attribute name="class" select="local-name()"/>
      <xsl:apply-templates mode="#current"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="tei:code" mode="reading epub print" as="element()">
    <code><xsl:apply-templates mode="#current"/></code>
  </xsl:template>

  <!-- Breaks: a line break is a line break; a page break is a page number in the margin (drawn by
       CSS from data-n); a column break and a milestone are marks without words. -->
  <xsl:template match="tei:lb" mode="reading epub print" as="element()?">
    <xsl:if test="not(parent::tei:l or parent::tei:lg)">
      <br class="lb"/>
    </xsl:if>
  </xsl:template>
  <xsl:template match="tei:pb" mode="reading epub print" as="element()">
    <span class="pb" role="note" aria-label="page {(@n, '')[1]}">
      <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
      <xsl:attribute name="data-n" select="(@n, '')[1]"/>
    </span>
  </xsl:template>
  <xsl:template match="tei:cb | tei:milestone | tei:gb" mode="reading epub print" as="element()">
    <span class="{local-name()}" data-n="{(@n, '')[1]}" data-unit="{(@unit, '')[1]}"/>
  </xsl:template>
  <xsl:template match="tei:anchor" mode="reading epub print" as="element()">
    <span class="anchor" id="{(@xml:id, generate-id())[1]}"/>
  </xsl:template>
  <!-- Forme work (running heads, page numbers printed on the page) is the page's, not the text's. -->
  <xsl:template match="tei:fw" mode="reading epub print" as="element()">
    <span class="fw"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>

  <!-- The transcription's marks: what the source adds, deletes, lacks, or leaves unclear. -->
  <xsl:template match="tei:add" mode="reading epub print" as="element()">
    <ins class="add"><xsl:apply-templates mode="#current"/></ins>
  </xsl:template>
  <xsl:template match="tei:del" mode="reading epub print" as="element()">
    <del class="del"><xsl:apply-templates mode="#current"/></del>
  </xsl:template>
  <xsl:template match="tei:gap" mode="reading epub print" as="element()">
    <span class="gap" title="{string-join(('gap', @reason, (@quantity || ' ' || @unit)[exists(current()/@quantity)]), ': ')}"/>
  </xsl:template>
  <xsl:template match="tei:unclear | tei:supplied | tei:damage | tei:surplus | tei:restore | tei:secl | tei:sic[not(parent::tei:choice)]
      | tei:orig[not(parent::tei:choice)] | tei:abbr[not(parent::tei:choice)]" mode="reading epub print" as="element()">
    <span class="{local-name()}"><xsl:apply-templates mode="#current"/></span>
  </xsl:template>
  <xsl:template match="tei:space" mode="reading epub print" as="element()">
    <span class="space"><xsl:text> </xsl:text></span>
  </xsl:template>
  <xsl:template match="tei:handShift" mode="reading epub print" as="empty-sequence()"/>

  <!-- Links the TEI makes: safe by validation (link-safe-scheme); a pointer shows its target. -->
  <xsl:template match="tei:ptr[@target]" mode="reading epub print" as="element()">
    <a class="ptr" href="{tokenize(normalize-space(@target), ' ')[1]}"><xsl:value-of select="tokenize(normalize-space(@target), ' ')[1]"/></a>
  </xsl:template>
</xsl:stylesheet>
