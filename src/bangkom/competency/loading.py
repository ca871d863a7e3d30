"""Bulk loading of SKJ lines and current levels from the database into NumPy arrays for engine/gaps.py.

One query per table, never one per pegawai: pegawai (with their jabatan kind), SKJ requirements of the
jabatan involved, and assessments (all dates; the latest per pegawai and competency is picked in NumPy,
which is cheaper than a DISTINCT ON sort in the database). On PostgreSQL the assessments travel packed
into one fixed-width bytea per chunk, decoded by NumPy in one call.

Scope: the caller passes either agency ids (CLI, admin instansi) or an Employee queryset already scoped by
org.selectors (atasan, pegawai). Nothing here decides who may see what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.dbarrays import fetch_numeric as _fetch_numeric
from bangkom.org.models import Employee, Position, PositionKind

POSITION_KINDS: tuple[str, ...] = tuple(PositionKind.values)
_EPOCH = dt.date(1970, 1, 1)


@dataclass
class MappingData:
    """Pegawai (sorted by NIP) and their SKJ lines in long form, sorted by pegawai then competency code."""

    employee_ids: np.ndarray  # int64 [n]
    nips: list[str]
    position_ids: np.ndarray  # int64 [n]
    position_codes: list[str]  # per pegawai
    unit_ids: np.ndarray  # int64 [n]
    position_kind: np.ndarray  # int8 [n], index into POSITION_KINDS
    competency_ids: np.ndarray  # int64 [c], sorted by code
    competency_codes: list[str]
    line_employee: np.ndarray  # int32 [m], index into employee arrays
    line_competency: np.ndarray  # int32 [m], index into competency arrays
    line_required: np.ndarray  # int8 [m]
    line_assessed: np.ndarray  # int8 [m], 0 = no assessment

    @property
    def n_employees(self) -> int:
        return len(self.employee_ids)


def _latest_assessments(employee_ids: np.ndarray, employees: QuerySet[Employee]) -> np.ndarray:
    """Structured array (employee_id, competency_id, day, level) of all assessments of these pegawai."""
    dtype = np.dtype([("employee_id", "<i8"), ("competency_id", "<i8"), ("day", "<i4"), ("level", "<i2")])
    if len(employee_ids) == 0:
        return np.zeros(0, dtype=dtype)
    emp_sql, emp_params = employees.values("id").query.sql_with_params()
    table = Assessment._meta.db_table
    sql = (
        f"SELECT employee_id, competency_id, assessed_on, level FROM {table} "  # noqa: S608 - table from meta
        f"WHERE employee_id IN ({emp_sql})"
    )
    if connection.vendor == "postgresql":
        return _packed_postgresql(emp_sql, emp_params, dtype)
    with connection.cursor() as cur:
        cur.execute(sql, emp_params)
        rows = cur.fetchall()
    out = np.zeros(len(rows), dtype=dtype)
    if rows:
        e, c, d, lv = zip(*rows, strict=True)
        out["employee_id"] = e
        out["competency_id"] = c
        out["day"] = [((x if isinstance(x, dt.date) else dt.date.fromisoformat(x)) - _EPOCH).days for x in d]
        out["level"] = lv
    return out


def _packed_postgresql(emp_sql: str, emp_params: tuple[Any, ...], dtype: np.dtype) -> np.ndarray:
    """Assessments packed by PostgreSQL into one fixed-width bytea, decoded by one NumPy frombuffer.

    COPY or a cursor would hand Python one message per row (millions of calls); string_agg over
    int8send/int4send/int2send returns a single value (22 bytes a row: a 250,000-pegawai instansi with its
    history is about 100 MB, far below the 1 GB bytea limit; national loads go instansi by instansi).
    """
    table = Assessment._meta.db_table
    sql = (
        "SELECT string_agg(int8send(employee_id::int8) || int8send(competency_id::int8) || "  # noqa: S608
        "int4send((assessed_on - DATE '1970-01-01')::int4) || int2send(level::int2), ''::bytea) "
        f"FROM {table} WHERE employee_id IN ({emp_sql})"
    )
    record = np.dtype([("employee_id", ">i8"), ("competency_id", ">i8"), ("day", ">i4"), ("level", ">i2")])
    with connection.cursor() as cur:
        cur.execute(sql, emp_params)
        row = cur.fetchone()
    packed = bytes(row[0]) if row and row[0] else b""
    raw = np.frombuffer(packed, dtype=record)
    out = np.empty(len(raw), dtype=dtype)
    for name in dtype.names or ():
        out[name] = raw[name]
    return out


def _index_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in ids (-1 when absent) through a direct lookup table over the id range."""
    table = np.full(int(max(ids.max(), values.max())) + 1, -1, dtype=np.int64)
    table[ids] = np.arange(len(ids))
    return table[values]


def _current_levels(
    ass: np.ndarray,
    employee_ids: np.ndarray,
    competency_ids: np.ndarray,
    line_employee: np.ndarray,
    line_competency: np.ndarray,
) -> np.ndarray:
    """Latest assessed level for every SKJ line (0 when none), without sorting records by several keys.

    Each assessment becomes one int64: (pegawai, competency) key, then the day, then the level in the low
    bits, so one plain sort orders by key and date and the last of each key is the current level.
    """
    e_idx = _index_of(employee_ids, ass["employee_id"])
    c_idx = _index_of(competency_ids, ass["competency_id"])
    keep = (e_idx >= 0) & (c_idx >= 0)
    n_comp = len(competency_ids)
    packed = (e_idx[keep] * n_comp + c_idx[keep]) << 20
    packed |= (ass["day"][keep].astype(np.int64) & 0x1FFFF) << 3  # days since 1970 fit 17 bits until 2328
    packed |= ass["level"][keep].astype(np.int64)
    packed.sort()
    key = packed >> 20
    last = np.ones(len(key), dtype=bool)
    last[:-1] = key[1:] != key[:-1]
    latest = np.zeros(len(employee_ids) * n_comp, dtype=np.int8)
    latest[key[last]] = (packed[last] & 7).astype(np.int8)
    return latest[line_employee.astype(np.int64) * n_comp + line_competency]


def load_mapping(*, employees: QuerySet[Employee] | None = None, agency_ids: list[int] | None = None) -> MappingData:
    """Load pegawai, SKJ lines and current levels for a scoped set of pegawai (or whole instansi)."""
    if employees is None:
        employees = Employee.objects.all()
        if agency_ids is not None:
            employees = employees.filter(agency_id__in=agency_ids)
    employees = employees.order_by()
    emp = _fetch_numeric(employees, [("id", "int8"), ("position_id", "int8"), ("unit_id", "int8")], order_by="nip")
    employee_ids, position_ids = emp["id"], emp["position_id"]
    n = len(employee_ids)
    nips = list(employees.order_by("nip").values_list("nip", flat=True))  # same order as the packed ids
    positions = {
        pk: (code, kind)
        for pk, code, kind in Position.objects.filter(pk__in=employees.values("position_id")).values_list(
            "id", "code", "kind"
        )
    }
    kind_index = {k: i for i, k in enumerate(POSITION_KINDS)}
    position_codes = [positions[p][0] for p in position_ids.tolist()]
    position_kind = np.fromiter((kind_index[positions[p][1]] for p in position_ids.tolist()), dtype=np.int8, count=n)

    # SKJ of the jabatan involved (jabatan x ~25 lines), sorted by jabatan then competency code.
    req = _fetch_numeric(
        Requirement.objects.filter(position_id__in=employees.values("position_id")),
        [("position_id", "int8"), ("competency_id", "int8"), ("required_level", "int2")],
    )
    comps = list(
        Competency.objects.filter(id__in=np.unique(req["competency_id"]).tolist())
        .order_by("code")
        .values_list("id", "code")
    )
    competency_ids = np.array([c[0] for c in comps], dtype=np.int64)
    by_id = np.argsort(competency_ids)  # competency_ids is ordered by code; search it by id through a sorter
    req_pos = req["position_id"]
    req_comp = by_id[np.searchsorted(competency_ids[by_id], req["competency_id"])].astype(np.int32)
    req_level = req["required_level"].astype(np.int8)
    order = np.lexsort((req_comp, req_pos))
    req_pos, req_comp, req_level = req_pos[order], req_comp[order], req_level[order]

    # Expand: each pegawai gets the lines of their position (vectorised repeat).
    uniq_pos, starts, counts = np.unique(req_pos, return_index=True, return_counts=True)
    slot = np.searchsorted(uniq_pos, position_ids)
    slot_clipped = np.minimum(slot, max(len(uniq_pos) - 1, 0))
    has_skj = (len(uniq_pos) > 0) & (uniq_pos[slot_clipped] == position_ids) if len(uniq_pos) else np.zeros(n, bool)
    per_emp = np.where(has_skj, counts[slot_clipped] if len(uniq_pos) else 0, 0).astype(np.int64)
    total = int(per_emp.sum())
    line_employee = np.repeat(np.arange(n, dtype=np.int32), per_emp)
    first = np.repeat(np.where(has_skj, starts[slot_clipped] if len(uniq_pos) else 0, 0), per_emp)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(per_emp) - per_emp, per_emp)
    src = first + within
    line_competency = req_comp[src] if total else np.zeros(0, np.int32)
    line_required = req_level[src] if total else np.zeros(0, np.int8)

    # Current level: latest assessment per (pegawai, competency).
    ass = _latest_assessments(employee_ids, employees)
    line_assessed = np.zeros(total, dtype=np.int8)
    if len(ass) and total and len(competency_ids):
        line_assessed = _current_levels(ass, employee_ids, competency_ids, line_employee, line_competency)
    return MappingData(
        employee_ids=employee_ids,
        nips=nips,
        position_ids=position_ids,
        position_codes=position_codes,
        unit_ids=emp["unit_id"],
        position_kind=position_kind,
        competency_ids=competency_ids,
        competency_codes=[c[1] for c in comps],
        line_employee=line_employee,
        line_competency=line_competency.astype(np.int32),
        line_required=line_required,
        line_assessed=line_assessed,
    )
