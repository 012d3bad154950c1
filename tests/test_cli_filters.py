"""The `flask articles` commands answer as the API does: `list` filters follow the API list's
rules (what `GET /api/articles` refuses with 400 the command refuses, naming the option), and a
command on a deleted id says it was deleted and when, as the API's 410 does."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.errors import ArticleDeleted
from tests.fixtures.api import ApiClient, record

FILTERS = ("section", "tag", "author", "status", "language", "source")
VALUES = st.one_of(
    st.sampled_from(
        [
            "korean",
            "ko",
            "KO-kr",
            "en-gb",
            "zh-Hant-TW",
            "x-klingon",
            "",
            " ",
            "asia",
            "live",
            "draft",
            "published",
            "a" * 200,
            "a" * 201,
            "ko_KR",
            "123",
            "qaa",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12),
)


@given(option=st.sampled_from(FILTERS), value=VALUES)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_filter_the_api_refuses_the_command_refuses_too(
    api: ApiClient, option: str, value: str
) -> None:
    answer = api.get(f"/api/articles?{option}={quote(value, safe='')}", token="read")
    assert answer.status_code in (200, 400)
    result = api.app.test_cli_runner().invoke(
        args=["articles", "list", f"--{option}", value, "--json"]
    )
    if answer.status_code == 200:
        assert result.exit_code == 0, result.output
        listed = [line for line in result.stdout.splitlines() if line]
        assert len(listed) == len(answer.get_json()["articles"])
    else:
        assert result.exit_code != 0 and "Traceback" not in result.output
        if option != "status":  # a click choice, worded by click
            reason = answer.get_json()["errors"][0]["reason"]
            assert f"'--{option}'" in result.stderr
            assert reason.replace("the parameter", "the option") in " ".join(result.stderr.split())


def test_the_newcomers_language_is_refused_with_the_apis_reason(api: ApiClient) -> None:
    api.put("/api/articles/x1", json=record())
    result = api.app.test_cli_runner().invoke(args=["articles", "list", "--language", "korean"])
    assert result.exit_code == 2
    assert "'korean' is not a BCP 47 language tag" in result.stderr
    assert result.stdout == ""


def test_commands_on_a_deleted_id_say_when_it_was_deleted_as_the_api_does(
    api: ApiClient,
) -> None:
    api.put("/api/articles/b2", json=record())
    assert api.delete("/api/articles/b2").status_code == 204
    gone = api.get("/api/articles/b2", token="read")
    assert gone.status_code == 410
    deleted_at = gone.get_json()["deleted_at"]
    runner = api.app.test_cli_runner()
    for command in (["delete", "b2", "--yes"], ["delete", "b2"], ["show", "b2"]):
        result = runner.invoke(args=["articles", *command], input="y\n")
        assert result.exit_code == 1, command
        assert f"article 'b2' was deleted at {deleted_at}" in result.stderr, command
        assert "no article with id" not in result.stderr
    service = api.app.extensions["articles.service"]
    with pytest.raises(ArticleDeleted) as corrected:
        service.correct("b2", {"title": "다시"})
    assert corrected.value.deleted_at.isoformat() == deleted_at
    # An id never stored is still just not there.
    never = runner.invoke(args=["articles", "show", "never"])
    assert never.exit_code == 1 and "no article with id 'never'" in never.stderr
