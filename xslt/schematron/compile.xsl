<?xml version="1.0" encoding="UTF-8"?>
<!--
  Compile an ISO Schematron schema into an XSLT 3.0 validator.

  teikit ships its own small compiler rather than the ISO skeleton because the skeleton is XSLT 1.0
  (no xs:date, no regex) and because the report teikit needs is not SVRL: each failed assert or
  successful report becomes one <problem> with the rule id, the severity (sch:assert/@role), the
  message, a readable XPath and a positional path that the Python side resolves to a line and column
  in the original file (Saxon-HE offers no line numbers).

  Supported: sch:ns, schema-level sch:let (compiled to overridable xsl:param, which is how the
  validator receives the shared register and the corpus), sch:pattern, sch:rule with sch:let,
  sch:assert, sch:report, and sch:value-of and sch:name in messages.  Abstract patterns, phases and
  includes are not used by teikit and are rejected, not silently ignored.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:out="urn:teikit:xslt-alias"
  xmlns:sch="http://purl.oclc.org/dsdl/schematron"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tkc="urn:teikit:schematron-compiler"
  exclude-result-prefixes="sch xs tkc">

  <xsl:namespace-alias stylesheet-prefix="out" result-prefix="xsl"/>
  <xsl:output method="xml" indent="yes"/>
  <xsl:mode on-no-match="fail"/>
  <xsl:mode name="message" on-no-match="fail"/>

  <xsl:template match="/" as="element()">
    <xsl:apply-templates select="sch:schema"/>
  </xsl:template>

  <xsl:template match="sch:schema" as="element()">
    <xsl:if test="sch:include | sch:phase | sch:pattern[@abstract = 'true' or @is-a]">
      <xsl:message terminate="yes">teikit's Schematron compiler does not support includes, phases or abstract patterns</xsl:message>
    </xsl:if>
    <out:stylesheet version="3.0" exclude-result-prefixes="#all">
      <xsl:for-each select="sch:ns">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>
      <xsl:namespace name="xs" select="'http://www.w3.org/2001/XMLSchema'"/>
      <xsl:namespace name="tkv" select="'urn:teikit:validator'"/>
      <out:output method="xml" indent="no"/>
      <out:mode on-no-match="shallow-skip"/>
      <xsl:for-each select="sch:let">
        <out:param name="{@name}" select="{@value}"/>
      </xsl:for-each>
      <!-- Every element and attribute is offered to each pattern (a node may fire in several
           patterns; within one, the first matching rule wins).  The nodes are gathered once and
           handed over in one apply-templates per pattern: a path and a template call per node and
           pattern made the validator three times slower. -->
      <out:template match="/" as="element()">
        <problems>
          <out:variable name="tkv:nodes" select="//(* | @*)"/>
          <xsl:for-each select="sch:pattern">
            <out:apply-templates select="$tkv:nodes" mode="{tkc:mode-name(.)}"/>
          </xsl:for-each>
        </problems>
      </out:template>
      <xsl:apply-templates select="sch:pattern"/>
      <!-- A positional path (for lookup in the parsed source) and a readable one (for people). -->
      <out:function name="tkv:steps" as="xs:string">
        <out:param name="node" as="node()"/>
        <out:sequence select="string-join(($node/ancestor-or-self::*)!concat('/*[', count(preceding-sibling::*) + 1, ']'))
          || ($node[self::attribute()]!concat('/@', if (namespace-uri(.) = 'http://www.w3.org/XML/1998/namespace') then 'xml:' else '', local-name(.)))"/>
      </out:function>
      <out:function name="tkv:xpath" as="xs:string">
        <out:param name="node" as="node()"/>
        <out:sequence select="string-join(($node/ancestor-or-self::*)!(let $n := node-name(.) return
          concat('/', if (namespace-uri(.) = 'http://www.tei-c.org/ns/1.0') then 'tei:' else '', local-name(.),
                 if (../*[node-name(.) = $n][2]) then concat('[', count(preceding-sibling::*[node-name(.) = $n]) + 1, ']') else '')))
          || ($node[self::attribute()]!concat('/@', if (namespace-uri(.) = 'http://www.w3.org/XML/1998/namespace') then 'xml:' else '', local-name(.)))"/>
      </out:function>
    </out:stylesheet>
  </xsl:template>

  <xsl:function name="tkc:mode-name" as="xs:string">
    <xsl:param name="pattern" as="element(sch:pattern)"/>
    <xsl:sequence select="'pattern-' || (count($pattern/preceding-sibling::sch:pattern) + 1)"/>
  </xsl:function>

  <xsl:template match="sch:pattern" as="element()+">
    <out:mode name="{tkc:mode-name(.)}" on-no-match="deep-skip"/>
    <xsl:apply-templates select="sch:rule"/>
  </xsl:template>

  <!-- Earlier rules win within a pattern, as ISO Schematron prescribes: priorities fall with position. -->
  <xsl:template match="sch:rule" as="element()">
    <out:template match="{@context}" mode="{tkc:mode-name(..)}" priority="{1000 - count(preceding-sibling::sch:rule)}">
      <xsl:for-each select="sch:let">
        <out:variable name="{@name}" select="{@value}"/>
      </xsl:for-each>
      <xsl:apply-templates select="sch:assert | sch:report"/>
    </out:template>
  </xsl:template>

  <xsl:template match="sch:assert | sch:report" as="element()">
    <xsl:variable name="fires" as="xs:string" select="if (self::sch:assert) then 'not(' || @test || ')' else string(@test)"/>
    <out:if test="{$fires}">
      <problem rule="{(@id, ../@id, ../../@id)[1]}" severity="{(@role, 'error')[1]}">
        <out:attribute name="steps" select="tkv:steps(.)"/>
        <out:attribute name="xpath" select="tkv:xpath(.)"/>
        <xsl:apply-templates select="node()" mode="message"/>
      </problem>
    </out:if>
  </xsl:template>

  <xsl:template match="text()" mode="message" as="text()">
    <xsl:value-of select="."/>
  </xsl:template>
  <xsl:template match="sch:value-of" mode="message" as="element()">
    <out:value-of select="{@select}"/>
  </xsl:template>
  <xsl:template match="sch:name" mode="message" as="element()">
    <out:value-of select="name({(@path, '.')[1]})"/>
  </xsl:template>
  <xsl:template match="sch:emph | sch:dir | sch:span" mode="message" as="node()*">
    <xsl:apply-templates mode="message"/>
  </xsl:template>
  <xsl:template match="comment() | processing-instruction()" mode="message" as="empty-sequence()"/>
</xsl:stylesheet>
