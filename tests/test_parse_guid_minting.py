"""Entry ids: RFC 4151 tag URIs minted from the tagging entity and the article id only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.ids import mint_guid, minted_id


def test_guid_is_a_tag_uri_from_authority_date_and_id() -> None:
    guid = mint_guid("feeds.example.org,2025", "trt-ko-2025-07-30-cho-hyun-japan")
    assert guid == "tag:feeds.example.org,2025:article/trt-ko-2025-07-30-cho-hyun-japan"


def test_id_characters_outside_the_tag_syntax_are_percent_encoded() -> None:
    guid = mint_guid("example.org,2025-07-30", "기사 1/<a>?&#")
    assert guid == "tag:example.org,2025-07-30:article/%EA%B8%B0%EC%82%AC%201%2F%3Ca%3E%3F%26%23"


def test_same_input_always_gives_the_same_guid() -> None:
    assert mint_guid("example.org,2025", "urn:newsml:dpa.com:1") == mint_guid(
        "example.org,2025", "urn:newsml:dpa.com:1"
    )


def test_email_authority_is_accepted() -> None:
    assert mint_guid("desk@example.org,2025-07", "a1") == "tag:desk@example.org,2025-07:article/a1"


@pytest.mark.parametrize(
    "authority", ["example.org", "example.org,25", "example.org,2025-13", "ex ample.org,2025", ""]
)
def test_malformed_tagging_entity_is_refused(authority: str) -> None:
    with pytest.raises(ValueError, match="tag_authority: must be 'authority,date'"):
        mint_guid(authority, "a1")


def test_empty_id_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        mint_guid("example.org,2025", "")


@given(article_id=st.text(min_size=1, max_size=40))
def test_minted_id_reads_back_the_id_of_any_minted_guid(article_id: str) -> None:
    guid = mint_guid("example.org,2025", article_id)
    assert minted_id("example.org,2025", guid) == article_id
    assert minted_id(" example.org,2025 ", guid) == article_id  # mint_guid strips it too
    assert minted_id("example.org,2026", guid) is None


@pytest.mark.parametrize(
    "guid",
    [
        "tag:example.org,2025:article/",  # no id
        "tag:example.org,2025:article/y%39",  # mint_guid writes `y9`, not `y%39`
        "tag:example.org,2025:article/a%2fb",  # nor a lower-case escape
        "tag:example.org,2025:article/%FF",  # no UTF-8
        "tag:example.org,2025:article/a b",  # a space is escaped when minted
        "tag:example.org,2025:story/y9",
        "tag:example.org,2025:feed/all",
        "urn:uuid:3f1c2a1e-0000-4000-8000-000000000000",
    ],
)
def test_minted_id_is_none_for_a_guid_no_id_mints(guid: str) -> None:
    assert minted_id("example.org,2025", guid) is None
