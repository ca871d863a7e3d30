"""Decoded JSON that a database can store as it is (one rule for every door JSON comes in by).

JSON text may carry what no PostgreSQL text or jsonb column holds, and what SQLite's JSON check refuses:
the character NUL (`\\u0000`), a lone UTF-16 surrogate (a `\\ud800` escape decodes to one, and UTF-8 has
none), NaN and Infinity (Python's json reads them, and 1e400 reads as infinity). Nesting is bounded too:
nothing a client of bangkom sends is deeper than a few levels, and every walk over it recurses.
"""

from __future__ import annotations

import math
from typing import Any

DEPTH_MAX = 32


def unstorable_path(value: Any, path: str = "$", depth: int = 0) -> str | None:
    """The JSON path of the first part of `value` that cannot be stored (see the module docstring), or None."""
    if isinstance(value, str):
        return None if _text_ok(value) else path
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict | list) and depth >= DEPTH_MAX:
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not _text_ok(key):
                return path
            found = unstorable_path(item, f"{path}.{key}", depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = unstorable_path(item, f"{path}[{i}]", depth + 1)
            if found is not None:
                return found
    return None


def _text_ok(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
