"""Site settings: one object, documented defaults, overridable by a config file and the environment.

Precedence, lowest first: the defaults below, a TOML file (`FEEDS_CONFIG=/path/site.toml`, or
`site.toml` in the instance folder when present), environment variables named `FEEDS_<FIELD>`
in upper case (`FEEDS_SITE_URL`, `FEEDS_ITEMS_PER_FEED`, ...), then a mapping passed to
`create_app` (tests). `DATABASE_URL` is also read without the prefix, as hosting platforms set it.

Every value is checked at load (`SiteConfig.validated`); a ConfigError is one line naming the
source once: `site.toml: hub_url: ...` or `FEEDS_HUB_URL: ...`. An environment variable set
but empty is ignored with a warning (never replacing the file's value); a `FEEDS_` variable
that resembles a setting is an error with a suggestion, as an unknown key of the file is.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.sansio.utils import host_is_trusted

from articles.languages import LanguageError, canonical_language
from feeds.podcasts import Show, ShowError, find_show, parse_shows, unstable_guid_reason

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the setting and the source.

    `setting` and `reason` are kept apart when known, so `load_config` can name where the
    value came from (the file and key, or the environment variable) once."""

    def __init__(self, message: str, *, setting: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.setting = setting
        self.reason = reason or message


def _bad(setting: str, reason: str) -> ConfigError:
    # A reason naming a key inside the setting (`podcasts.briefing: guid: ...`) names it.
    message = reason if reason.startswith(f"{setting}.") else f"{setting}: {reason}"
    return ConfigError(message, setting=setting, reason=reason)


# Environment variables with the FEEDS_ prefix that are not settings: read by create_app
# (CONFIG, INSTANCE_PATH, AUTO_MIGRATE) or by the test suite and CI (the rest).
OTHER_FEEDS_VARIABLES = frozenset(
    {
        "FEEDS_CONFIG",
        "FEEDS_INSTANCE_PATH",
        "FEEDS_AUTO_MIGRATE",
        "FEEDS_REQUIRE_POSTGRES",
        "FEEDS_REQUIRE_BROWSER",
        "FEEDS_REQUIRE_NGINX",
        "FEEDS_SCREENSHOT_DIR",
        "FEEDS_PROPERTY_PROFILE",
    }
)
# The smallest value of each whole-number setting (0 for those not named).
_MINIMUMS: Mapping[str, int] = {
    "items_per_feed": 1,
    "max_items_per_feed": 1,
    "access_log_flush_ms": 1,
    "api_batch_max": 1,
    "api_max_body_bytes": 1024,
}
_MINIMUM_MEANING: Mapping[str, str] = {
    "tombstone_days": " (0: no tombstones)",
    "lift_check_seconds": " (0: off)",
    "response_memo_ms": " (0: off)",
    "trust_proxy_hops": " (0: no proxy)",
    "render_cache_bytes": " (0: no cache)",
}


# Settings that never change a document's bytes, so changing them keeps every ETag: moving
# the same rows to another database, resizing caches or turning on the access log does not
# make every reader download every feed again. (The public base URL is part of each ETag on
# its own, so trust_proxy_hops needs no place here either.) The cache lifetimes are in each
# answer's Cache-Control, never in its bytes: tuning them, or two processes running with two
# values during the change, keeps every ETag and Last-Modified.
_NOT_IN_DOCUMENTS = frozenset(
    {
        "cache_max_age",
        "stale_while_revalidate",
        "stale_if_error",
        "archive_max_age",
        "access_log",
        "access_log_flush_ms",
        "moved_feeds",
        "database_url",
        "render_cache_bytes",
        "response_memo_ms",
        "load_samples",
        "trust_proxy_hops",
        "trusted_hosts",
        "max_clock_skew",
        "lift_check_seconds",
        "rate_limit",
        "rate_limit_storage",
        "api_batch_max",
        "api_max_body_bytes",
        "subscriber_counts",
    }
)


@dataclass(frozen=True)
class SiteConfig:
    # Public base URL of the site, e.g. "https://news.example.com". Feeds build their `self`,
    # `alternate` and entry links from it. When empty, the request's own host is used (honouring
    # X-Forwarded-* when trust_proxy_hops > 0), which is right for local use only.
    site_url: str = ""
    title: str = "TRT 한국어 뉴스"
    description: str = "TRT Global 한국어 기사 피드 (샘플 데이터)"
    # RFC 4151 tagging entity: an authority (a domain or e-mail you own) and a date on which you
    # owned it. Entry ids are minted from it once, when an article is first stored.
    tag_authority: str = "feeds.example.org,2025"
    default_language: str = "ko"
    timezone: str = "Asia/Seoul"
    logo_url: str = ""
    icon_url: str = ""
    rights: str = ""
    # The feed-level author, used for entries that carry none (Atom requires one per entry).
    author_name: str = ""
    author_email: str = ""
    items_per_feed: int = 50
    max_items_per_feed: int = 200
    # HTTP caching of the current documents; settled archives get archive_max_age. Nothing
    # is `immutable`: a deletion or correction changes an archive too (new ETag), and caches
    # learn of it within its max-age.
    cache_max_age: int = 300
    stale_while_revalidate: int = 60
    stale_if_error: int = 86400
    archive_max_age: int = 86400
    # How long (days) Atom feeds carry an RFC 6721 at:deleted-entry for an entry readers
    # could have seen that was deleted or withdrawn.
    tombstone_days: int = 30
    # How far (seconds) a record's `updated`, or a published record's `published` that is not
    # an embargo, may be ahead of the server's clock before the write is refused.
    max_clock_skew: int = 300
    # How often (seconds) each app process checks for embargoes that ended, to ping the hub
    # once for the feeds they changed (claimed through the database, so once in all); 0 is
    # off (run `flask feeds lift-embargoes` from cron instead).
    lift_check_seconds: int = 2
    # Rendered documents kept in memory per process, bounded by total bytes.
    render_cache_bytes: int = 64 * 1024 * 1024
    # Identical feed requests within this many milliseconds are answered from memory without
    # asking the database again (never past an embargo lifting); 0 asks it every time. A
    # change in the database shows within this window, far inside any feed's max-age.
    response_memo_ms: int = 1000
    # WebSub hub advertised in every feed and pinged on change; empty disables WebSub.
    hub_url: str = ""
    # How many reverse proxies in front of the app to trust for X-Forwarded-* (0 = none).
    trust_proxy_hops: int = 0
    # Host names this site answers for, separated by spaces or commas ("news.example.com
    # .example.org": a leading dot allows every subdomain); any other Host is a 400, as with
    # Flask's TRUSTED_HOSTS. Empty allows any valid host name.
    trusted_hosts: str = ""
    # Where the articles live; empty means a SQLite file in the instance folder.
    database_url: str = ""
    # Load the bundled sample articles into an empty embedded database on first start.
    load_samples: bool = True
    # Feeds that moved, answered with 301: whitespace-separated `old-path=new` pairs, where new
    # is a path on this site or an absolute URL, e.g.
    # "/rss/news.xml=/feeds/all.rss /asia.xml=/feeds/section/asia.atom".
    moved_feeds: str = ""
    # Requests allowed per client address before 429 + Retry-After, in the `limits` notation
    # ("120/minute" or "120/minute;2000/hour"); empty is off. Counted where
    # rate_limit_storage says: "memory://" per process, "redis://host:6379" shared.
    rate_limit: str = ""
    rate_limit_storage: str = "memory://"
    # Access log in Combined Log Format plus milliseconds: "-" is standard output, anything
    # else a file to append to, empty is off (the development server logs requests itself).
    # Lines are written in batches at least every access_log_flush_ms.
    access_log: str = ""
    access_log_flush_ms: int = 1000
    # Count subscribers from feed requests (feeds.subscribers, docs/subscribers.md): the
    # aggregators' User-Agent reports and hashed direct clients. False: nothing is counted.
    subscriber_counts: bool = True
    # Publishing API (/api/): the most records one POST /api/articles/batch may carry, and
    # the largest request body accepted (413 above it).
    api_batch_max: int = 100
    api_max_body_bytes: int = 16 * 1024 * 1024
    # Podcast shows, each a `[podcasts.<slug>]` table of the TOML file (feeds.podcasts,
    # docs/podcasts.md); not settable from the environment.
    podcasts: tuple[Show, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def feed_author_name(self) -> str:
        return self.author_name or self.title

    def feed_limits(self, facet: Any) -> tuple[int, int]:
        """The default and the largest `limit` of the live documents of `facet` (anything
        with `kind` and `value`): items_per_feed and max_items_per_feed; for a configured
        podcast show, its episodes_per_feed, which podcast apps read whole (they follow no
        pages), and the larger of that and max_items_per_feed."""
        if facet.kind == "podcast":
            show = find_show(self.podcasts, facet.value)
            if show is not None:
                per_feed = show.episodes_per_feed
                return per_feed, max(per_feed, self.max_items_per_feed)
        return self.items_per_feed, self.max_items_per_feed

    @property
    def trusted_host_list(self) -> tuple[str, ...]:
        """`trusted_hosts` as a tuple of names (empty: every valid host is allowed)."""
        return tuple(name for name in self.trusted_hosts.replace(",", " ").split() if name)

    @property
    def feed_moves(self) -> tuple[tuple[str, str], ...]:
        """`moved_feeds` as (old path, new path or URL) pairs."""
        return tuple(_parse_move(pair) for pair in self.moved_feeds.split())

    def fingerprint(self) -> str:
        """A short hash of every setting that changes a document's bytes (part of each ETag).

        Computed once per config: every feed and page request asks for it."""
        cached: str | None = self.__dict__.get("_fingerprint")
        if cached is None:
            settings = {k: v for k, v in asdict(self).items() if k not in _NOT_IN_DOCUMENTS}
            blob = repr(sorted(settings.items())).encode()
            cached = hashlib.sha256(blob).hexdigest()[:16]
            object.__setattr__(self, "_fingerprint", cached)  # frozen: no field, a memo
        return cached

    def validated(self) -> SiteConfig:
        """Check the settings once at start-up, so a typo fails loudly, not in a request.

        Raises ConfigError naming the setting (`setting`) and the problem (`reason`)."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _bad("timezone", f"unknown time zone {self.timezone!r}") from exc
        _check_url("site_url", self.site_url)
        _check_url("hub_url", self.hub_url)
        _check_url("logo_url", self.logo_url, path_allowed=True)
        _check_url("icon_url", self.icon_url, path_allowed=True)
        if "," not in self.tag_authority:
            raise _bad(
                "tag_authority",
                "must be 'authority,date' as RFC 4151 says, "
                f"e.g. 'example.org,2025', got {self.tag_authority!r}",
            )
        try:
            self.feed_moves  # noqa: B018 (raises ConfigError on a malformed pair)
        except ConfigError as exc:
            raise _bad("moved_feeds", exc.reason) from None
        for name in self.trusted_host_list:
            if not host_is_trusted(name.removeprefix(".")):
                raise _bad(
                    "trusted_hosts",
                    f"{name!r} is not a host name (letters, digits, '.' and '-', "
                    "or an IP address; a leading '.' allows every subdomain)",
                )
        for item in fields(self):
            value = getattr(self, item.name)
            if str(item.type) == "int" and isinstance(value, int):
                least = _MINIMUMS.get(item.name, 0)
                if value < least:
                    meaning = _MINIMUM_MEANING.get(item.name, "")
                    raise _bad(item.name, f"must be {least}{meaning} or more, got {value}")
        if self.items_per_feed > self.max_items_per_feed:
            raise _bad(
                "items_per_feed",
                f"{self.items_per_feed} is more than max_items_per_feed "
                f"({self.max_items_per_feed})",
            )
        if self.database_url:
            _check_database_url(self.database_url)
        if self.rate_limit:
            from feeds.ratelimit import parse_limits  # the limits library, only when used

            try:
                parse_limits(self.rate_limit)
            except ValueError as exc:
                raise _bad("rate_limit", str(exc)) from None
        if "://" not in self.rate_limit_storage:
            raise _bad(
                "rate_limit_storage",
                f"expected a storage URI such as 'memory://' or 'redis://host:6379', "
                f"got {self.rate_limit_storage!r}",
            )
        try:
            language = canonical_language(self.default_language)
        except LanguageError as exc:
            raise _bad("default_language", str(exc)) from None
        if not self.site_url:
            for show in self.podcasts:
                if not show.guid:
                    raise _bad("podcasts", unstable_guid_reason(show))
        return replace(self, site_url=site_root(self.site_url), default_language=language)


_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def site_root(site_url: str) -> str:
    """`site_url` (checked by `_check_url`) in the one spelling every URL under it is built
    from: the site's public root, so no query, fragment or user name and password (each URL
    would carry them, `https://news.example.com/?x=1/feeds/all.atom`); scheme and host in
    lower case, a non-ASCII host in IDNA, no default port and no trailing slash (RFC 3986
    section 6.2.2 and 6.2.3: `https://News.Example.com:443/` is `https://news.example.com`).
    Two spellings of one root give the same feed URLs, so the same podcast:guid, which is
    derived from the show's feed URL and must never change. Empty stays empty; ConfigError
    naming site_url otherwise."""
    if not site_url:
        return site_url
    parts = urlsplit(site_url)
    extra = [
        name
        for name, present in (
            ("a query", "?" in site_url),
            ("a fragment", "#" in site_url),
            ("a user name or password", "@" in parts.netloc),
        )
        if present
    ]
    if extra:
        root = f"{parts.scheme}://{parts.hostname or ''}{parts.path}".rstrip("/")
        # A password is not repeated into logs: the example shows the URL without it.
        raise _bad(
            "site_url",
            f"the site's public root has {' and '.join(extra)}, which every feed, page and "
            f"sitemap URL under it would carry; give the scheme, host and path alone: {root!r}",
        )
    host = parts.hostname or ""
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            reason = f"the host {host!r} is not a valid domain name ({exc})"
            raise _bad("site_url", reason) from None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host += f":{port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/")


def _check_url(setting: str, value: str, *, path_allowed: bool = False) -> None:
    """An http(s) URL with a host (or, where `path_allowed`, a path on this site); empty is
    unset. Raises ConfigError naming the setting."""
    if not value:
        return
    if path_allowed and value.startswith("/") and not value.startswith("//"):
        return
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError as exc:
        raise _bad(setting, f"{value!r} is not a URL ({exc})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        wanted = "an http:// or https:// URL" + (" or a path starting with '/'" * path_allowed)
        raise _bad(setting, f"must be {wanted}, got {value!r}")


def _check_database_url(value: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
        url.port  # noqa: B018
    except (ArgumentError, ValueError):
        raise _bad(
            "database_url",
            "not a database URL such as 'postgresql+psycopg://user:pw@host/db' or "
            "'sqlite:////path/articles.db'",
        ) from None
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise _bad(
            "database_url",
            f"{url.get_backend_name()!r} is not a supported database (sqlite or postgresql)",
        )


def _parse_move(pair: str) -> tuple[str, str]:
    old, sep, new = pair.partition("=")
    if not sep or not old.startswith("/") or old.startswith("//"):
        raise ConfigError(
            f"moved_feeds: {pair!r}: expected old-path=new, the old path starting with '/'"
        )
    if not (new.startswith("/") and not new.startswith("//")) and not new.startswith(
        ("http://", "https://")
    ):
        raise ConfigError(
            f"moved_feeds: {pair!r}: the new location must be a path starting with '/' "
            "or an http(s) URL"
        )
    if old == new:
        raise ConfigError(f"moved_feeds: {pair!r}: old and new are the same, a redirect loop")
    return old, new


_WHOLE_NUMBER: Final = re.compile(r"-?[0-9]+")


def _coerce(name: str, raw: Any, kind: type, source: str) -> Any:
    if isinstance(raw, str) and kind is not str:
        text = raw.strip()
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise _sourced(source, name, f"expected true or false, got {raw!r}")
        if kind is int:
            # ASCII digits only: Python's int() also reads other scripts' digits (`٣٠`) and
            # underscores (`1_000`), which no other reader of the setting would.
            if not _WHOLE_NUMBER.fullmatch(text):
                raise _sourced(
                    source, name, f"expected a whole number in ASCII digits, got {raw!r}"
                )
            return int(text)
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise _sourced(source, name, f"expected a whole number, got {raw!r}")
    if kind is bool and not isinstance(raw, bool):
        raise _sourced(source, name, f"expected true or false, got {raw!r}")
    if kind is str and not isinstance(raw, str):
        raise _sourced(source, name, f"expected text, got {raw!r}")
    return raw


def _sourced(source: str, setting: str, reason: str) -> ConfigError:
    """An error naming where the value came from and the setting once: `site.toml: hub_url:
    ...` for a file, `FEEDS_HUB_URL: ...` for an environment variable (its name is the key)."""
    if source.startswith(("FEEDS_", "DATABASE_URL")) or reason.startswith(f"{setting}."):
        # A variable's name is its key; a reason naming a key inside the setting
        # (`podcasts.briefing: guid: ...`) names the setting itself.
        return ConfigError(f"{source}: {reason}", setting=setting, reason=reason)
    return ConfigError(f"{source}: {setting}: {reason}", setting=setting, reason=reason)


def _suggestion(name: str) -> str:
    names = [f.name for f in fields(SiteConfig)]
    hint = difflib.get_close_matches(name.lower(), names, n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


_KINDS = {"str": str, "int": int, "bool": bool}


def _apply(
    config: SiteConfig,
    values: Mapping[str, Any],
    source: str,
    sources: dict[str, str] | None = None,
) -> SiteConfig:
    """`config` with `values` (from `source`) applied; `sources` records, per setting, where
    its value came from (the environment's each by its variable: `FEEDS_HUB_URL`)."""
    known = {f.name: _KINDS.get(str(f.type)) for f in fields(SiteConfig)}
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        where = source
        if source == "environment":  # keyed by variable: FEEDS_HUB_URL, DATABASE_URL
            where, key = key, key.removeprefix("FEEDS_")
        name = key.lower()
        if name not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}{_suggestion(key)}")
        if sources is not None:
            sources[name] = where
        if name == "podcasts":
            if isinstance(raw, tuple):  # already parsed (a test passing Show values)
                changes[name] = raw
                continue
            if isinstance(raw, str):
                raise ConfigError(
                    f"{source}: podcasts: shows are set as [podcasts.<slug>] tables in the "
                    "TOML file (FEEDS_CONFIG), not as text"
                )
            try:
                changes[name] = parse_shows(raw, source)
            except ShowError as exc:
                raise ConfigError(str(exc)) from None
            continue
        kind = known[name]
        assert kind is not None, f"setting {name} has no text form"
        changes[name] = _coerce(name, raw, kind, where)
    return replace(config, **changes)


def _read_toml(path: str) -> dict[str, Any]:
    """The settings of the TOML file at `path`. TOML is UTF-8: a file in another encoding is
    refused naming the file and where its first byte that is no UTF-8 stands (it was
    Python's bare "'utf-8' codec can't decode byte 0xff in position 0", naming no file), and
    a UTF-8 byte order mark, which some editors write first, is read past (it was "not valid
    TOML: Invalid statement (at line 1, column 1)" for a file that looks right)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ConfigError(f"FEEDS_CONFIG: cannot read {path}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column "
            f"{column}): TOML files are UTF-8; save it in that encoding"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def load_config(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: str | None = None,
) -> SiteConfig:
    """Build the site configuration from defaults, file, environment and overrides."""
    env = os.environ if environ is None else environ
    config = SiteConfig()
    sources: dict[str, str] = {}
    path = env.get("FEEDS_CONFIG")
    if not path and instance_path and (Path(instance_path) / "site.toml").is_file():
        path = str(Path(instance_path) / "site.toml")
    if path:
        config = _apply(config, _read_toml(path), path, sources)
    config = _apply(config, _from_environment(env), "environment", sources)
    if overrides:
        config = _apply(config, overrides, "create_app", sources)
    try:
        return config.validated()
    except ConfigError as exc:
        source = sources.get(exc.setting)
        if not exc.setting or source is None:
            raise  # a default, or a rule between settings: `setting: reason`
        raise _sourced(source, exc.setting, exc.reason) from None


def _from_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The settings the environment gives, by variable: `FEEDS_<SETTING>` and `DATABASE_URL`.

    A variable set but empty (`DATABASE_URL=` in a compose file) is ignored with a warning,
    for every setting alike: it would otherwise replace the file's value with an empty one in
    silence (an empty database_url is the bundled samples). A `FEEDS_` variable that is no
    setting is an error when it is close to one (`FEEDS_ITEMS_PER_FED`: did you mean
    'items_per_feed'?), as an unknown key of the TOML file is, and a warning otherwise (the
    prefix is shared with what other programs read, OTHER_FEEDS_VARIABLES are known)."""
    names = {f.name for f in fields(SiteConfig)}
    found: dict[str, str] = {}
    for variable, value in env.items():
        if variable == "DATABASE_URL" or variable.startswith("FEEDS_"):
            key = "DATABASE_URL" if variable == "DATABASE_URL" else variable[len("FEEDS_") :]
        else:
            continue
        if variable in OTHER_FEEDS_VARIABLES:
            continue
        if key.lower() not in names:
            hint = _suggestion(key)
            if hint:
                raise ConfigError(f"{variable}: unknown setting{hint}")
            log.warning("%s is set but is not a setting; it is ignored", variable)
            continue
        if not value.strip():
            log.warning("%s is set but empty; it is ignored (unset it, or give a value)", variable)
            continue
        found[variable] = value
    if "FEEDS_DATABASE_URL" in found:
        found.pop("DATABASE_URL", None)  # the prefixed name wins
    return found
