<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet xmlns:map="http://www.w3.org/2005/xpath-functions/map"
                xmlns:tei="http://www.tei-c.org/ns/1.0"
                xmlns:tkv="urn:teikit:validator"
                xmlns:xs="http://www.w3.org/2001/XMLSchema"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                version="3.0"
                exclude-result-prefixes="#all">
   <xsl:output method="xml" indent="no"/>
   <xsl:mode on-no-match="shallow-skip"/>
   <xsl:param name="register" select="/"/>
   <xsl:param name="entry-kinds"
              select="map:merge($register//tei:standOff//*[@xml:id] ! map{string(@xml:id): local-name(.)}, map{'duplicates': 'use-first'})"/>
   <xsl:param name="id-counts"
              select="map:merge(//@xml:id ! map{string(.): 1}, map{'duplicates': 'combine'})"/>
   <xsl:param name="paragraph-numbers"
              select="let $ps := /tei:TEI/tei:text/tei:body/tei:div/tei:p return     map:merge(for $i in 1 to count($ps) return map{generate-id($ps[$i]): $i})"/>
   <xsl:template match="/" as="element()">
      <problems>
         <xsl:variable name="tkv:nodes" select="//(* | @*)"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-1"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-2"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-3"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-4"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-5"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-6"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-7"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-8"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-9"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-10"/>
         <xsl:apply-templates select="$tkv:nodes" mode="pattern-11"/>
      </problems>
   </xsl:template>
   <xsl:mode name="pattern-1" on-no-match="deep-skip"/>
   <xsl:template match="tei:*[@ref]" mode="pattern-1" priority="1000">
      <xsl:variable name="tokens" select="tokenize(@ref)"/>
      <xsl:variable name="wanted"
                    select="map{'persName':'person','placeName':'place','orgName':'org','eventName':'event'}(local-name())"/>
      <xsl:variable name="bad-form"
                    select="$tokens[not(matches(., '^register\.xml#[A-Za-z_][A-Za-z0-9_.\-]*$'))]"/>
      <xsl:variable name="missing"
                    select="$tokens[not(map:contains($entry-kinds, substring-after(., '#')))][not(. = $bad-form)]"/>
      <xsl:variable name="wrong-kind"
                    select="if (exists($wanted)) then $tokens[not($entry-kinds(substring-after(., '#')) = $wanted)][not(. = ($bad-form, $missing))] else ()"/>
      <xsl:if test="not(empty($bad-form) and exists($tokens))">
         <problem rule="ref-form" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/>/@ref must point into the register as register.xml#ID; found “<xsl:value-of select="string-join($bad-form, ' ')"/>”.</problem>
      </xsl:if>
      <xsl:if test="not(empty($missing))">
         <problem rule="ref-target-exists" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/>/@ref points at <xsl:value-of select="string-join($missing, ', ')"/>, which is not in the register.</problem>
      </xsl:if>
      <xsl:if test="not(empty($wrong-kind))">
         <problem rule="ref-target-kind" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/> must point at a <xsl:value-of select="$wanted"/> entry, but <xsl:value-of select="string-join($wrong-kind, ', ')"/> is a <xsl:value-of select="string-join(distinct-values($wrong-kind ! string($entry-kinds(substring-after(., '#')))), ', ')"/>.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-2" on-no-match="deep-skip"/>
   <xsl:template match="tei:persName[not(ancestor::tei:standOff)] | tei:placeName[not(ancestor::tei:standOff)] | tei:orgName[not(ancestor::tei:standOff)] | tei:eventName[not(ancestor::tei:standOff)]"
                 mode="pattern-2"
                 priority="1000">
      <xsl:if test="not(@ref)">
         <problem rule="mention-ref" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/> “<xsl:value-of select="normalize-space(.)"/>” must point at its register entry with @ref.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:date" mode="pattern-2" priority="999">
      <xsl:if test="not(@when or @from or @to or (@notBefore and @notAfter))">
         <problem rule="date-value" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>date “<xsl:value-of select="normalize-space(.)"/>” needs a machine-readable value: @when, or @from and @to (or, for an undated event known to lie between two dates, @notBefore and @notAfter).</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-3" on-no-match="deep-skip"/>
   <xsl:template match="tei:said" mode="pattern-3" priority="1000">
      <xsl:variable name="tokens" select="tokenize(normalize-space(@who), ' ')"/>
      <xsl:variable name="not-persons"
                    select="$tokens[not(starts-with(., 'register.xml#') and $entry-kinds(substring-after(., '#')) = 'person')]"/>
      <xsl:if test="not(exists($tokens))">
         <problem rule="said-who" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>said must name its speaker(s) with @who.</problem>
      </xsl:if>
      <xsl:if test="not(empty($not-persons))">
         <problem rule="who-target-person" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>said/@who must point at persons in the register as register.xml#ID; <xsl:value-of select="string-join($not-persons, ', ')"/> is not one.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-4" on-no-match="deep-skip"/>
   <xsl:template match="tei:text/tei:body/tei:div" mode="pattern-4" priority="1000">
      <xsl:variable name="expected" select="'s' || count(preceding-sibling::tei:div) + 1"/>
      <xsl:if test="not(@xml:id = $expected)">
         <problem rule="passage-id-section" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Section <xsl:value-of select="count(preceding-sibling::tei:div) + 1"/> must have the passage ID “<xsl:value-of select="$expected"/>” (sections are s1, s2, … in order); found “<xsl:value-of select="@xml:id"/>”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:text/tei:body/tei:div/tei:p"
                 mode="pattern-4"
                 priority="999">
      <xsl:variable name="expected" select="'p' || $paragraph-numbers(generate-id(.))"/>
      <xsl:if test="not(@xml:id = $expected)">
         <problem rule="passage-id-paragraph" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Paragraph <xsl:value-of select="$paragraph-numbers(generate-id(.))"/> must have the passage ID “<xsl:value-of select="$expected"/>” (paragraphs are p1, p2, … through the whole document); found “<xsl:value-of select="@xml:id"/>”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:refsDecl" mode="pattern-4" priority="998">
      <xsl:if test="not(count(tei:citeStructure) = 1 and tei:citeStructure[@unit = 'section' and @match = '/TEI/text/body/div' and @use = '@xml:id'] and count(tei:citeStructure/tei:citeStructure) = 1 and tei:citeStructure/tei:citeStructure[@unit = 'paragraph' and @match = 'p' and @use = '@xml:id' and empty(tei:citeStructure)])">
         <problem rule="citestructure-scheme" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>The citeStructure must declare the passage scheme the body follows: unit “section” matching /TEI/text/body/div by @xml:id, containing only unit “paragraph” matching p by @xml:id.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-5" on-no-match="deep-skip"/>
   <xsl:template match="tei:*[@when or @from or @to]"
                 mode="pattern-5"
                 priority="1000">
      <xsl:variable name="bad"
                    select="(@when, @from, @to)[not(. castable as xs:date or . castable as xs:gYearMonth or . castable as xs:gYear)]"/>
      <xsl:variable name="from"
                    select="for $v in @from return if ($v castable as xs:date) then xs:date($v) else if ($v castable as xs:gYearMonth) then xs:date($v || '-01') else if ($v castable as xs:gYear) then xs:date($v || '-01-01') else ()"/>
      <xsl:variable name="to"
                    select="for $v in @to return if ($v castable as xs:date) then xs:date($v) else if ($v castable as xs:gYearMonth) then xs:date($v || '-01') else if ($v castable as xs:gYear) then xs:date($v || '-01-01') else ()"/>
      <xsl:if test="not(empty($bad))">
         <problem rule="date-iso" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="string-join($bad!(name() || '=&#34;' || . || '&#34;'), ', ')"/> on <xsl:value-of select="name(.)"/> is not a real ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD).</problem>
      </xsl:if>
      <xsl:if test="not(exists(@from) = exists(@to) and not(@when and @from))">
         <problem rule="date-range-pair" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/> needs either @when, or both @from and @to.</problem>
      </xsl:if>
      <xsl:if test="not(empty($from) or empty($to) or $from le $to)">
         <problem rule="date-range-order" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>
            <xsl:value-of select="name(.)"/> has @from=“<xsl:value-of select="@from"/>” after @to=“<xsl:value-of select="@to"/>”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-6" on-no-match="deep-skip"/>
   <xsl:template match="tei:idno[@type = 'wikidata']"
                 mode="pattern-6"
                 priority="1000">
      <xsl:if test="not(matches(., '^Q[1-9][0-9]*$'))">
         <problem rule="authority-wikidata-form" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>A Wikidata identifier is Q followed by digits; found “<xsl:value-of select="."/>”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:idno[@type = 'geonames']"
                 mode="pattern-6"
                 priority="999">
      <xsl:if test="not(matches(., '^[1-9][0-9]*$'))">
         <problem rule="authority-geonames-form" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>A GeoNames identifier is digits only; found “<xsl:value-of select="."/>”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-7" on-no-match="deep-skip"/>
   <xsl:template match="tei:standOff//tei:person | tei:standOff//tei:place | tei:standOff//tei:org | tei:standOff//tei:event"
                 mode="pattern-7"
                 priority="1000">
      <xsl:if test="not(count(*[@type = 'preferred']) = 1)">
         <problem rule="register-preferred-name" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Register entry “<xsl:value-of select="@xml:id"/>” must have exactly one name of type “preferred”.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-8" on-no-match="deep-skip"/>
   <xsl:template match="*[@xml:id]" mode="pattern-8" priority="1000">
      <xsl:variable name="id" select="string(@xml:id)"/>
      <xsl:if test="not(sum($id-counts($id)) = 1)">
         <problem rule="id-unique" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>The ID “<xsl:value-of select="$id"/>” is used <xsl:value-of select="sum($id-counts($id))"/> times; IDs must be unique.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-9" on-no-match="deep-skip"/>
   <xsl:template match="tei:TEI[tei:text]" mode="pattern-9" priority="1000">
      <xsl:if test="not(matches(@xml:id, '^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$'))">
         <problem rule="document-id-form" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>The document ID “<xsl:value-of select="substring(@xml:id, 1, 80)"/>” names the document’s output folder and URL: use ASCII letters, digits, “_”, “-” and “.” (at most 128). Names teikit itself uses are refused by the rule document-id-reserved.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="@target | @url | @ref | @facs"
                 mode="pattern-9"
                 priority="999">
      <xsl:variable name="unsafe"
                    select="tokenize(normalize-space(.))[matches(., '^[A-Za-z][A-Za-z0-9+.\-]*:') and not(matches(., '^(https?|urn):', 'i'))]"/>
      <xsl:if test="not(empty($unsafe))">
         <problem rule="link-safe-scheme" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Links may be relative or use http, https or urn; “<xsl:value-of select="substring($unsafe[1], 1, 40)"/>” uses another scheme (javascript:, data:, file: … are refused).</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-10" on-no-match="deep-skip"/>
   <xsl:template match="tei:back//tei:note" mode="pattern-10" priority="1000">
      <xsl:variable name="text-ids"
                    select="/tei:TEI/tei:text/(tei:front | tei:body)//@xml:id ! string(.)"/>
      <xsl:variable name="bibl-ids"
                    select="/tei:TEI/tei:text/tei:back//tei:listBibl/tei:bibl/@xml:id ! string(.)"/>
      <xsl:variable name="targets" select="tokenize(normalize-space(@target), ' ')"/>
      <xsl:variable name="dangling"
                    select="$targets[not(starts-with(., '#') and substring-after(., '#') = $text-ids)]"/>
      <xsl:variable name="sources" select="tokenize(normalize-space(@source), ' ')"/>
      <xsl:variable name="unlisted"
                    select="$sources[not(starts-with(., '#') and substring-after(., '#') = $bibl-ids)]"/>
      <xsl:if test="not(exists($targets) and empty($dangling))">
         <problem rule="note-target" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Note “<xsl:value-of select="@xml:id"/>” must point with @target at the words it explains (#ID of an element of the text); <xsl:value-of select="string-join($dangling, ', ')"/> is not one.</problem>
      </xsl:if>
      <xsl:if test="not(exists($sources) and empty($unlisted))">
         <problem rule="note-source" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>Note “<xsl:value-of select="@xml:id"/>” must cite its sources with @source (#ID of a bibl in the edition's bibliography); <xsl:value-of select="string-join($unlisted, ', ')"/> is not in it.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:choice[tei:sic]" mode="pattern-10" priority="999">
      <xsl:variable name="explained"
                    select="for $t in /tei:TEI/tei:text/tei:back//tei:note[@type = 'corrective']/@target return tokenize(normalize-space($t), ' ') ! substring-after(., '#')"/>
      <xsl:if test="not(ancestor-or-self::*/@xml:id = $explained)">
         <problem rule="sic-explained" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>The source's reading “<xsl:value-of select="tei:sic"/>” is marked as an error but no corrective note explains it: point a note of type “corrective” at it (or at an element around it).</problem>
      </xsl:if>
   </xsl:template>
   <xsl:mode name="pattern-11" on-no-match="deep-skip"/>
   <xsl:template match="tei:teiHeader[../tei:text]"
                 mode="pattern-11"
                 priority="1000">
      <xsl:variable name="version"
                    select="string((tei:fileDesc/tei:editionStmt/tei:edition/@n)[1])"/>
      <xsl:if test="not(tei:revisionDesc/tei:change[@n = $version])">
         <problem rule="edition-version-recorded" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>The edition version <xsl:value-of select="$version"/> has no change with the same @n in revisionDesc: record what changed.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:template match="tei:foreign" mode="pattern-11" priority="999">
      <xsl:if test="not(@xml:lang = /tei:TEI/tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident)">
         <problem rule="foreign-lang-declared" severity="error">
            <xsl:attribute name="steps" select="tkv:steps(.)"/>
            <xsl:attribute name="xpath" select="tkv:xpath(.)"/>foreign/@xml:lang “<xsl:value-of select="@xml:lang"/>” is not declared in profileDesc/langUsage.</problem>
      </xsl:if>
   </xsl:template>
   <xsl:function name="tkv:steps" as="xs:string">
      <xsl:param name="node" as="node()"/>
      <xsl:sequence select="string-join(($node/ancestor-or-self::*)!concat('/*[', count(preceding-sibling::*) + 1, ']'))           || ($node[self::attribute()]!concat('/@', if (namespace-uri(.) = 'http://www.w3.org/XML/1998/namespace') then 'xml:' else '', local-name(.)))"/>
   </xsl:function>
   <xsl:function name="tkv:xpath" as="xs:string">
      <xsl:param name="node" as="node()"/>
      <xsl:sequence select="string-join(($node/ancestor-or-self::*)!(let $n := node-name(.) return           concat('/', if (namespace-uri(.) = 'http://www.tei-c.org/ns/1.0') then 'tei:' else '', local-name(.),                  if (../*[node-name(.) = $n][2]) then concat('[', count(preceding-sibling::*[node-name(.) = $n]) + 1, ']') else '')))           || ($node[self::attribute()]!concat('/@', if (namespace-uri(.) = 'http://www.w3.org/XML/1998/namespace') then 'xml:' else '', local-name(.)))"/>
   </xsl:function>
</xsl:stylesheet>
