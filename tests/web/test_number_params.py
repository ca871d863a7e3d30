"""Numbers in query parameters are read one way (engine.textnum.plain_int): a digit int() refuses ("²"), 5,000
digits or an id beyond 64 bits is simply no number, never a 500 (each of these pages was one)."""

from __future__ import annotations

from typing import Any

import pytest

from bangkom.engine.textnum import plain_int

ODD = ["²", "9" * 5000, "9223372036854775808", "-1", "١٢"]


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        ("²", None),
        ("٣", None),
        ("9" * 19, None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
)
def test_plain_int(value: Any, number: int | None) -> None:
    assert plain_int(value) == number


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    ("user", "path", "param"),
    [
        ("admin_a", "/lrs/", "ubah"),
        ("staf1", "/jp/tim/", "tahun"),
        ("admin_a", "/jp/kepatuhan/", "tahun"),
        ("admin_a", "/jp/kepatuhan/", "unit"),
        ("admin_a", "/katalog/", "bentuk"),
        ("admin_a", "/katalog/", "pemilik"),
        ("admin_a", "/talenta/", "tahun"),
        ("admin_a", "/evaluasi/efektivitas/", "tahun"),
    ],
)
@pytest.mark.django_db
def test_odd_numbers_in_query_parameters_are_not_a_500(org: Any, user: str, path: str, param: str, odd: str) -> None:
    response = org.client(user).get(path, {param: odd})
    assert response.status_code in (200, 403, 404), (path, param, odd, response.status_code)
