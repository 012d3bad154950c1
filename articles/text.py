"""Text hygiene: characters XML cannot carry, invisible text, HTML sanitising, slugs, reading time.

Everything a record carries passes through here before it becomes an Article, so the feed
writers can serialise any value without tripping over a control character, a named entity
XML does not define, a script, or a relative link. The rules, each in one place:

- `clean_text`: the characters XML 1.0 forbids or discourages are removed, in every input
  format (JSON, JSON Lines, Markdown, ninjs) and again in the feed model.
- `record_text`: how a record's text is stored: `clean_text`, then Unicode NFC. Only on input:
  the feed model writes text as the Article holds it.
- `is_blank`: text that shows nothing (white space, zero-width and other format characters,
  a byte order mark) counts as missing.
- `reads_as_markup`: plain text that an HTML reading would show differently (a tag, or a
  character reference HTML decodes); `markup_text`: what that reading shows, which the fields
  a feed cannot mark as text keep (`articles.formats.values`, docs/import-formats.md).
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata
from contextvars import ContextVar
from functools import cache
from urllib.parse import urljoin, urlsplit

import nh3
from anyascii import anyascii
from markdown_it import MarkdownIt

from articles.urls import uri_safe

# XML 1.0 (section 2.2) Char excludes C0 controls other than tab, LF and CR, the surrogate block
# (only reachable in Python as lone surrogates) and U+FFFE/U+FFFF; it discourages DEL, the C1
# controls but NEL (they only ever come from mis-decoded text) and the noncharacters
# U+FDD0..U+FDEF and those of the other planes (`_ASTRAL_NONCHARACTER`).
_XML_ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# The noncharacters beyond U+FFFF, the last two code points of each plane (U+1FFFE, U+1FFFF, ...
# U+10FFFF), which XML 1.0 discourages too and the W3C Feed Validation Service reports as an
# error ('Invalid HTML'). Found through any character beyond U+FFFF (one range: a class of the
# 32 code points makes the scan of every body several times slower), then told by their low
# bits.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_noncharacter(match: re.Match[str]) -> str:
    return "" if ord(match.group()) & 0xFFFE == 0xFFFE else match.group()


def _has_astral_noncharacter(value: str) -> bool:
    return any(ord(m.group()) & 0xFFFE == 0xFFFE for m in _ASTRAL.finditer(value))


# Unicode's explicit bidirectional formatting characters (UAX #9 2.1, 2.2): the embeddings and
# overrides LRE, RLE, LRO, RLO with their terminator PDF, and the isolates LRI, RLI, FSI with
# theirs, PDI; and the paragraph separators that end them all (UAX #9 X8: LF, CR, NEL, U+2029).
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENS_EMBEDDING = "\u202a\u202b\u202d\u202e"
_OPENS_ISOLATE = "\u2066\u2067\u2068"
_PDF, _PDI = "\u202c", "\u2069"
_PARAGRAPH_END = "\n\r\x85\u2029"


def balance_bidi(value: str) -> str:
    """`value` with its bidirectional embeddings, overrides and isolates balanced (UAX #9).

    A text shown alone ends every one of them at its end (X8), but a feed reader shows a title,
    a name or a tag beside other text in one line, where an RLO left open reverses what follows.
    So each is closed where UAX #9 would end it: an embedding or override left open gets a PDF
    and an isolate a PDI, innermost first, before the paragraph's end (a line break) or the
    text's; a PDF or PDI that closes nothing (X7, X6a: it has no effect) is removed, as is a
    PDF inside an isolate opened after its embedding. Text shows as it did alone.
    """
    if _BIDI_CONTROL.search(value) is None:
        return value
    out: list[str] = []
    open_: list[str] = []  # the closer each open embedding (PDF) or isolate (PDI) needs

    def close_all() -> None:
        out.extend(reversed(open_))
        open_.clear()

    for ch in value:
        if ch in _OPENS_EMBEDDING:
            open_.append(_PDF)
        elif ch in _OPENS_ISOLATE:
            open_.append(_PDI)
        elif ch == _PDF:
            if not open_ or open_[-1] != _PDF:
                continue  # nothing to close, or an isolate is open inside the embedding
            open_.pop()
        elif ch == _PDI:
            if _PDI not in open_:
                continue
            # X6a: it closes its isolate and every embedding opened inside that isolate.
            while open_[-1] != _PDI:
                out.append(open_.pop())
            open_.pop()
        elif ch in _PARAGRAPH_END:
            close_all()
        out.append(ch)
    close_all()
    return "".join(out)


# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that show
# nothing by themselves (zero-width space and joiners, BOM, bidirectional controls, variation
# selectors, Hangul fillers, tags), plus the C0 and C1 controls.
_INVISIBLE = (
    "\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# Invisible characters trimmed from the ends of text like white space: byte order mark
# (zero-width no-break space), zero-width space, word joiner, Mongolian vowel separator. Not
# the joiners and direction marks, which shape or order the visible text next to them.
EDGE_INVISIBLE = "\ufeff\u200b\u2060\u180e"
_VISIBLE = re.compile(f"[^\\s{_INVISIBLE}]")
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")

# Tags a news body needs; everything else is unwrapped (its text kept) or, for the tags in
# _DROP_WITH_CONTENT, removed with its content.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "a", "em", "strong", "b", "i", "u", "s", "small", "mark",
        "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd",
        "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "code", "pre", "sub", "sup", "abbr", "time",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height", "title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang", "dir"},
}
# Removed together with everything inside them: their text is code or chrome, not story.
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "form", "noscript",
                      "template", "svg", "math", "select", "textarea", "button"}  # fmt: skip
# mailto: stays for "write to the author" links; data:, javascript: and the rest are dropped.
URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src", "cite"}
_BLOCK_BOUNDARY = re.compile(
    r"<(?:br|/?(?:p|div|li|h[1-6]|td|th|tr|blockquote|figure|figcaption|pre|section|article))\b",
    re.IGNORECASE,
)

# Reading rates. Languages written without spaces between words are measured in characters;
# the rates are deliberately unhurried averages for adult silent reading of news prose.
WORDS_PER_MINUTE = 230
CHARACTERS_PER_MINUTE = {"ko": 500, "ja": 500, "zh": 300}
MAX_SLUG_LENGTH = 80


def clean_text(value: str | None, *, bidi: bool = True) -> str:
    """The text without the characters XML 1.0 forbids or discourages; None gives "".

    The one rule for every text value, whatever format it came in and wherever it is written:
    NUL, the other C0 controls but tab, LF and CR, DEL and the C1 controls but NEL, lone
    surrogates and the noncharacters (U+FDD0..U+FDEF, and the last two code points of every
    plane: U+FFFE, U+FFFF, U+1FFFE, ... U+10FFFF) are removed; bidirectional embeddings,
    overrides and isolates are balanced (`balance_bidi`), so none reorders the text a reader
    shows after it; not with `bidi=False`, for a URL, which holds them only percent-encoded
    (RFC 3987 4.1). A no-op (the same object) on clean text.
    """
    if not value:
        return ""
    # Printable text has none of them (they are all unprintable), and isprintable is many times
    # cheaper than the regex scan; bodies are printable but for their line breaks.
    if value.isprintable():
        return value
    if _XML_ILLEGAL.search(value) is not None:
        value = _XML_ILLEGAL.sub("", value)
    if not value.isascii():
        if _has_astral_noncharacter(value):
            value = _ASTRAL.sub(_astral_noncharacter, value)
        if bidi:
            value = balance_bidi(value)
    return value


def record_text(value: str | None, *, bidi: bool = True) -> str:
    """A record's text as it is stored: `clean_text`, then Unicode NFC (composed characters)."""
    value = clean_text(value, bidi=bidi)
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def is_blank(value: str) -> bool:
    """Whether text shows nothing: only white space, controls and default-ignorable characters.

    Zero-width space, zero-width joiners, the byte order mark, bidirectional marks, variation
    selectors and the Hangul fillers (Unicode's Default_Ignorable_Code_Point) show nothing, so
    a title made of them is no title.
    """
    return _VISIBLE.search(value) is None


def has_invisible(value: str) -> bool:
    """Whether text holds a control or default-ignorable character (see `is_blank`)."""
    return _HAS_INVISIBLE.search(value) is not None


# How deep HTML elements may nest in a body. News bodies nest a dozen levels at most; HTML's
# tree builder (html5ever, under nh3) checks the open elements' scope for each block element,
# so its time grows with the square of the depth: 100,000 nested `<div>`s (500 KB) took 20 s.
# 256 is libxml2's limit on an HTML or XML document's depth, too.
MAX_HTML_DEPTH = 256
# Elements with no content (never open) and elements whose end tag HTML implies when a sibling
# starts (`<p>a<p>b`, `<li>`, table rows and cells): neither deepens the tree by repetition.
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
     "param", "source", "track", "wbr"}
)  # fmt: skip
_IMPLIED_END = frozenset(
    {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
     "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body"}
)  # fmt: skip
_COMMENT_OR_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)", re.S)


class HtmlTooDeep(ValueError):
    """HTML whose elements nest deeper than `MAX_HTML_DEPTH`: refused before it is parsed."""

    def __init__(self) -> None:
        super().__init__(
            f"elements nested more than {MAX_HTML_DEPTH} deep (a news body nests a dozen "
            "levels at most); close the elements you open, e.g. each <div> with </div>"
        )


def nests_deeper_than(fragment: str, limit: int = MAX_HTML_DEPTH) -> bool:
    """Whether HTML `fragment`'s open elements ever number more than `limit`: its tags read in
    one pass as a tree builder would stack them (an end tag closes its element and those
    opened inside it; void elements and those whose end HTML implies, `p`, `li`, table rows
    and cells, are not counted; comments are skipped). Linear in the length: at most `limit`
    open elements are ever kept. Never less than the depth html5ever builds for the elements
    it counts, so a fragment it passes cannot make the tree builder quadratic."""
    if fragment.count("<") <= limit:
        return False
    stack: list[str] = []
    for match in _COMMENT_OR_TAG.finditer(fragment):
        name = match.group(2)
        if name is None:
            continue  # a comment
        name = name.lower()
        if match.group(1):  # an end tag: close it and what it holds, if it is open
            for index in range(len(stack) - 1, -1, -1):
                if stack[index] == name:
                    del stack[index:]
                    break
        elif name not in _VOID_ELEMENTS and name not in _IMPLIED_END:
            stack.append(name)
            if len(stack) > limit:
                return True
    return False


# An XML CDATA section (`<![CDATA[...]]>`): how RSS and NITF quote HTML or text, left in values
# copied out of them. HTML reads one as a bogus comment, hiding its content.
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def unwrap_cdata(value: str) -> str:
    """The value with each CDATA section replaced by its content, as an XML reader gives it:
    `<![CDATA[<p>Hi</p>]]>` -> `<p>Hi</p>`, `<![CDATA[Seoul talks]]>` -> `Seoul talks`. A
    `<![CDATA[` without its `]]>` is left as it is."""
    if "<![" not in value:
        return value
    return _CDATA.sub(r"\1", value)


def sanitize_html(fragment: str, base_url: str = "") -> str:
    """Keep the tags and attributes a news body needs and make every link absolute.

    `base_url` is the article's own URL: an absolute http(s) URL, or a site-relative path such
    as `/articles/<id>` for articles that live only on this site; relative links are resolved
    against it (against `/` when it is empty), so `../x` becomes `/x` there and the feed model
    adds the public host later. Links with any scheme but http, https and mailto are removed.
    Named entities come out as characters, so an XML writer never meets `&nbsp;`. Raises
    HtmlTooDeep when elements nest deeper than `MAX_HTML_DEPTH` (`nests_deeper_than`).
    A CDATA section is read as its content (`unwrap_cdata`).
    """
    fragment = unwrap_cdata(fragment)
    if nests_deeper_than(fragment):
        raise HtmlTooDeep
    composed = fragment if fragment.isascii() else unicodedata.normalize("NFC", fragment)
    if _PLAIN_PARAGRAPHS.fullmatch(composed) and not composed.startswith("\ufeff"):
        # Nothing for `clean_text` or the sanitiser to change (so record_text is the NFC
        # alone); tests/test_text_hygiene.py holds it to that.
        return composed.strip()
    token = _base_url.set(base_url or "/")
    # Without the bidi balancing of single-line texts: a body's paragraphs end every embedding
    # (UAX #9 X8, each block is a paragraph when a reader renders it), and its attributes are
    # URLs, not text.
    fragment = record_text(fragment, bidi=False)
    if "&#" in fragment:
        fragment = _NUMERIC_REFERENCE.sub(_usable_reference, fragment)
    try:
        cleaned = _body_cleaner().clean(fragment)
    finally:
        _base_url.reset(token)
    # html5ever escapes U+00A0 as `&nbsp;`, the one named entity XML does not define.
    return cleaned.replace("&nbsp;", "\u00a0").strip()


# An HTML numeric character reference, `;` optional as in HTML.
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# The C1 code points HTML does not map to a windows-1252 character (HTML 13.2.5.80): a
# reference to one gives the control itself.
_UNMAPPED_C1 = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def _usable_reference(match: re.Match[str]) -> str:
    """The reference as written when it names a character a record may hold, else "".

    The HTML parser reads a reference to NUL, a surrogate or a code point past U+10FFFF as
    U+FFFD, and one to a C0 or C1 control as that control: the raw character would have been
    removed by `clean_text`, and its reference is removed the same way, never shown as U+FFFD
    (which the W3C validator and feed readers report as mis-decoded text).
    """
    digits = match.group(1) or match.group(2)
    if len(digits.lstrip("0")) > 7:  # past U+10FFFF however it is written
        return ""
    code = int(digits, 16 if match.group(1) else 10)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in _UNMAPPED_C1:
        return ""
    if 0x80 <= code <= 0x9F:  # windows-1252 characters in HTML (`&#x93;` is U+201C)
        return match.group(0)
    return match.group(0) if clean_text(chr(code)) else ""


# A body of bare `<p>` paragraphs (none inside another) and text that `clean_text` keeps
# and the HTML parser reads as written: no other markup, no `&` (character references), no
# `>`, no CR (which the parser turns into LF), no character XML cannot carry; and no byte
# order mark first (which the parser drops), checked beside it. `sanitize_html` gives such a
# body back as it is (a U+00A0 too) without the sanitiser, which would return it unchanged at
# several times the cost: the one shape of body most records have.
_PLAIN = "[^<>&\r" + _XML_ILLEGAL.pattern[1:-1] + "]*"
_PLAIN_PARAGRAPHS = re.compile(f"{_PLAIN}(?:<p>{_PLAIN}</p>{_PLAIN})*")

# The base URL of the body being sanitised, for the cleaner's callbacks: the cleaner is built
# once (building one costs more than cleaning a typical body) and reads the base from here.
_base_url: ContextVar[str] = ContextVar("sanitize_html_base_url", default="/")


def _resolve(url: str) -> str | None:
    url = uri_safe(url)
    if not url:
        return None
    joined = urljoin(_base_url.get(), url)
    # A site-relative base cannot resolve `//host/x`; such a link names another host.
    if joined.startswith("//"):
        joined = "https:" + joined
    return joined


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute not in _URL_ATTRIBUTES:
        return value
    value = uri_safe(value)
    scheme = urlsplit(value).scheme.lower() if ":" in value else ""
    if scheme and scheme not in URL_SCHEMES:
        return None
    return _resolve(value) if not scheme else value


@cache
def _body_cleaner() -> nh3.Cleaner:
    """The sanitiser of article bodies (fixed options; the base URL comes from `_base_url`)."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        url_relative=_resolve,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


@cache
def _text_cleaner() -> nh3.Cleaner:
    """Removes every tag (and the content of script-like ones), for `html_to_text`."""
    return nh3.Cleaner(tags=set(), clean_content_tags=_DROP_WITH_CONTENT)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, entities decoded, whitespace collapsed, with
    nothing `clean_text` removes. Takes any str: a record's value may reach it before the text
    rule has cleaned it, lone surrogates included (the HTML cleaner works on UTF-8)."""
    # A space before each block boundary keeps `<p>a</p><p>b</p>` from reading as one word.
    spaced = _BLOCK_BOUNDARY.sub(r" \g<0>", clean_text(unwrap_cdata(fragment)))
    if nests_deeper_than(spaced):
        # No text field is ever this; read without the tree builder's quadratic time: the
        # script-like elements' content and then every tag dropped.
        stripped = _ANY_TAG.sub("", _DROPPED_CONTENT.sub("", spaced))
        stripped = stripped.replace("<", "&lt;")  # a stray `<` stays text, as nh3 keeps it
    else:
        stripped = _text_cleaner().clean(spaced)
    return clean_text(" ".join(html.unescape(stripped).split()))


_TAG_START = re.compile(r"<[A-Za-z/!?]")
_ANY_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>?|<[!?][^>]*>?", re.S)
_DROPPED_CONTENT = re.compile(
    r"<(" + "|".join(sorted(_DROP_WITH_CONTENT)) + r")\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I
)


def reads_as_markup(text: str) -> bool:
    """Whether an HTML reading of plain `text` differs from the text itself.

    True when it holds a `<` that opens a tag, comment or declaration, or an `&` that starts a
    character reference HTML would decode (`&amp;`, `&lt`, `&copy`...) or any `&#`. `AT&T`,
    `A < B`, `I <3 N.Y.` and `Bill & Ted` read the same either way.
    """
    if "&" in text and ("&#" in text or html.unescape(text) != text):
        return True
    return "<" in text and _TAG_START.search(text) is not None


def markup_text(text: str) -> str:
    """The text an HTML reading of `text` shows, for a plain-text field that cannot carry
    markup: `text` itself unless it `reads_as_markup`; else its tags dropped (script-like
    ones with their content), character references decoded, white space collapsed
    (`html_to_text`), read again while the result still reads as markup and changes (HTML
    escaped once more: `&lt;b&gt;Kim&lt;/b&gt;` -> `Kim`). `<b>Kim</b>` -> `Kim`,
    `Lee &amp; Park` -> `Lee & Park`, `AT&T` and `I <3 N.Y.` unchanged. The result may still
    read as markup (`a&#b`, which no reading changes); callers refuse that.
    """
    for _ in range(8):
        if not reads_as_markup(text):
            return text
        shown = html_to_text(text)
        if shown == text:
            return text
        text = shown
    return text


# How deep Markdown's blocks and inline marks may nest (markdown-it's `maxNesting`, 20 in its
# CommonMark preset; each list level takes two, the list and its item). Past it the parser
# stops and leaves the rest of the text out, so a source that reaches it is refused instead.
MAX_MARKDOWN_NESTING = 100


class MarkdownTooDeep(ValueError):
    """Markdown nested so deep its parser would leave text out: refused."""

    def __init__(self) -> None:
        super().__init__(
            f"lists, quotes or emphasis nested more than {MAX_MARKDOWN_NESTING // 2} levels "
            "deep, past which the Markdown parser leaves the rest of the text out; nest less"
        )


@cache
def _markdown() -> MarkdownIt:
    options = {"html": False, "maxNesting": MAX_MARKDOWN_NESTING}
    return MarkdownIt("commonmark", options).enable("table").enable("strikethrough")


def markdown_to_html(source: str) -> str:
    """CommonMark (tables and strikethrough on, raw HTML off) as HTML, not yet sanitised.
    Raises MarkdownTooDeep when the source nests to `MAX_MARKDOWN_NESTING`, where the parser
    would drop the rest of it in silence."""
    md = _markdown()
    tokens = md.parse(source)
    limit = MAX_MARKDOWN_NESTING - 1
    for token in tokens:
        if token.level >= limit or any(c.level >= limit for c in token.children or ()):
            raise MarkdownTooDeep
    return md.renderer.render(tokens, md.options, {})


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs: blank lines separate paragraphs, single newlines break."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return "".join(
        "<p>"
        + "<br>".join(html.escape(line.strip(), quote=False) for line in p.split("\n"))
        + "</p>"
        for p in paragraphs
        if p
    )


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """An ASCII slug for URLs: `아시아` -> `asia`; lower case, hyphens, at most 80 characters.

    Never empty: text with nothing to transliterate gets `h-` and a short hash of itself.
    """
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Cut at a word boundary when one is not too far back.
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug = f"h-{digest}"
    return slug


def reading_time_minutes(text_or_html: str, language: str) -> int:
    """Minutes to read a body: words at 230 a minute, or characters for Korean, Japanese, Chinese.

    For ko (500 a minute), ja (500) and zh (300) every character that is not white space counts.
    Never less than 1.
    """
    text = html_to_text(text_or_html) if "<" in text_or_html else text_or_html
    primary = language.split("-", 1)[0].lower()
    if primary in CHARACTERS_PER_MINUTE:
        characters = sum(1 for ch in text if not ch.isspace())
        minutes = characters / CHARACTERS_PER_MINUTE[primary]
    else:
        minutes = len(text.split()) / WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))
