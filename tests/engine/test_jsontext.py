"""engine.jsontext: what a database column can hold, found anywhere in decoded JSON (table-driven)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bangkom.engine.jsontext import DEPTH_MAX, unstorable_path


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": "teks biasa", "b": [1, 2.5, True, None], "c": {"d": "é 😀"}}, None),
        ({"a": "x\x00y"}, "$.a"),
        ({"a": [1, {"b": "\ud800"}]}, "$.a[1].b"),
        ({"a\x00": 1}, "$"),  # a key: the object holding it
        ([float("nan")], "$[0]"),
        ({"n": float("inf")}, "$.n"),
        ({"n": json.loads("1e400")}, "$.n"),
        ({"n": 2**70}, None),  # an exact integer is fine (numeric/jsonb hold it)
        (nested(DEPTH_MAX), None),
        (nested(DEPTH_MAX + 1), "$" + "[0]" * DEPTH_MAX),
        ("\udfff", "$"),
    ],
)
def test_unstorable_path(value: Any, path: str | None) -> None:
    assert unstorable_path(value) == path
