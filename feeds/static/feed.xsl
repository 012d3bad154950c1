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
          <xsl:call-template name="atom-text">
            <xsl:with-param name="node" select="atom:feed/atom:title"/>
          </xsl:call-template>
          <xsl:call-template name="rss-title">
            <xsl:with-param name="text" select="rss/channel/title"/>
          </xsl:call-template>
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

  <!-- What a browser shows of an HTML value: tags dropped, then the character references the
       writers produce (lt, gt, amp, quot, #39, #x27) decoded, each once, left to right. The
       writers put plain text into HTML values escaped (docs/feed-mapping.md, "Plain text"). -->
  <xsl:template name="html-text">
    <xsl:param name="text"/>
    <xsl:variable name="stripped">
      <xsl:call-template name="strip-tags">
        <xsl:with-param name="text" select="$text"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="decode-references">
      <xsl:with-param name="text" select="string($stripped)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="decode-references">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:variable name="name" select="substring-before($rest, ';')"/>
        <xsl:variable name="char">
          <xsl:choose>
            <xsl:when test="$name = 'lt'">&lt;</xsl:when>
            <xsl:when test="$name = 'gt'">&gt;</xsl:when>
            <xsl:when test="$name = 'amp'">&amp;</xsl:when>
            <xsl:when test="$name = 'quot'">"</xsl:when>
            <xsl:when test="$name = '#39' or $name = '#x27'">'</xsl:when>
          </xsl:choose>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="string($char)">
            <xsl:value-of select="$char"/>
            <xsl:call-template name="decode-references">
              <xsl:with-param name="text" select="substring-after($rest, ';')"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="decode-references">
              <xsl:with-param name="text" select="$rest"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An RSS title as shown: the writers escape a title only when it would read as markup, so
       a title holding a `<` is plain text (`A < B`): references decoded, no tags stripped. -->
  <xsl:template name="rss-title">
    <xsl:param name="text"/>
    <xsl:call-template name="decode-references">
      <xsl:with-param name="text" select="string($text)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- An Atom text construct as shown: html read as HTML, text as it is. -->
  <xsl:template name="atom-text">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@type = 'html'">
        <xsl:call-template name="html-text">
          <xsl:with-param name="text" select="string($node)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$node"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="atom:feed">
    <xsl:call-template name="banner">
      <xsl:with-param name="self" select="atom:link[@rel='self']/@href"/>
    </xsl:call-template>
    <main>
      <xsl:call-template name="masthead">
      <xsl:with-param name="title">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="description">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:subtitle"/></xsl:call-template>
      </xsl:with-param>
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
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template>
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
          <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:summary"/></xsl:call-template>
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
      <xsl:with-param name="title">
        <xsl:call-template name="rss-title"><xsl:with-param name="text" select="title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="description">
        <xsl:call-template name="html-text"><xsl:with-param name="text" select="description"/></xsl:call-template>
      </xsl:with-param>
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
      <a class="headline" href="{link}">
        <xsl:call-template name="rss-title"><xsl:with-param name="text" select="title"/></xsl:call-template>
      </a>
      <p class="meta">
        <xsl:for-each select="dc:creator | author">
          <xsl:value-of select="."/>
          <xsl:text> · </xsl:text>
        </xsl:for-each>
        <time><xsl:value-of select="pubDate"/></time>
      </p>
      <xsl:if test="normalize-space(description)">
        <p class="summary">
          <xsl:call-template name="html-text">
            <xsl:with-param name="text" select="description"/>
          </xsl:call-template>
        </p>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
