"""Entry ids: RFC 4151 tag URIs minted from the tagging entity and the article id only."""

from __future__ import annotations

import pytest

from articles.ids import mint_guid


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
