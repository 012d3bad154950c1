"""What people and readers' discovery steps see besides the feed documents.

The blueprint `bp` serves the index of every feed (with autodiscovery links), the OPML
subscription list, one HTML page per facet (the feeds' `alternate` links), article pages for
records without an external URL, the browser stylesheet for feeds and the bundled sample images.

Every path and URL comes from `feeds.urls`, which the feed layer uses too, so a feed's links
and these pages can never disagree.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote
from xml.etree import ElementTree as ET

from flask import Blueprint, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from articles.languages import LanguageError, canonical_language
from articles.model import Article
from articles.store import ALL, Facet, FacetInfo, Store
from articles.store import FacetKindName as FacetKind
from feeds.config import SiteConfig
from feeds.documents import Documents
from feeds.error_answers import error_response
from feeds.etag import OUTPUT_VERSION, PACKAGE_VERSION, DocumentVersion, settled_last_modified
from feeds.feed_types import EMPTY_FEED_UPDATED
from feeds.hygiene import absolute_html, absolute_url
from feeds.redirects import labelled_slug, permanent_redirect
from feeds.responses import document_response
from feeds.translations import alternates
from feeds.urls import (
    ARTICLES_PREFIX,
    CSS_PATH,
    FORMATS,
    INDEX_PATH,
    KIND_BY_SEGMENT,
    OPML_PATH,
    SAMPLE_IMAGES_PREFIX,
    SEGMENT_BY_KIND,
    STYLESHEET_PATH,
    AnyPathConverter,
    article_page_path,
    article_page_url,
    article_url,
    facet_page_path,
    facet_page_url,
    feed_url,
    public_base_url,
    sent_as_is,
)
from feeds.writers.translations import per_language

bp = Blueprint("pages", __name__, template_folder="templates")

FORMAT_LABELS: Final = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
AUTODISCOVERY_TYPES: Final = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
# Facet kinds in the order the index and the OPML list them.
KIND_ORDER: Final = ("all", *SEGMENT_BY_KIND)
KIND_HEADINGS: Final = {
    "all": "전체",
    "section": "섹션",
    "tag": "태그",
    "author": "기자",
    "language": "언어",
    "source": "출처",
    "podcast": "팟캐스트",
}
# Articles listed on an HTML page; the store is asked for exactly this many rows.
PAGE_SIZE: Final = 50
STATIC_DIR: Final = Path(__file__).parent / "static"
SAMPLE_IMAGES_DIR: Final = (
    Path(__file__).resolve().parent.parent / "articles" / "samples" / "images"
)
SAMPLE_IMAGE_MAX_AGE: Final = 86400
STATIC_MAX_AGE: Final = 3600
HTML_TYPE: Final = "text/html; charset=utf-8"
OPML_TYPE: Final = "text/x-opml; charset=utf-8"
# Stands for "no change of its own": a document dated only by the code and settings.
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# 404s of pages and feeds: stored by caches but checked with us at every use (see _not_found).
NOT_FOUND_CACHE: Final = "no-cache"
# A path value longer than this, or holding control characters, cannot name a facet or an
# article; refusing it here keeps such values away from the database (PostgreSQL rejects NUL).
MAX_KEY_LENGTH: Final = 300
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


# --- request helpers ----------------------------------------------------------------------------


def _config() -> SiteConfig:
    config: SiteConfig = current_app.extensions["feeds.config"]
    return config


def _store() -> Store:
    store: Store = current_app.extensions["feeds.store"]
    return store


def _documents() -> Documents:
    """The feeds' query step (`feeds.documents`), which dates the listings too."""
    version: DocumentVersion = current_app.extensions["feeds.version"]
    return Documents(_store(), _config(), version)


def _base_url() -> str:
    return public_base_url(_config())


def _now() -> datetime:
    """The app's clock (`feeds.clock`, replaceable in tests), else the wall clock."""
    clock = current_app.extensions.get("feeds.clock")
    return clock() if clock is not None else datetime.now(UTC)


def _usable_key(value: str) -> bool:
    """Whether a path value could be a slug or id at all (length, no control characters)."""
    if not value or len(value) > MAX_KEY_LENGTH:
        return False
    return not any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in value)


def _not_found(message: str) -> tuple[str, int, dict[str, str]]:
    # Revalidated at every use: an embargo that ends may fill the page, and a shorter lifetime
    # only for the pages it will fill would tell anyone who asks that they are coming.
    page = render_template(
        "not_found.html",
        **_page_context(_base_url()),
        heading="페이지를 찾을 수 없습니다",
        local_message="",
        message=message,
    )
    return page, 404, {"Cache-Control": NOT_FOUND_CACHE}


def _gone(article_id: str, deleted_at: datetime) -> tuple[str, int, dict[str, str]]:
    """410 Gone (RFC 9110, 15.5.11) for an article deleted while it was public.

    Search engines drop a 410 at once; readers following an old link learn the article was
    removed, not mistyped. Revalidated at every use like a 404: storing the id again brings
    the page back.
    """
    when = deleted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    message = f"The article {article_id[:80]!r} was removed on {when}."
    page = render_template(
        "not_found.html",
        **_page_context(_base_url()),
        heading="삭제된 기사",
        local_message=f"기사 {article_id[:80]!r}은(는) {when}에 삭제되었습니다.",
        message=message,
    )
    return page, 410, {"Cache-Control": NOT_FOUND_CACHE}


def _etag(*parts: object) -> str:
    """The opaque part of a page's strong ETag (no quotes, no coding suffix): a hash of the
    code that makes it, the config fingerprint, the base URL and what the page shows. It names
    every byte of the page, so it keys the render cache too."""
    digest = hashlib.sha256()
    for part in (OUTPUT_VERSION, PACKAGE_VERSION, _config().fingerprint(), _base_url(), *parts):
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _document(
    etag: str,
    render: Callable[[], bytes],
    media_type: str,
    modified: datetime | None = None,
    until: datetime | None = None,
    max_age: int | None = None,
    compressible: bool = True,
) -> BaseResponse:
    """A page's answer, negotiated, compressed and validated as the feeds are
    (`feeds.responses.document_response`): `etag` its opaque ETag, `render()` its bytes (called
    only when the client's copy is not current and the render cache misses), `modified` the
    latest change of what it shows (None: no Last-Modified), `max_age` its lifetime (default
    `cache_max_age`).

    `until` is when an embargoed article will change this page (it joins it): no copy may be
    kept past it.
    """
    now = _now()
    if modified is not None:
        # The page changed too when the settings and code that shape it came into use.
        version: DocumentVersion = current_app.extensions["feeds.version"]
        modified = max(modified, version.since(now))
    age = _config().cache_max_age if max_age is None else max_age
    if until is not None:
        age = max(0, min(age, int((until - now).total_seconds())))
    return document_response(
        opaque=etag,
        render=render,
        media_type=media_type,
        headers={"Cache-Control": f"public, max-age={age}"},
        modified=settled_last_modified(modified, now),
        now=now,
        compressible=compressible,
    )


def _discovery(facets: Iterable[tuple[Facet, str]], base: str) -> list[dict[str, str]]:
    """`<link rel="alternate">` entries for the given (facet, label) pairs in every format."""
    config = _config()
    links = []
    for facet, label in facets:
        title = config.title if facet.kind == "all" else f"{config.title}: {label}"
        for fmt in FORMATS:
            links.append(
                {
                    "type": AUTODISCOVERY_TYPES[fmt],
                    "title": f"{title} ({FORMAT_LABELS[fmt]})",
                    "href": feed_url(facet, fmt, base),
                }
            )
    return links


def _sorted_infos(infos: Iterable[FacetInfo]) -> list[FacetInfo]:
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    return sorted(infos, key=lambda i: (rank.get(i.facet.kind, len(rank)), i.facet.value))


def _facets_etag_parts(infos: Sequence[FacetInfo]) -> list[tuple[object, ...]]:
    return [(i.facet.kind, i.facet.value, i.label, i.count, i.latest.isoformat()) for i in infos]


def _page_context(base: str) -> dict[str, Any]:
    config = _config()
    return {
        "site": config,
        "base": base,
        "css_url": f"{base}{CSS_PATH}",
        "formats": FORMATS,
        "format_labels": FORMAT_LABELS,
        "feed_url": lambda facet, fmt: feed_url(facet, fmt, base),
        "facet_page_url": lambda facet: facet_page_url(facet, base),
        # Record URLs may be root-relative (`/articles/x`, `/samples/images/x.png`): they are
        # under the site's root, prefix included, as in the feeds (feeds.hygiene.absolute_url).
        "article_url": lambda article: absolute_url(article_url(article, base), base),
        "absolute": lambda url: absolute_url(url, base),
        "absolute_html": lambda body: absolute_html(body, base),
        "article_page_url": lambda article: article_page_url(article, base),
        "show_date": lambda dt, lang=config.default_language: _show_date(dt, lang, config),
        "reading_time": _reading_time,
    }


def _show_date(moment: datetime, language: str, config: SiteConfig) -> str:
    local = moment.astimezone(config.zone)
    if language.lower().startswith("ko"):
        return f"{local.year}년 {local.month}월 {local.day}일"
    return local.strftime("%Y-%m-%d")


def _reading_time(article: Article) -> str:
    if article.language.lower().startswith("ko"):
        return f"{article.reading_time}분 읽기"
    return f"{article.reading_time} min read"


# --- views --------------------------------------------------------------------------------------


@bp.get(INDEX_PATH)
def index() -> ResponseReturnValue:
    """Every feed with its counts, how to subscribe, and the newest articles (the "all" page)."""
    return _facet_page(None, "")


@bp.get(f"/<any({', '.join(SEGMENT_BY_KIND.values())}):segment>/<value>")
def facet_page(segment: str, value: str) -> ResponseReturnValue:
    """Newest articles of one section, tag, author, language or source (`/section/asia`)."""
    return _facet_page(KIND_BY_SEGMENT[segment], value)


def _facet_page(kind: FacetKind | None, value: str) -> ResponseReturnValue:
    """One facet's HTML page; `kind=None` is the index, which is also the "all" page."""
    store, base, now = _store(), _base_url(), _now()
    if kind is None:
        facet = ALL
        infos = _sorted_infos(store.facets(now=now))
        info = next((i for i in infos if i.facet.kind == "all"), None)
    else:
        noun = {"language": "language code"}.get(kind, f"{kind} slug")
        if not _usable_key(value) or (kind == "language" and not _LANGUAGE_CODE.fullmatch(value)):
            return _not_found(f"{value[:80]!r} is not a valid {noun}.")
        if kind == "language":
            # BCP 47 tags are case-insensitive (RFC 5646 2.1.1): one URL per language.
            try:
                canonical = canonical_language(value)
            except LanguageError as exc:
                return _not_found(f"{exc}.")
            if canonical != value:
                if store.facet_info(Facet(kind, canonical), now=now) is None:
                    return _not_found(f"No published articles for {noun} {canonical!r}.")
                return permanent_redirect(facet_page_path(Facet(kind, canonical)))
        facet = Facet(kind, value)
        info = store.facet_info(facet, now=now)
        if info is None and store.is_configured(facet):
            # A show with no episode yet (or none left) still has its page: its feeds' <link>.
            info = FacetInfo(facet, store.shows[value][1], 0, EMPTY_FEED_UPDATED)
        if info is None:
            # A tag or author named by its label, as people write it: 301 to its slug's page
            # when that has something to show (the rule the feed URLs follow).
            slug = labelled_slug(store, kind, value)
            if slug is not None and store.facet_info(Facet(kind, slug), now=now) is not None:
                return permanent_redirect(facet_page_path(Facet(kind, slug)))
            return _not_found(f"No published articles for {noun} {value!r}.")
        infos = [info]
    keys = store.page_keys(facet, now=now, limit=PAGE_SIZE, offset=0)
    # The index lists every feed and its count, so any embargo that ends changes it.
    until = store.next_visibility_change(now=now, facet=None if kind is None else facet)
    etag = _etag(
        "page",
        kind,
        value,
        _facets_etag_parts(infos),
        [(k.id, k.updated.isoformat()) for k in keys],
    )

    def render() -> bytes:
        # Only when the client's copy is not current: a revalidation reads no article rows.
        articles = store.fetch([k.id for k in keys])
        context = _page_context(base)
        if kind is None:
            groups = [
                (k, KIND_HEADINGS[k], [i for i in infos if i.facet.kind == k]) for k in KIND_ORDER
            ]
            main = [
                (i.facet, i.label) for i in infos if i.facet.kind in {"all", "section", "podcast"}
            ]
            if not any(f.kind == "all" for f, _ in main):
                main.insert(0, (facet, context["site"].title))
            return render_template(
                "index.html",
                groups=[g for g in groups if g[2]],
                articles=articles,
                discovery=_discovery(main, base),
                opml_url=base + OPML_PATH,
                **context,
            ).encode()
        assert info is not None
        return render_template(
            "facet.html",
            info=info,
            heading=KIND_HEADINGS[kind],
            articles=articles,
            discovery=_discovery([(facet, info.label)], base),
            **context,
        ).encode()

    # Last-Modified: the facet's last write (for the index, every feed's), the listed
    # entries' times (an embargo lifting is no write) and the documents' version.
    return _document(etag, render, HTML_TYPE, _documents().listing_change(facet, now, keys), until)


@bp.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["any_path"] = AnyPathConverter


# merge_slashes and strict_slashes off: `/articles//2025/x` is the id "/2025/x", not a redirect.
@bp.get(ARTICLES_PREFIX + "<any_path:article_id>", merge_slashes=False, strict_slashes=False)
def article_page(article_id: str) -> ResponseReturnValue:
    """A plain page for one visible article.

    Articles with an external URL are served too, with `rel="canonical"` pointing at that URL,
    so old links keep working and search engines credit the original.
    """
    if not _usable_key(article_id):
        return _not_found(f"{article_id[:80]!r} is not a valid article id.")
    article = _store().get(article_id)
    if article is None:
        spelling = _visible_spelling(article_id)
        if spelling is not None:
            return permanent_redirect(article_page_path(spelling))
    if article is None or not article.is_visible_at(_now()):
        # Deleted while readers saw it: gone, also while the id is stored again unseen.
        deleted_at = _store().public_deletion(article_id)
        if deleted_at is not None:
            return _gone(article_id, deleted_at)
        # Drafts, withheld and embargoed articles look exactly like missing ones.
        return _not_found(f"No published article with id {article_id!r}.")
    base = _base_url()
    links = _store().translation_links([article.id], now=_now())
    # A write that changed the page without moving `updated` (a linked version leaving,
    # appearing or changing, the same `updated` with other content, a deletion before).
    changed = _store().page_changes([article.id]).get(article.id)
    versions = per_language(alternates(links, base).get(article.id, ()), article.language)
    feed_facet = Facet("section", article.section.slug) if article.section else ALL
    feed_label = article.section.label if article.section else _config().title

    def render() -> bytes:
        return render_template(
            "article.html",
            article=article,
            canonical=absolute_url(article_url(article, base), base),
            discovery=_discovery([(feed_facet, feed_label)], base),
            alternates=versions,
            Facet=Facet,
            **_page_context(base),
        ).encode()

    # The linked versions are part of the page: one appearing, moving or leaving changes
    # the ETag; so does a write that changed the page without moving `updated`.
    etag = _etag(
        "article", article.id, article.updated, changed, [(v.language, v.url) for v in versions]
    )
    # Last-Modified: the latest of the article's own times, its links' (a version whose
    # embargo ends appears with no write) and the page's change time, which every write that
    # changes the page without moving `updated` moves (articles.store.linked).
    moments = [article.updated, article.published, *(link.since for link in links)]
    if changed is not None:
        moments.append(changed)
    # A linked version whose embargo ends appears on the page with no write: no copy of the
    # page may outlive that moment.
    until = _store().next_linked_appearance([article.id], now=_now())
    return _document(etag, render, HTML_TYPE, max(moments), until)


def _visible_spelling(article_id: str) -> str | None:
    """The id of the visible article that `article_id`, which names none, is another spelling
    of: its NFC form (every record's id is NFC, and the API reads a URL's id so), without a
    trailing slash (as every other page). One address per article: the page 301s there, so
    `/articles/e%CC%81t%C3%A9` and `/articles/x/` were 404s where the API found the article."""
    normal = unicodedata.normalize("NFC", article_id)
    for spelling in dict.fromkeys((normal, normal.removesuffix("/"))):
        if spelling in ("", article_id) or not _usable_key(spelling):
            continue
        article = _store().get(spelling)
        if article is not None and article.is_visible_at(_now()):
            return spelling
    return None


@bp.get(OPML_PATH)
def opml() -> ResponseReturnValue:
    """Every feed as an OPML 2.0 subscription list, grouped by facet kind.

    `?format=rss` or `?format=json` lists that format instead of Atom; one outline per feed,
    so importing the list subscribes to each feed once.
    """
    given = request.args.getlist("format")
    if len(given) > 1:
        # `?format=rss&format=json` names no one list (the first was taken in silence), as
        # a repeated `page` names no one feed document.
        message = f"format is given {len(given)} times; give it once (e.g. ?format=rss)"
        return error_response(400, message)
    fmt = given[0] if given else "atom"
    if fmt not in FORMATS:
        message = f"format: expected one of {', '.join(FORMATS)}, got {fmt[:40]!r}"
        return error_response(400, message)
    base, now = _base_url(), _now()
    infos = _sorted_infos(_store().facets(now=now))
    until = _store().next_visibility_change(now=now)  # any lift may add a feed or a count
    # It lists every feed: dated as the index is, by "all"'s last write and newest entry and
    # the documents' version. That date is its `dateModified` too, so it is in the ETag.
    modified = _documents().listing_change(ALL, now, _store().page_keys(ALL, now=now, limit=1))
    # What the list shows, and nothing more (RFC 9110 8.8.3: equal bytes, equal tags): each
    # feed's name and count, and `dateModified` to the second, as written.
    shown = [(i.facet.kind, i.facet.value, i.label, i.count) for i in infos]
    etag = _etag("opml", fmt, shown, _opml_date(modified))
    return _document(
        etag, lambda: build_opml(infos, fmt, base, _config(), modified), OPML_TYPE, modified, until
    )


def _opml_date(moment: datetime) -> str:
    """The OPML `dateModified` of `moment`: RFC 822, in GMT, to the second."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def build_opml(
    infos: Sequence[FacetInfo],
    fmt: str,
    base_url: str,
    config: SiteConfig,
    modified: datetime | None,
) -> bytes:
    """The OPML 2.0 document listing each facet's feed in `fmt`, one group per facet kind.

    `dateModified` is `modified`, the list's last change as its Last-Modified gives it (to
    the second). No `dateCreated` (optional in OPML 2.0: "when the document was created"):
    nothing the store keeps dates the list's creation and stays put (articles are deleted
    and backdated, a version's time moves when it comes back into use), and a date that
    moves with the list is no creation date."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{config.title} ({FORMAT_LABELS[fmt]})"
    if modified is not None:
        ET.SubElement(head, "dateModified").text = _opml_date(modified)
    ET.SubElement(head, "ownerName").text = config.feed_author_name
    if config.author_email:
        ET.SubElement(head, "ownerEmail").text = config.author_email
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for kind in KIND_ORDER:
        members = [i for i in infos if i.facet.kind == kind]
        if not members:
            continue
        group = ET.SubElement(body, "outline", text=KIND_HEADINGS[kind], title=KIND_HEADINGS[kind])
        for info in members:
            name = config.title if kind == "all" else f"{config.title}: {info.label}"
            attrs = {
                "type": "rss",
                "text": name,
                "title": name,
                "xmlUrl": feed_url(info.facet, fmt, base_url),
                "htmlUrl": facet_page_url(info.facet, base_url),
                "description": f"기사 {info.count}개",
            }
            if kind == "language":
                attrs["language"] = info.facet.value
            if fmt == "rss":
                attrs["version"] = "RSS2"
            ET.SubElement(group, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@bp.get(STYLESHEET_PATH)
def feed_stylesheet() -> ResponseReturnValue:
    """The XSLT that renders Atom and RSS for people; `text/xsl` is what browsers apply."""
    return _static("feed.xsl", "text/xsl; charset=utf-8")


@bp.get(CSS_PATH)
def feed_css() -> ResponseReturnValue:
    """The small style sheet shared by the HTML pages and the transformed feeds."""
    return _static("feeds.css", "text/css; charset=utf-8")


@lru_cache(maxsize=32)
def _file(path: Path) -> tuple[bytes, str]:
    """A bundled file's bytes and their hash (the files are part of the code and samples:
    they do not change while the process runs)."""
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _static(name: str, media_type: str) -> ResponseReturnValue:
    """A static text file, served as every document is (`_document`); its Last-Modified is
    when the code it belongs to came into use, the only change it has."""
    data, digest = _file(STATIC_DIR / name)
    return _document(
        _etag("static", name, digest), lambda: data, media_type, _EPOCH, max_age=STATIC_MAX_AGE
    )


@bp.get(SAMPLE_IMAGES_PREFIX + "<path:name>")
def sample_image(name: str) -> ResponseReturnValue:
    """A bundled sample image (the sample records point here), cached for a day; validated
    as every document is, but sent as it is (an image gains nothing from compression).

    `x.png/` is another spelling of `x.png`: 301 to it, as every other path with a trailing
    slash (the file system read `x.png/` as `x.png`, so it was the image at a second
    address)."""
    path = _sample_image(name)
    if path is None:
        moved = _sample_image(name.rstrip("/")) if name.endswith("/") else None
        if moved is not None:
            return permanent_redirect(SAMPLE_IMAGES_PREFIX + quote(moved.name))
        return _not_found(f"No sample image named {name[:80]!r}.")
    data, digest = _file(path)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return _document(
        _etag("image", name, digest),
        lambda: data,
        media_type,
        _EPOCH,
        max_age=SAMPLE_IMAGE_MAX_AGE,
        compressible=not sent_as_is(SAMPLE_IMAGES_PREFIX + name),
    )


def _sample_image(name: str) -> Path | None:
    """The bundled sample image file named exactly `name`, or None."""
    path = SAMPLE_IMAGES_DIR / name if _usable_key(name) else None
    if path is None or path.parent != SAMPLE_IMAGES_DIR or path.name != name:
        return None
    return path if path.is_file() else None
