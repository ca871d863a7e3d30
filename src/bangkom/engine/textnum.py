"""Whole numbers typed as text (query parameters, form values, import cells): one reading for all.

`str.isdigit()` is true for "²" and "①" (which `int()` refuses) and for 5,000 digits (beyond `int()`'s limit of
4,300 on text), and `int()` reads other scripts' digits ("٣"); each of those made a 500 or a surprise somewhere.
A number here is 1 to 18 ASCII digits, so it also fits a 64-bit database column.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[0-9]{1,18}")


def plain_int(value: object) -> int | None:
    """The number `value` spells in ASCII digits (surrounding spaces allowed), or None."""
    if value is None:
        return None
    text = str(value).strip()
    return int(text) if _PLAIN.fullmatch(text) else None
