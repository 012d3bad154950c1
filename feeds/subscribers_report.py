"""`flask feeds subscribers`: the stored subscriber counts as a table, JSON or an SVG chart.

flask --app wsgi feeds subscribers                   the last 30 days, one block per feed
flask --app wsgi feeds subscribers --days 7 --json   the same as JSON
flask --app wsgi feeds subscribers --chart subs.svg  ... and a chart of subscribers per day

Per feed: each aggregator's subscribers (for each feed id it names, its latest count in the
window, summed over its feed ids) and the distinct direct clients per UTC day.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Any
from xml.sax.saxutils import escape

import click
from flask import current_app
from flask.cli import with_appcontext

from articles.store.subscribers import direct_clients, subscriber_rows


@dataclass
class FeedAudience:
    """One feed's numbers: aggregator -> subscribers, and per-day totals."""

    feed: str
    aggregators: dict[str, int] = field(default_factory=dict)
    direct: dict[date, int] = field(default_factory=dict)  # distinct direct clients per day
    daily: dict[date, int] = field(default_factory=dict)  # aggregators' + direct, per day

    @property
    def total(self) -> int:
        """Aggregators' latest subscribers plus the last day's direct clients."""
        last = self.direct[max(self.direct)] if self.direct else 0
        return sum(self.aggregators.values()) + last


def audience(engine: Any, today: date, days: int) -> list[FeedAudience]:
    """Every feed with counts in the `days` UTC days up to `today`, by feed path."""
    since = today - timedelta(days=days - 1)
    feeds: dict[str, FeedAudience] = {}
    latest: dict[tuple[str, str, str], tuple[date, int]] = {}
    per_day: dict[tuple[str, date, str, str], int] = {}
    for row in subscriber_rows(engine, since):
        latest[(row.feed, row.source, row.key)] = (row.day, row.subscribers)  # oldest day first
        per_day[(row.feed, row.day, row.source, row.key)] = row.subscribers
    for (feed, source, _key), (_day, count) in latest.items():
        entry = feeds.setdefault(feed, FeedAudience(feed))
        entry.aggregators[source] = entry.aggregators.get(source, 0) + count
    daily: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for (feed, day, _source, _key), count in per_day.items():
        daily[feed][day] += count
    for day, feed, clients in direct_clients(engine, since):
        feeds.setdefault(feed, FeedAudience(feed)).direct[day] = clients
        daily[feed][day] += clients
    for feed, entry in feeds.items():
        entry.daily = dict(sorted(daily[feed].items()))
        entry.aggregators = dict(sorted(entry.aggregators.items(), key=lambda kv: (-kv[1], kv[0])))
    return [feeds[f] for f in sorted(feeds)]


def as_json(feeds: list[FeedAudience], today: date, days: int) -> dict[str, Any]:
    """The JSON shape of `--json` (dates as ISO 8601 strings)."""
    return {
        "since": (today - timedelta(days=days - 1)).isoformat(),
        "until": today.isoformat(),
        "feeds": [
            {
                "feed": f.feed,
                "aggregators": f.aggregators,
                "direct_clients": {d.isoformat(): n for d, n in sorted(f.direct.items())},
                "daily_total": {d.isoformat(): n for d, n in f.daily.items()},
                "total": f.total,
            }
            for f in feeds
        ],
    }


def as_table(feeds: list[FeedAudience]) -> str:
    """Plain-text table: feed, source (aggregator, or `direct YYYY-MM-DD`), count."""
    rows: list[tuple[str, str, str]] = [("feed", "source", "subscribers")]
    for f in feeds:
        first = f.feed
        for name, count in f.aggregators.items():
            rows.append((first, name, str(count)))
            first = ""
        for day, clients in sorted(f.direct.items()):
            rows.append((first, f"direct {day.isoformat()}", str(clients)))
            first = ""
        rows.append(("", "total", str(f.total)))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>11}".rstrip() for r in rows)


_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def as_svg(feeds: list[FeedAudience], today: date, days: int) -> str:
    """An SVG 1.1 line chart: one line per feed, subscribers (aggregators + direct) per day."""
    width, height, left, right, top, bottom = 720, 360, 56, 200, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    since = today - timedelta(days=days - 1)
    peak = max((n for f in feeds for n in f.daily.values()), default=0) or 1

    def x(day: date) -> float:
        return left + plot_w * ((day - since).days / max(days - 1, 1))

    def y(value: int) -> float:
        return top + plot_h * (1 - value / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>Subscribers per day, {since.isoformat()} to {today.isoformat()}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<text x="{left}" y="{height - 16}">{since.isoformat()}</text>',
        f'<text x="{left + plot_w}" y="{height - 16}" text-anchor="end">{today.isoformat()}</text>',
    ]
    for i, f in enumerate(feeds):
        colour = _PALETTE[i % len(_PALETTE)]
        points = " ".join(
            f"{x(since + timedelta(days=d)):.1f},{y(f.daily.get(since + timedelta(days=d), 0)):.1f}"
            for d in range(days)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(f.feed)}</title></polyline>"
        )
        ly = top + 14 * i + 8
        parts.append(
            f'<text x="{left + plot_w + 10}" y="{ly}" fill="{colour}">'
            f"{escape(f.feed)} ({f.total})</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def chart_name_problem(name: str) -> str | None:
    """Why `--chart` cannot write its SVG to the file `name`, or None: a name ending in
    another format's extension (`subs.png`, `subs.pdf`) got SVG text that an image viewer
    then refused to open. A name ending in `.svg` (any case), or in no extension
    (`/dev/stdout`), is taken."""
    suffix = PurePath(name).suffix
    if suffix and suffix.lower() != ".svg":
        return f"the chart is an SVG image: name the file .svg, not {suffix} (got {name!r})"
    return None


def _chart_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and (problem := chart_name_problem(value)):
        raise click.BadParameter(problem)
    return value


@click.command("subscribers")
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=30,
    show_default=True,
    help="How many UTC days, up to today.",
)
@click.option("--json", "as_json_", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, writable=True),
    callback=_chart_name,
    help="Also write an SVG chart of subscribers per day to this file (named .svg).",
)
@with_appcontext
def subscribers_command(days: int, as_json_: bool, chart: str | None) -> None:
    """Subscribers per feed: aggregators' reported counts and direct clients per day.

    Example: flask --app wsgi feeds subscribers --days 7 --chart subscribers.svg
    """
    app = current_app
    counter = app.extensions.get("feeds.subscribers")
    if counter is not None:
        counter.flush()  # this process's own requests (none from the CLI, but say it once)
    engine = app.extensions["feeds.store"].engine
    today = app.extensions["feeds.clock"]().date()
    try:
        feeds = audience(engine, today, days)
    except Exception as exc:  # noqa: BLE001 (one line, not a traceback)
        raise click.ClickException(f"cannot read subscriber counts: {exc}") from None
    if as_json_:
        click.echo(json.dumps(as_json(feeds, today, days), indent=2))
    elif feeds:
        click.echo(as_table(feeds))
    else:
        click.echo(f"no subscriber counts in the last {days} days")
    if chart:
        try:
            Path(chart).write_text(as_svg(feeds, today, days), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write the chart {chart}: {exc}") from None
        click.echo(f"chart written to {chart}", err=True)
