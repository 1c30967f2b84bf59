<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared parameters and functions for every output (HTML, plain text, citations).
  The register arrives as a parameter, not through doc(): the Python side has already parsed it
  safely, and a stylesheet that reads no files can be pointed at hostile input without risk.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  exclude-result-prefixes="#all">

  <xsl:param name="register" as="document-node()?" select="()"/>
  <!-- Whether the corpus is in teikit's house profile (see teikit.config): its documents have the
       edition's shape (a front of the archive's notes, commentary in the back), which the layout
       follows; any other TEI is laid out from its own structure. -->
  <xsl:param name="house" as="xs:boolean" select="true()"/>
  <!-- Base of the published edition's URLs; the document's folder and the passage anchor follow. -->
  <xsl:param name="base-url" as="xs:string" select="'https://teikit.example.org/'"/>

  <xsl:variable name="tk:entries" as="element()*"
    select="$register//tei:standOff//(tei:person | tei:place | tei:org | tei:event)[@xml:id]"/>
  <!-- Entries by ID: every mention is looked up, so a map keeps rendering linear in the text. -->
  <xsl:variable name="tk:entry-map" as="map(xs:string, element())"
    select="map:merge($tk:entries ! map{string(@xml:id): .}, map{'duplicates': 'use-first'})"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>

  <!-- JSON to embed in an HTML script element.  The HTML tokeniser ends a script at "</script"
       and enters its "escaped" states at a comment opener, whatever the JSON means, so every "<",
       ">" and "&" is written as a \u escape (JSON-equal, markup-inert); U+2028 and U+2029 likewise,
       since JavaScript before ES2019 ends a string literal at them.  Those five characters can only
       occur inside JSON strings, so replacing them everywhere is exact. -->
  <xsl:function name="tk:json-for-html" as="xs:string">
    <xsl:param name="data" as="item()"/>
    <xsl:variable name="json" as="xs:string" select="serialize($data, map{'method': 'json', 'indent': true()})"/>
    <xsl:sequence select="$json => replace('&amp;', '\\u0026') => replace('&lt;', '\\u003c') => replace('&gt;', '\\u003e')
      => replace('&#x2028;', '\\u2028') => replace('&#x2029;', '\\u2029')"/>
  </xsl:function>

  <!-- The register entries an element points at, in @ref/@who order. -->
  <xsl:function name="tk:targets" as="element()*">
    <xsl:param name="pointers" as="xs:string?"/>
    <xsl:sequence select="tokenize(normalize-space($pointers), ' ') ! $tk:entry-map(substring-after(., '#'))"/>
  </xsl:function>

  <xsl:function name="tk:preferred-name" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="normalize-space(($entry/*[@type = 'preferred'], $entry/*[ends-with(local-name(), 'Name')])[1])"/>
  </xsl:function>

  <xsl:function name="tk:kind" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="local-name($entry)"/>
  </xsl:function>

  <!-- Human-readable form of an ISO date or range, as precise as the value. -->
  <xsl:function name="tk:format-iso" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:variable name="months" as="xs:string+" select="('January','February','March','April','May','June','July','August','September','October','November','December')"/>
    <xsl:variable name="parts" as="xs:string*" select="tokenize($value, '-')[. ne '']"/>
    <xsl:sequence select="
      if (count($parts) = 3) then string(xs:integer($parts[3])) || ' ' || $months[xs:integer($parts[2])] || ' ' || $parts[1]
      else if (count($parts) = 2) then $months[xs:integer($parts[2])] || ' ' || $parts[1]
      else $value"/>
  </xsl:function>

  <!-- A date or a range, ranges compacted as an editor writes them: 1930–1939, October–November
       1956, 19–24 August 1936; a spaced en dash only between full dates of different months. -->
  <xsl:function name="tk:date-label" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if ($el/@when) then tk:format-iso($el/@when)
      else if ($el/@from and $el/@to) then tk:range-label(string($el/@from), string($el/@to))
      else ''"/>
  </xsl:function>

  <xsl:function name="tk:range-label" as="xs:string">
    <xsl:param name="from" as="xs:string"/>
    <xsl:param name="to" as="xs:string"/>
    <xsl:variable name="a" as="xs:string*" select="tokenize(tk:format-iso($from), ' ')"/>
    <xsl:variable name="b" as="xs:string*" select="tokenize(tk:format-iso($to), ' ')"/>
    <xsl:sequence select="
      if ($from eq $to) then tk:format-iso($from)
      else if (count($a) = 1 and count($b) = 1) then $a || '–' || $b
      else if (count($a) = 2 and count($b) = 2 and $a[2] = $b[2]) then $a[1] || '–' || $b[1] || ' ' || $a[2]
      else if (count($a) = 3 and count($b) = 3 and $a[3] = $b[3] and $a[2] = $b[2]) then $a[1] || '–' || $b[1] || ' ' || $a[2] || ' ' || $a[3]
      else tk:format-iso($from) || ' – ' || tk:format-iso($to)"/>
  </xsl:function>

  <!-- Life dates of a person, e.g. "1893–1976". -->
  <xsl:function name="tk:life-dates" as="xs:string?">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="b" as="xs:string?" select="$entry/tei:birth/@when ! substring(., 1, 4)"/>
    <xsl:variable name="d" as="xs:string?" select="$entry/tei:death/@when ! substring(., 1, 4)"/>
    <xsl:sequence select="if ($b or $d) then ($b, '?')[1] || '–' || ($d, '')[1] else ()"/>
  </xsl:function>

  <!-- The sort key of an ISO value (start of the interval it names). -->
  <xsl:function name="tk:date-key" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="string(($el/@when, $el/@from)[1])"/>
  </xsl:function>

  <xsl:function name="tk:document-url" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="(if (ends-with($base-url, '/')) then $base-url else $base-url || '/') || encode-for-uri($tei/@xml:id) || '/'"/>
  </xsl:function>

  <xsl:function name="tk:title" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <!-- The main title, else an analytic one (a letter's, where the first names the series), else
         the first that is not a subtitle (teikit.cite chooses the same). -->
    <xsl:variable name="titles" as="element(tei:title)*" select="$tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="normalize-space(($titles[@type = 'main'], $titles[@level = 'a'], $titles[not(@type = 'sub')])[1])"/>
  </xsl:function>

  <!-- Who publishes an edition, from its header: the series it belongs to, else its publisher;
       empty when the header names neither (page furniture is never written for one edition). -->
  <xsl:function name="tk:edition-name" as="xs:string">
    <xsl:param name="header" as="element(tei:teiHeader)"/>
    <xsl:sequence select="string((($header/tei:fileDesc/tei:seriesStmt/tei:title,
                          $header/tei:fileDesc/tei:publicationStmt/tei:publisher) ! normalize-space(.))[. ne ''][1])"/>
  </xsl:function>

  <!-- A division's label: its head; else its @n; else its position ("Section 2"), as the DTS
       titles untitled units — never a word guessed from one document's shape. -->
  <xsl:function name="tk:section-label" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="if ($div/tei:head) then normalize-space(string-join($div/tei:head[1]//text(), ''))
                          else if (normalize-space($div/@n)) then 'Section ' || normalize-space($div/@n)
                          else 'Section ' || (count($div/preceding-sibling::tei:div) + 1)"/>
  </xsl:function>

  <!-- "12" for p12: the house schema fixes the form pN (and teikit ids gives it), and a substring
       costs a fraction of a regular expression on a path taken for every permalink, index link and
       cite box; a passage with an ID of another form is numbered by its position. -->
  <xsl:function name="tk:paragraph-number" as="xs:string">
    <xsl:param name="p" as="element()"/>
    <xsl:variable name="n" as="xs:string" select="substring($p/@xml:id, 2)"/>
    <xsl:sequence select="if (starts-with($p/@xml:id, 'p') and $n castable as xs:integer and not(contains($n, ' ')))
                          then $n else string(tk:passage-position($p))"/>
  </xsl:function>

  <!-- A passage's place among the document's passages, from a key built once per document:
       counting the passages before it walked the whole document for each one, which made a
       document with IDs of its own grow with the square of its length. -->
  <xsl:key name="tk:passages" match="tei:*[tk:is-passage(.)]" use="'all'"/>
  <xsl:function name="tk:passage-position" as="xs:integer">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="(tk:numbered(root($p), 'tk:passages')(generate-id($p)), count($p/preceding::*[tk:is-passage(.)]) + 1)[1]"/>
  </xsl:function>

  <!-- The elements of key $key ('all') in one document, each by its generate-id() -> its place in
       document order: made once per document and transformation (cache), then a lookup each. -->
  <xsl:function name="tk:numbered" as="map(xs:string, xs:integer)" cache="yes" new-each-time="no">
    <xsl:param name="root" as="node()"/>
    <xsl:param name="key" as="xs:string"/>
    <xsl:variable name="all" as="element()*" select="key($key, 'all', $root)"/>
    <xsl:sequence select="map:merge(for $i in 1 to count($all) return map{generate-id($all[$i]): $i})"
      xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
  </xsl:function>

  <!-- The notes of the text itself (footnotes, marginal notes: not the edition's commentary, which
       stands in the back and points at its words), numbered in the order of the text. -->
  <xsl:function name="tk:footnotes" as="element(tei:note)*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="$tei/tei:text//tei:note[not(ancestor::tei:note)][not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]"/>
  </xsl:function>
  <!-- The same notes, indexed once per document: numbering a note by counting the notes before it
       walked the whole document for each one (the square of its length for a text with many). -->
  <xsl:key name="tk:footnotes" use="'all'"
    match="tei:text//tei:note[not(ancestor::tei:note)][not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]"/>
  <xsl:function name="tk:footnote-number" as="xs:integer">
    <xsl:param name="note" as="element(tei:note)"/>
    <!-- A note that is not one of them (inside another note) is numbered as before: by counting. -->
    <xsl:sequence select="(tk:numbered(root($note), 'tk:footnotes')(generate-id($note)),
      count($note/preceding::tei:note[not(ancestor::tei:note)][ancestor::tei:text][not(ancestor::tei:back) or ancestor::tei:div[not(@type = ('commentary', 'bibliography'))]]) + 1)[1]"/>
  </xsl:function>

  <!-- The blocks a reader cites (teikit.passages.PASSAGE_BLOCKS): each is a passage with a ¶
       number when it stands in a division or the body itself, not inside another block. -->
  <xsl:variable name="tk:blocks" as="xs:string+" select="('p', 'ab', 'lg', 'sp', 'list', 'table', 'quote', 'figure',
    'opener', 'closer', 'postscript', 'castList', 'stage', 'listBibl', 'cit', 'l', 'label', 'spGrp')"/>
  <xsl:variable name="tk:not-text" as="xs:string+" select="('note', 'figure', 'castList', 'listBibl', 'table', 'list')"/>
  <xsl:function name="tk:is-passage" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="div" as="element()?" select="$el/ancestor::tei:div[1]"/>
    <xsl:sequence select="$el/self::tei:* and local-name($el) = $tk:blocks and exists($el/ancestor::tei:body)
      and empty($el/ancestor::tei:*[local-name() = ($tk:blocks, $tk:not-text)][empty($div) or . >> $div])"/>
  </xsl:function>

  <!-- A date's line in the chronology (the HTML indexes, the EPUB's back matter). -->
  <xsl:function name="tk:chronology-id" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="'date-' || replace(tk:date-key($el) || '/' || string($el/@to), '[^0-9A-Za-z-]', '_')"/>
  </xsl:function>

  <!-- The edition's latest date in its header (changes, publication), "" if none: the date the
       EPUB and PDF record, so that they never carry the build's clock. -->
  <xsl:function name="tk:last-change" as="xs:string">
    <xsl:param name="header" as="element(tei:teiHeader)"/>
    <xsl:sequence select="string((($header/tei:revisionDesc/tei:change/@when, $header/tei:fileDesc/tei:publicationStmt/tei:date/@when)
      [matches(., '^\d{4}-\d{2}-\d{2}$')] ! string(.) => sort())[last()])"/>
  </xsl:function>
</xsl:stylesheet>
