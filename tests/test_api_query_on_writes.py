"""Only the list takes query parameters; every other operation refuses them, naming each.

Found: `PATCH /api/articles/k1?dry_run=1` answered 200 and wrote the change, as did
`POST /api/articles/batch?atomic=false`; a client that meant a dry run (or any option the API
does not have) had a real write instead. Failed before.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.api import ApiClient, record

MERGE = {"Content-Type": "application/merge-patch+json"}
_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


def _operations() -> list[tuple[str, str, dict[str, object]]]:
    return [
        ("PUT", "/api/articles/k1", {"json": record(summary="바뀜")}),
        ("PATCH", "/api/articles/k1", {"json": {"summary": "고침"}, "headers": MERGE}),
        ("DELETE", "/api/articles/k1", {}),
        ("GET", "/api/articles/k1", {}),
        ("POST", "/api/articles/batch", {"json": {"articles": [{"id": "b1", **record()}]}}),
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_NAMES, value=st.sampled_from(["1", "", "false", "yes"]), which=st.integers(0, 4))
def test_a_query_parameter_on_any_other_operation_is_a_400_and_changes_nothing(
    api: ApiClient, name: str, value: str, which: int
) -> None:
    if api.store.get("k1") is None:
        assert api.put("/api/articles/k1", json=record()).status_code == 201
    before = api.store.get("k1")
    method, path, kwargs = _operations()[which]
    answer = api.request(method, f"{path}?{name}={value}", **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == 400, (method, answer.get_json())
    body = answer.get_json()
    assert [e["field"] for e in body["errors"]] == [name]
    assert api.store.get("k1") == before and api.store.get("b1") is None


@pytest.mark.parametrize("query", ["dry_run=1", "atomic=false&dry_run=1"])
def test_the_reported_cases(api: ApiClient, query: str) -> None:
    assert api.put("/api/articles/k1", json=record()).status_code == 201
    patch = api.patch(f"/api/articles/k1?{query}", json={"summary": "x"}, headers=MERGE)
    assert patch.status_code == 400
    assert api.store.get("k1").summary != "x"


def test_the_list_still_takes_its_filters(api: ApiClient) -> None:
    assert api.get("/api/articles?section=asia&limit=5").status_code == 200
    assert api.get("/api/articles?foo=1").status_code == 400


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("limit=0", "a whole number from 1 to 200"),
        ("limit=05", "a whole number from 1 to 200"),
        ("limit=500", "500 is out of range: give a whole number from 1 to 200"),
        ("section=" + "a" * 201, "longer than 200 characters"),
    ],
)
def test_the_lists_refusals_say_what_to_send_in_our_words(
    api: ApiClient, query: str, words: str
) -> None:
    """`limit=0` was told "ASCII digits without leading zeros" (0 is such a number), and
    `limit=500` pydantic's "Input should be less than or equal to 200"."""
    answer = api.get(f"/api/articles?{query}")
    assert answer.status_code == 400
    [error] = answer.get_json()["errors"]
    assert words in error["reason"] and "Input should" not in error["reason"]
