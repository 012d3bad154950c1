"""Site settings: one object, documented defaults, overridable by a config file and the environment.

Precedence, lowest first: the defaults below, a TOML file (`FEEDS_CONFIG=/path/site.toml`, or
`site.toml` in the instance folder when present), environment variables named `FEEDS_<FIELD>`
in upper case (`FEEDS_SITE_URL`, `FEEDS_ITEMS_PER_FEED`, ...), then a mapping passed to
`create_app` (tests). `DATABASE_URL` is also read without the prefix, as hosting platforms set it.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.sansio.utils import host_is_trusted

from articles.languages import LanguageError, canonical_language
from feeds.podcasts import Show, ShowError, find_show, parse_shows


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the setting and the source."""


# Settings that never change a document's bytes, so changing them keeps every ETag: moving
# the same rows to another database, resizing caches or turning on the access log does not
# make every reader download every feed again. (The public base URL is part of each ETag on
# its own, so trust_proxy_hops needs no place here either.)
_NOT_IN_DOCUMENTS = frozenset(
    {
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
        """Check the settings once at start-up, so a typo fails loudly, not in a request."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"timezone: unknown time zone {self.timezone!r}") from exc
        if self.site_url and not self.site_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"site_url: must start with http:// or https://, got {self.site_url!r}"
            )
        if "," not in self.tag_authority:
            raise ConfigError(
                "tag_authority: must be 'authority,date' as RFC 4151 says, "
                f"e.g. 'example.org,2025', got {self.tag_authority!r}"
            )
        self.feed_moves  # noqa: B018 (raises ConfigError on a malformed pair)
        for name in self.trusted_host_list:
            if not host_is_trusted(name.removeprefix(".")):
                raise ConfigError(
                    f"trusted_hosts: {name!r} is not a host name (letters, digits, '.' and '-', "
                    "or an IP address; a leading '.' allows every subdomain)"
                )
        if self.access_log_flush_ms < 1:
            raise ConfigError("access_log_flush_ms: must be 1 or more")
        if self.api_batch_max < 1 or self.api_max_body_bytes < 1024:
            raise ConfigError("api_batch_max: at least 1; api_max_body_bytes: at least 1024")
        if self.tombstone_days < 0:
            raise ConfigError("tombstone_days: must be 0 (no tombstones) or more")
        if self.max_clock_skew < 0:
            raise ConfigError("max_clock_skew: must be 0 or more seconds")
        if self.lift_check_seconds < 0:
            raise ConfigError("lift_check_seconds: must be 0 (off) or more")
        if self.response_memo_ms < 0:
            raise ConfigError("response_memo_ms: must be 0 (off) or more")
        if not 1 <= self.items_per_feed <= self.max_items_per_feed:
            raise ConfigError("items_per_feed: must be between 1 and max_items_per_feed")
        try:
            language = canonical_language(self.default_language)
        except LanguageError as exc:
            raise ConfigError(f"default_language: {exc}") from None
        return replace(self, site_url=self.site_url.rstrip("/"), default_language=language)


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


def _coerce(name: str, raw: Any, kind: type, source: str) -> Any:
    if isinstance(raw, str) and kind is not str:
        text = raw.strip()
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ConfigError(f"{source}: {name}: expected true or false, got {raw!r}")
        if kind is int:
            try:
                return int(text)
            except ValueError:
                raise ConfigError(
                    f"{source}: {name}: expected a whole number, got {raw!r}"
                ) from None
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise ConfigError(f"{source}: {name}: expected a whole number, got {raw!r}")
    if kind is bool and not isinstance(raw, bool):
        raise ConfigError(f"{source}: {name}: expected true or false, got {raw!r}")
    if kind is str and not isinstance(raw, str):
        raise ConfigError(f"{source}: {name}: expected text, got {raw!r}")
    return raw


_KINDS = {"str": str, "int": int, "bool": bool}


def _apply(config: SiteConfig, values: Mapping[str, Any], source: str) -> SiteConfig:
    known = {f.name: _KINDS.get(str(f.type)) for f in fields(SiteConfig)}
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        name = key.lower()
        if name not in known:
            raise ConfigError(f"{source}: unknown setting {key!r}")
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
        changes[name] = _coerce(name, raw, kind, source)
    return replace(config, **changes)


def load_config(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: str | None = None,
) -> SiteConfig:
    """Build the site configuration from defaults, file, environment and overrides."""
    env = os.environ if environ is None else environ
    config = SiteConfig()
    path = env.get("FEEDS_CONFIG")
    if not path and instance_path and (Path(instance_path) / "site.toml").is_file():
        path = str(Path(instance_path) / "site.toml")
    if path:
        try:
            with open(path, "rb") as fh:
                config = _apply(config, tomllib.load(fh), path)
        except OSError as exc:
            raise ConfigError(f"FEEDS_CONFIG: cannot read {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    names = {f.name for f in fields(SiteConfig)}
    from_env = {
        key[len("FEEDS_") :]: value
        for key, value in env.items()
        if key.startswith("FEEDS_") and key[len("FEEDS_") :].lower() in names
    }
    if "DATABASE_URL" in env and "DATABASE_URL" not in from_env:
        from_env["DATABASE_URL"] = env["DATABASE_URL"]
    config = _apply(config, from_env, "environment")
    if overrides:
        config = _apply(config, overrides, "create_app")
    return config.validated()
