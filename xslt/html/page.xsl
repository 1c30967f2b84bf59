<?xml version="1.0" encoding="UTF-8"?>
<!--
  The page: head metadata for reference managers (Highwire citation_* tags and schema.org JSON-LD),
  the edition header, the table of contents, the reading text and the indexes.  Everything the page
  loads is a local file under ../assets/: no fonts, scripts or styles from other hosts.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:tk="urn:teikit:functions"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all">

  <!-- Relative path from the page to the shared assets folder. -->
  <xsl:param name="assets" as="xs:string" select="'../assets/'"/>
  <!-- JSON for the citation panel, already escaped for a script element (teikit.publish.citation_data). -->
  <xsl:param name="citation-data" as="xs:string" select="'{}'"/>
  <!-- The formats the build writes (names of teikit.formats, space-separated): the downloads menu
       and the alternate links offer those, and the top bar links the search if it is one. -->
  <xsl:param name="formats" as="xs:string" select="'html text citations tei dts search epub pdf'"/>
  <xsl:variable name="tk:formats" as="xs:string*" select="tokenize($formats)"/>
  <xsl:variable name="search" as="xs:boolean" select="'search' = $tk:formats"/>

  <!-- The files of a document, for the downloads menu and the rel="alternate" links. -->
  <xsl:function name="tk:downloads" as="map(*)*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="id" as="xs:string" select="encode-for-uri($tei/@xml:id)"/>
    <xsl:sequence select="(
      map{'format': 'tei', 'label': 'TEI XML', 'href': $id || '.xml', 'type': 'application/tei+xml'},
      map{'format': 'text', 'label': 'Plain text', 'href': $id || '.txt', 'type': 'text/plain'},
      map{'format': 'epub', 'label': 'EPUB (e-book)', 'href': $id || '.epub', 'type': 'application/epub+zip'},
      map{'format': 'pdf', 'label': 'PDF (print)', 'href': $id || '.pdf', 'type': 'application/pdf'},
      map{'format': 'citations', 'label': 'CSL-JSON', 'href': $id || '.csl.json', 'type': 'application/vnd.citationstyles.csl+json'},
      map{'format': 'citations', 'label': 'BibLaTeX', 'href': $id || '.bib', 'type': 'application/x-bibtex'},
      map{'format': 'citations', 'label': 'RIS', 'href': $id || '.ris', 'type': 'application/x-research-info-systems'},
      map{'format': 'dts', 'label': 'DTS API (this document)', 'href': '../api/dts/collection/' || $id || '.json', 'type': 'application/ld+json'})
      [?format = $tk:formats]"/>
  </xsl:function>

  <xsl:mode on-no-match="fail"/>

  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="tei:TEI"/>
  </xsl:template>

  <xsl:template match="tei:TEI" as="element()">
    <xsl:variable name="header" as="element(tei:teiHeader)" select="tei:teiHeader"/>
    <xsl:variable name="source" as="element(tei:biblStruct)?" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct[tei:analytic])[1]"/>
    <xsl:variable name="title" as="xs:string" select="tk:title(.)"/>
    <!-- The authors' names: marked up as persName (linked to the register), or the author's text. -->
    <xsl:variable name="authors" as="element()*" select="$header/tei:fileDesc/tei:titleStmt/tei:author ! (tei:persName, .[empty(tei:persName)])"/>
    <xsl:variable name="journal" as="xs:string?" select="($source/tei:monogr/tei:title[@level = 'j'])[1] ! normalize-space(.)"/>
    <xsl:variable name="published" as="xs:string?" select="$source/tei:monogr/tei:imprint/tei:date/@when"/>
    <xsl:variable name="version" as="xs:string" select="string($header/tei:fileDesc/tei:editionStmt/tei:edition/@n)"/>
    <xsl:variable name="url" as="xs:string" select="tk:document-url(.)"/>
    <html lang="{(@xml:lang, 'en')[1]}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> — <xsl:value-of select="string-join($authors ! normalize-space(.), ', ')"/></title>
        <link rel="canonical" href="{$url}"/>
        <link rel="stylesheet" href="{$assets}teikit.css"/>
        <!-- Every format of this document, for browsers, crawlers and reference managers. -->
        <xsl:for-each select="tk:downloads(.)">
          <link rel="alternate" type="{?type}" href="{?href}" title="{?label}"/>
        </xsl:for-each>
        <!-- Print: the stable address and the version on every page, and the page number.  Written
             here because CSS cannot read them from the page; the URL is a checked base URL plus a
             document ID, so it holds no character that could end the CSS string. -->
        <style media="print">@page { @bottom-left { content: "<xsl:value-of select="$url"/> · version <xsl:value-of select="$version"/>"; font: 8pt sans-serif; } @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif; } }</style>
        <meta name="citation_title" content="{$title}"/>
        <xsl:for-each select="$authors">
          <meta name="citation_author" content="{tk:citation-name(.)}"/>
        </xsl:for-each>
        <xsl:if test="$published">
          <meta name="citation_publication_date" content="{translate($published, '-', '/')}"/>
        </xsl:if>
        <xsl:if test="$journal"><meta name="citation_journal_title" content="{$journal}"/></xsl:if>
        <meta name="citation_public_url" content="{$url}"/>
        <meta name="citation_fulltext_html_url" content="{$url}"/>
        <meta name="citation_language" content="{(@xml:lang, 'en')[1]}"/>
        <!-- No citation_publisher: Zotero and Google Scholar read it as the publisher of the journal,
             which the TEI does not record (the edition's publisher is not The Reporter's). -->
        <meta name="description" content="{$title}, by {string-join($authors ! normalize-space(.), ', ')}{$journal ! (', ' || .)}{$published ! (', ' || tk:format-iso(.))}: a TEI digital edition, version {$version}."/>
        <script type="application/ld+json">
          <xsl:value-of select="tk:json-ld(., $url)"/>
        </script>
        <script src="{$assets}teikit.js" defer="defer"></script>
      </head>
      <body>
        <!-- No skip link: the top bar is four Tab stops (Contents, Layers, Download, Search), and the
             landmarks (nav, main) and headings let assistive technology pass it; the Tab-stop
             budget before the end of the text (mentions + paragraphs + 20) goes to the text. -->
        <xsl:call-template name="tk:topbar">
          <xsl:with-param name="tei" select="."/>
          <xsl:with-param name="title" select="$title"/>
        </xsl:call-template>
        <header class="edition-header">
          <!-- Who publishes the edition, as its header says (series title, else publisher); nothing
               when the header names neither, rather than words written for another edition. -->
          <xsl:variable name="edition-name" as="xs:string" select="tk:edition-name($header)"/>
          <xsl:if test="$edition-name ne ''">
            <p class="kicker"><xsl:value-of select="$edition-name"/></p>
          </xsl:if>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="byline">
            <xsl:for-each select="$authors">
              <xsl:apply-templates select="." mode="reading"/>
            </xsl:for-each>
          </p>
          <dl class="edition-facts">
            <xsl:if test="$source">
              <dt>Source</dt>
              <dd><cite><xsl:value-of select="$journal"/></cite><xsl:value-of select="$published ! (', ' || tk:format-iso(.))"/>; transcribed for the
                <xsl:value-of select="normalize-space(($header//tei:biblStruct[not(tei:analytic)]/tei:monogr/tei:imprint/tei:publisher)[1])"/>
                <xsl:value-of select="($header//tei:biblStruct[not(tei:analytic)]/tei:monogr/tei:respStmt/tei:persName)[1] ! (' by ' || normalize-space(.))"/>.</dd>
            </xsl:if>
            <dt>Edition</dt>
            <dd>Version <xsl:value-of select="$version"/><xsl:value-of select="$header/tei:fileDesc/tei:editionStmt/tei:edition/tei:date/@when ! (', ' || tk:format-iso(.))"/>; <xsl:value-of select="string-join($header/tei:fileDesc/tei:publicationStmt/tei:publisher ! normalize-space(.), ', ')"/></dd>
            <dt>Licence</dt>
            <dd>
              <!-- As text: the licence's link is in "About this edition" (one Tab stop fewer before the text). -->
              <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence">
                <xsl:value-of select="normalize-space(.)"/>
              </xsl:for-each>
              <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:availability/tei:p">
                <xsl:text> </xsl:text><xsl:value-of select="normalize-space(.)"/>
              </xsl:for-each>
            </dd>
          </dl>
        </header>
        <main id="text">
          <article class="{if ($house) then 'reading-text' else 'reading-text tei-text'}" aria-labelledby="article-title">
            <h2 id="article-title" class="visually-hidden">Text</h2>
            <!-- The edition's front holds the archive's notes (shown in "About this edition") and its
                 back the commentary (the notes below); another document's are its own text. -->
            <xsl:for-each select="tei:text/*">
            <xsl:choose>
              <xsl:when test="self::tei:body"><xsl:apply-templates select="*" mode="reading"/></xsl:when>
              <xsl:when test="$house"/>
              <xsl:when test="self::tei:front or self::tei:back"><xsl:apply-templates select="*" mode="reading"/></xsl:when>
              <xsl:otherwise><xsl:apply-templates select="." mode="reading"/></xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
          </article>
          <xsl:variable name="footnotes" as="element(tei:note)*" select="tk:footnotes(.)"/>
          <xsl:if test="exists($footnotes)">
            <section class="footnotes" aria-labelledby="footnotes-title">
              <h2 id="footnotes-title">Notes</h2>
              <ol>
                <xsl:for-each select="$footnotes">
                  <li id="fn{position()}" role="doc-footnote">
                    <xsl:apply-templates mode="reading"/>
                    <xsl:text> </xsl:text><a href="#fnref{position()}" aria-label="Back to the text">↩</a>
                  </li>
                </xsl:for-each>
              </ol>
            </section>
          </xsl:if>
          <xsl:call-template name="tk:notes">
            <xsl:with-param name="tei" select="."/>
          </xsl:call-template>
          <xsl:call-template name="tk:indexes">
            <xsl:with-param name="tei" select="."/>
          </xsl:call-template>
          <xsl:call-template name="tk:about">
            <xsl:with-param name="tei" select="."/>
            <xsl:with-param name="url" select="$url"/>
          </xsl:call-template>
        </main>
        <!-- The citation panel's data (teikit.js): per style, the citation of "¶{n}". -->
        <script type="application/json" id="tk-cite-data"><xsl:value-of select="$citation-data"/></script>
        <footer class="edition-footer">
          <p>Passage identifiers (¶ numbers) are stable: cite them as <code><xsl:value-of select="$url"/>#p12</code>.
            <a href="../">All documents of this edition</a>. Generated from TEI P5 by teikit.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- "Family, Given" for Highwire, from the register's preferred name when there is one. -->
  <xsl:function name="tk:citation-name" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="full" as="xs:string" select="(tk:targets($name/@ref) ! tk:preferred-name(.), normalize-space($name))[1]"/>
    <xsl:variable name="words" as="xs:string*" select="tokenize($full, ' ')"/>
    <xsl:sequence select="if (count($words) gt 1) then $words[last()] || ', ' || string-join($words[position() lt last()], ' ') else $full"/>
  </xsl:function>

  <!-- schema.org JSON-LD that keeps three works apart, as the TEI header does: this digital edition
       (licence, publisher, version and date are its own), the transcription it reproduces (credited
       to its transcriber, with the archive as publisher) and the printed article of the source
       description (author, date, and the issue of the periodical it is part of).  Each has an @id:
       the page's URL for the edition, the URL plus the biblStruct's xml:id for the other two. -->
  <xsl:function name="tk:json-ld" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:variable name="header" as="element(tei:teiHeader)" select="$tei/tei:teiHeader"/>
    <xsl:variable name="sources" as="element(tei:biblStruct)*" select="$header/tei:fileDesc/tei:sourceDesc/tei:biblStruct"/>
    <xsl:variable name="print" as="element(tei:biblStruct)?" select="$sources[tei:analytic][1]"/>
    <xsl:variable name="copy" as="element(tei:biblStruct)?" select="$sources[not(tei:analytic)][1]"/>
    <xsl:variable name="lang" as="xs:string" select="string(($tei/@xml:lang, 'en')[1])"/>
    <xsl:variable name="print-id" as="xs:string?" select="$print ! ($url || '#' || (@xml:id, 'source')[1])"/>
    <xsl:variable name="copy-id" as="xs:string?" select="$copy ! ($url || '#' || (@xml:id, 'transcription')[1])"/>
    <xsl:variable name="persons" as="function(element()*) as array(*)" select="function($names as element()*) as array(*) {
        array{ $names ! map{'@type': 'Person', 'name': (tk:targets(@ref) ! tk:preferred-name(.), normalize-space(.))[1]} } }"/>
    <xsl:variable name="edition" as="map(*)" select="map:merge((
      map{
        '@type': 'CreativeWork',
        '@id': $url,
        'url': $url,
        'name': tk:title($tei),
        'inLanguage': $lang,
        'author': $persons($header/tei:fileDesc/tei:titleStmt/tei:author/tei:persName),
        'publisher': map{ '@type': 'Organization', 'name': string-join($header/tei:fileDesc/tei:publicationStmt/tei:publisher ! normalize-space(.), ', ') }
      },
      $header/tei:fileDesc/tei:titleStmt/tei:editor[1] ! map{'editor': array{ $header/tei:fileDesc/tei:titleStmt/tei:editor !
          map{'@type': if (tei:persName) then 'Person' else 'Organization', 'name': normalize-space(.)} }},
      $header/tei:fileDesc/tei:editionStmt/tei:edition/@n ! map{'version': string(.)},
      $header/tei:fileDesc/tei:publicationStmt/tei:date/@when ! map{'datePublished': string(.)},
      ($header//tei:availability/tei:licence/@target)[1] ! map{'license': string(.)},
      ($copy-id, $print-id)[1] ! map{'isBasedOn': map{'@id': .}},
      $print-id ! map{'mainEntity': map{'@id': .}}
    ))" xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
    <xsl:variable name="transcription" as="map(*)?" select="$copy ! map:merge((
      map{
        '@type': 'CreativeWork',
        '@id': $copy-id,
        'name': normalize-space((tei:monogr/tei:title)[1]),
        'author': $persons(tei:monogr/tei:author/tei:persName),
        'contributor': array{ tei:monogr/tei:respStmt ! map{ '@type': 'Role', 'roleName': string-join(tei:resp ! normalize-space(.), '; '),
            'contributor': $persons(tei:persName | tei:name)?1 } }
      },
      tei:monogr/tei:imprint/tei:publisher ! map{'publisher': map{'@type': 'Organization', 'name': normalize-space(.)}},
      (tei:monogr/tei:idno[@type = 'URI'], tei:ptr/@target, tei:monogr/tei:ptr/@target)[1] ! map{'url': normalize-space(.)},
      $print-id ! map{'isBasedOn': map{'@id': .}}
    ))" xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
    <xsl:variable name="issued" as="xs:string?" select="$print/tei:monogr/tei:imprint/tei:date/@when"/>
    <xsl:variable name="article" as="map(*)?" select="$print ! map:merge((
      map{
        '@type': 'Article',
        '@id': $print-id,
        'headline': normalize-space((tei:analytic/tei:title)[1]),
        'name': normalize-space((tei:analytic/tei:title)[1]),
        'inLanguage': $lang,
        'author': $persons(tei:analytic/tei:author/tei:persName),
        'mentions': array{ (distinct-values($tei/tei:text/tei:body//@ref/tokenize(normalize-space(.), ' ')) ! tk:targets(.)) ! map:merge((
            map{ '@type': map{'person':'Person','place':'Place','org':'Organization','event':'Event'}(tk:kind(.)),
                 'name': tk:preferred-name(.) },
            if (tei:idno[@type = 'wikidata']) then map{ 'sameAs': 'https://www.wikidata.org/entity/' || tei:idno[@type = 'wikidata'][1] } else ())) }
      },
      $issued ! map{'datePublished': string(.)},
      (tei:monogr/tei:title[@level = 'j'])[1] ! map{'isPartOf': map:merge((
          map{'@type': 'PublicationIssue',
              'isPartOf': map{'@type': 'Periodical', 'name': normalize-space(.)}},
          $issued ! map{'datePublished': string(.)}))}
    ))" xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
    <xsl:sequence select="tk:json-for-html(map{
      '@context': 'https://schema.org',
      '@graph': array{ $edition, $transcription, $article }
    })"/>
  </xsl:function>
</xsl:stylesheet>
