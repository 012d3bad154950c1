"""JSON Merge Patch (RFC 7396), the body of `PATCH /api/articles/<id>`.

The RFC's whole algorithm (section 2): a patch that is not an object replaces the target; an
object patch merges member by member, `null` removing a member, objects merging recursively
and anything else (arrays included) replacing. No maintained library does only this (the
packages that exist are unmaintained or implement schema-driven merging), so it lives here,
tested against the RFC's own examples (Appendix A) and its laws with hypothesis.
"""

from __future__ import annotations

from typing import Any

MEDIA_TYPE = "application/merge-patch+json"


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """The result of applying `patch` to `target` (neither is modified).

    Values are JSON values as `json.loads` gives them (dict, list, str, int, float, bool,
    None).
    """
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = apply_merge_patch(result.get(name), value)
    return result


def touched_members(patch: Any) -> frozenset[str]:
    """The top-level members a patch sets or removes (empty for a non-object patch)."""
    return frozenset(patch) if isinstance(patch, dict) else frozenset()
