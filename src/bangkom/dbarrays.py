"""Numeric query results as NumPy arrays, in bulk (DESIGN.md: never row by row).

PostgreSQL packs the rows into one fixed-width big-endian bytea (int8send/int4send/int2send), so psycopg
transfers one value instead of a Python tuple per row; NumPy decodes it in one call. SQLite, used by small
installations, goes through a plain cursor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

_SEND = {"int8": "int8send", "int4": "int4send", "int2": "int2send"}
_NP = {"int8": ">i8", "int4": ">i4", "int2": ">i2"}


def fetch_numeric(qs: QuerySet[Any], fields: list[tuple[str, str]], order_by: str = "") -> dict[str, np.ndarray]:
    """Columns (name, int8|int4|int2) of a queryset (plain fields or annotations) as NumPy arrays.

    A queryset that matches nobody by construction (pk__in=[], none()) gives empty columns: Django refuses to
    compile it (EmptyResultSet)."""
    names = [f for f, _ in fields]
    record = np.dtype([(f, _NP[t]) for f, t in fields])
    try:
        inner, params = qs.values(
            *names, *([order_by] if order_by and order_by not in names else [])
        ).query.sql_with_params()
    except EmptyResultSet:
        return {f: np.zeros(0, dtype=_NP[t].replace(">", "<")) for f, t in fields}
    if connection.vendor == "postgresql":
        packed_expr = " || ".join(f"{_SEND[t]}(q.{f}::{t})" for f, t in fields)
        order = f" ORDER BY q.{order_by}" if order_by else ""
        sql = f"SELECT string_agg({packed_expr}, ''::bytea{order}) FROM ({inner}) q"  # noqa: S608 - ORM SQL
        with connection.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
        raw = np.frombuffer(bytes(row[0]) if row and row[0] else b"", dtype=record)
        return {f: raw[f].astype(_NP[t].replace(">", "<")) for f, t in fields}
    rows = list(qs.order_by(order_by).values_list(*names) if order_by else qs.values_list(*names))
    return {f: np.array([r[i] for r in rows], dtype=_NP[t].replace(">", "<")) for i, (f, t) in enumerate(fields)}
