<?xml version="1.0" encoding="utf-8"?>
<!--
  Renders an Atom 1.0 or RSS 2.0 feed of this site as a readable page when someone opens the
  feed in a browser. Readers ignore it. XSLT 1.0, so every current browser can apply it; it must
  be served from the feed's own origin.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="lang"
        select="normalize-space(atom:feed/@xml:lang | rss/channel/language)"/>
    <html>
      <xsl:if test="$lang">
        <xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>
          <xsl:value-of select="atom:feed/atom:title | rss/channel/title"/>
          <xsl:text> · 웹 피드</xsl:text>
        </title>
        <!-- Beside this stylesheet under the site's root, which is what precedes /feeds/ in
             the feed's self link (a site may be served under a path such as /ko). -->
        <link rel="stylesheet"
              href="{concat(substring-before((atom:feed/atom:link[@rel='self'] | rss/channel/atom:link[@rel='self'])[1]/@href, '/feeds/'), '/static/feeds.css')}"/>
      </head>
      <body>
        <xsl:apply-templates select="atom:feed | rss/channel"/>
      </body>
    </html>
  </xsl:template>

  <!-- The banner: what this page is and the address to copy. -->
  <xsl:template name="banner">
    <xsl:param name="self"/>
    <div class="feed-banner">
      <div class="inner">
        <p><strong>이 페이지는 웹 피드입니다.</strong>
          피드 리더에 아래 주소를 복사해 넣으면 새 기사를 자동으로 받아볼 수 있습니다.</p>
        <p lang="en">This is a web feed. Copy the URL into your feed reader to subscribe.</p>
        <input class="feed-url" type="text" readonly="readonly" aria-label="피드 주소 (feed URL)"
            value="{$self}"/>
      </div>
    </div>
  </xsl:template>

  <xsl:template name="masthead">
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="site"/>
    <h1><xsl:value-of select="$title"/></h1>
    <xsl:if test="normalize-space($description)">
      <p class="lead"><xsl:value-of select="$description"/></p>
    </xsl:if>
    <xsl:if test="normalize-space($site)">
      <p class="meta"><a href="{$site}">웹사이트에서 보기 (website)</a></p>
    </xsl:if>
  </xsl:template>

  <!-- Text of a value that may hold escaped HTML: tags dropped, so nothing runs or shows. -->
  <xsl:template name="strip-tags">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&lt;')">
        <xsl:value-of select="substring-before($text, '&lt;')"/>
        <xsl:call-template name="strip-tags">
          <xsl:with-param name="text" select="substring-after(substring-after($text, '&lt;'), '&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="atom:feed">
    <xsl:call-template name="banner">
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
    </xsl:call-template>
    <main>
      <xsl:call-template name="masthead">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="description" select="atom:subtitle"/>
      <xsl:with-param name="site"
          select="atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
    </xsl:call-template>
      <ol class="articles">
        <xsl:apply-templates select="atom:entry"/>
      </ol>
      <xsl:if test="not(atom:entry)">
        <p class="empty">아직 기사가 없습니다.</p>
      </xsl:if>
    </main>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <a class="headline" href="{atom:link[@rel='alternate' or not(@rel)][1]/@href}">
        <xsl:value-of select="atom:title"/>
      </a>
      <p class="meta">
        <xsl:for-each select="atom:author/atom:name">
          <xsl:value-of select="."/>
          <xsl:text> · </xsl:text>
        </xsl:for-each>
        <xsl:variable name="when" select="(atom:published | atom:updated)[1]"/>
        <time datetime="{$when}"><xsl:value-of select="substring($when, 1, 10)"/></time>
      </p>
      <xsl:if test="normalize-space(atom:summary)">
        <p class="summary">
          <xsl:choose>
            <xsl:when test="atom:summary/@type = 'html'">
              <xsl:call-template name="strip-tags">
                <xsl:with-param name="text" select="atom:summary"/>
              </xsl:call-template>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="atom:summary"/></xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="rss/channel">
    <xsl:call-template name="banner">
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
    </xsl:call-template>
    <main>
      <xsl:call-template name="masthead">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="description" select="description"/>
      <xsl:with-param name="site" select="link"/>
    </xsl:call-template>
      <ol class="articles">
        <xsl:apply-templates select="item"/>
      </ol>
      <xsl:if test="not(item)">
        <p class="empty">아직 기사가 없습니다.</p>
      </xsl:if>
    </main>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a class="headline" href="{link}"><xsl:value-of select="title"/></a>
      <p class="meta">
        <xsl:for-each select="dc:creator | author">
          <xsl:value-of select="."/>
          <xsl:text> · </xsl:text>
        </xsl:for-each>
        <time><xsl:value-of select="pubDate"/></time>
      </p>
      <xsl:if test="normalize-space(description)">
        <p class="summary">
          <xsl:call-template name="strip-tags">
            <xsl:with-param name="text" select="description"/>
          </xsl:call-template>
        </p>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
