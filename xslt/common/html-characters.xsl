<?xml version="1.0" encoding="UTF-8"?>
<!--
  Characters the HTML serialiser must write as they are.  Saxon writes the C1 control characters
  (U+0080 to U+009F, which XML allows) as numeric references, and an HTML parser reads "&#x80;" to
  "&#x9F;" as the Windows-1252 characters (a euro sign, an ellipsis ...): the page would show
  characters the TEI does not have.  Written literally (UTF-8) they reach the DOM unchanged.  They
  are still errors in a text, which validation reports ([char-control]).
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tk="urn:teikit:functions" exclude-result-prefixes="#all">
  <xsl:character-map name="tk:c1-literal">
    <xsl:output-character character="&#x80;" string="&#x80;"/>
    <xsl:output-character character="&#x81;" string="&#x81;"/>
    <xsl:output-character character="&#x82;" string="&#x82;"/>
    <xsl:output-character character="&#x83;" string="&#x83;"/>
    <xsl:output-character character="&#x84;" string="&#x84;"/>
    <xsl:output-character character="&#x85;" string="&#x85;"/>
    <xsl:output-character character="&#x86;" string="&#x86;"/>
    <xsl:output-character character="&#x87;" string="&#x87;"/>
    <xsl:output-character character="&#x88;" string="&#x88;"/>
    <xsl:output-character character="&#x89;" string="&#x89;"/>
    <xsl:output-character character="&#x8A;" string="&#x8A;"/>
    <xsl:output-character character="&#x8B;" string="&#x8B;"/>
    <xsl:output-character character="&#x8C;" string="&#x8C;"/>
    <xsl:output-character character="&#x8D;" string="&#x8D;"/>
    <xsl:output-character character="&#x8E;" string="&#x8E;"/>
    <xsl:output-character character="&#x8F;" string="&#x8F;"/>
    <xsl:output-character character="&#x90;" string="&#x90;"/>
    <xsl:output-character character="&#x91;" string="&#x91;"/>
    <xsl:output-character character="&#x92;" string="&#x92;"/>
    <xsl:output-character character="&#x93;" string="&#x93;"/>
    <xsl:output-character character="&#x94;" string="&#x94;"/>
    <xsl:output-character character="&#x95;" string="&#x95;"/>
    <xsl:output-character character="&#x96;" string="&#x96;"/>
    <xsl:output-character character="&#x97;" string="&#x97;"/>
    <xsl:output-character character="&#x98;" string="&#x98;"/>
    <xsl:output-character character="&#x99;" string="&#x99;"/>
    <xsl:output-character character="&#x9A;" string="&#x9A;"/>
    <xsl:output-character character="&#x9B;" string="&#x9B;"/>
    <xsl:output-character character="&#x9C;" string="&#x9C;"/>
    <xsl:output-character character="&#x9D;" string="&#x9D;"/>
    <xsl:output-character character="&#x9E;" string="&#x9E;"/>
    <xsl:output-character character="&#x9F;" string="&#x9F;"/>
  </xsl:character-map>
</xsl:stylesheet>
