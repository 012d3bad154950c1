"""The store's podcast shows, on SQLite and PostgreSQL: a show's episodes are its selection's
published audio/video articles, visible at `now`, counted, paged and archived like a feed;
the episode flag follows every write and is filled by the migration for stored articles."""

from __future__ import annotations

from datetime import timedelta

from alembic import command

from articles.model import Media, Section, Tag
from articles.store import Episodes, Facet, Store, alembic_config
from tests.fixtures.store import T0, make_article

SHOW = Facet("podcast", "briefing")
AUDIO = (Media("https://cdn.example.com/a.mp3", 10, "audio/mpeg", duration=5),)
VIDEO = (Media("https://cdn.example.com/a.mp4", 10, "video/mp4"),)
PDF = (Media("https://cdn.example.com/a.pdf", 10, "application/pdf"),)
BRIEFING = Section("briefing", "Briefing")


def corpus() -> list:
    return [
        make_article("e1", minutes=1, section=BRIEFING, media=AUDIO),
        make_article("e2", minutes=2, section=BRIEFING, media=VIDEO, tags=(Tag("audio", "A"),)),
        make_article("e3", minutes=3, section=BRIEFING, media=PDF + AUDIO),
        make_article("t1", minutes=4, section=BRIEFING),
        make_article("p1", minutes=5, section=BRIEFING, media=PDF),
        make_article("w1", minutes=6, section=Section("world", "W"), media=AUDIO),
        make_article("d1", minutes=7, section=BRIEFING, media=AUDIO, status="draft"),
        make_article("f1", minutes=600, section=BRIEFING, media=AUDIO),  # embargoed at `now`
    ]


def test_a_shows_episodes_are_its_published_audio_and_video(store: Store) -> None:
    store.upsert_many(corpus())
    store.configure_shows({"briefing": (Episodes(section="briefing"), "Morning Briefing")})
    now = T0 + timedelta(hours=1)
    keys = store.page_keys(SHOW, now=now, limit=10)
    assert [k.id for k in keys] == ["e3", "e2", "e1"]
    assert store.count_visible(SHOW, now=now) == 3
    assert [k.id for k in store.page_keys(SHOW, now=now, limit=2, offset=1)] == ["e2", "e1"]
    info = store.facet_info(SHOW, now=now)
    assert info is not None and (info.label, info.count) == ("Morning Briefing", 3)
    assert store.months(SHOW, now=now) == ["2025-07"]
    assert [k.id for k in store.month_keys(SHOW, "2025-07", now=now)] == ["e3", "e2", "e1"]
    # The embargoed episode appears when its time comes.
    later = T0 + timedelta(hours=11)
    assert store.count_visible(SHOW, now=later) == 4
    # Listed with every feed, after the record-derived ones.
    assert store.facets(now=now)[-1].facet == SHOW


def test_section_and_tag_together_and_unknown_shows(store: Store) -> None:
    store.upsert_many(corpus())
    store.configure_shows({"both": (Episodes(section="briefing", tag="audio"), "Both")})
    now = T0 + timedelta(hours=1)
    assert [k.id for k in store.page_keys(Facet("podcast", "both"), now=now, limit=10)] == ["e2"]
    unknown = Facet("podcast", "nothing")
    assert store.page_keys(unknown, now=now, limit=10) == []
    assert store.count_visible(unknown, now=now) == 0
    assert store.facet_info(unknown, now=now) is None and store.months(unknown, now=now) == []


def test_the_flag_follows_every_write(store: Store) -> None:
    store.configure_shows({"briefing": (Episodes(section="briefing"), "B")})
    now = T0 + timedelta(hours=1)
    store.upsert_many([make_article("x", section=BRIEFING)])
    assert store.count_visible(SHOW, now=now) == 0
    store.upsert_many([make_article("x", section=BRIEFING, media=AUDIO, minutes=1)])
    assert store.count_visible(SHOW, now=now) == 1
    store.upsert_many([make_article("x", section=BRIEFING, media=PDF, minutes=2)])
    assert store.count_visible(SHOW, now=now) == 0


def test_the_migration_flags_the_episodes_already_stored(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.migrate()
        store.upsert_many(corpus())
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0007")
        store.migrate()
        store.configure_shows({"briefing": (Episodes(section="briefing"), "B")})
        now = T0 + timedelta(hours=1)
        assert [k.id for k in store.page_keys(SHOW, now=now, limit=10)] == ["e3", "e2", "e1"]
        # The downgrade kept every other row and count.
        assert store.count_visible(Facet("section", "briefing"), now=now) == 5
    finally:
        store.dispose()
