"""How wrong values are described in the validator's messages."""

from __future__ import annotations

from collections.abc import Mapping


def kind(value: object) -> str:
    """How a wrong value is described in messages: `a number`, `a list`, `nothing (null)`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"a number ({value!r})" if len(repr(value)) < 30 else "a number"
    if isinstance(value, str):
        return f"text {show(value)}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def show(value: object, *, quoted: bool = True) -> str:
    """A value quoted for a message, shortened and with control characters made visible."""
    text = value if isinstance(value, str) else repr(value)
    # Escape only what cannot be seen (controls, lone surrogates); Hangul and the rest stay.
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'" if quoted else text
