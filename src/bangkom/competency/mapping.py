"""Competency mapping for pages and API: JPM of one pegawai, unit heatmaps, drill-down, next positions.

Reads are scoped by the caller's selectors (org.selectors); every number comes from engine/gaps.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from bangkom.competency.loading import load_mapping
from bangkom.competency.models import Competency, Requirement
from bangkom.competency.selectors import SkjLine, latest_levels
from bangkom.engine.gaps import (
    FILLING_CATEGORIES,
    MAPPING_CATEGORIES,
    SkjMatrix,
    aggregate,
    jpm,
    jpm_distribution,
    line_gaps,
    matrix_from_lines,
)
from bangkom.interchange.exports import jpm_settings_for
from bangkom.org.models import Agency, Employee, Position, Unit
from bangkom.org.selectors import employees_visible_to


@dataclass(frozen=True)
class JpmView:
    jpm: float | None
    mapping: str
    filling: str


def employee_jpm(employee: Employee, lines: list[SkjLine]) -> JpmView | None:
    """JPM of one pegawai against their own jabatan (lines from competency.selectors.skj_lines)."""
    if not lines:
        return None
    matrix = SkjMatrix(
        competency=np.arange(len(lines), dtype=np.int32)[None, :],
        required=np.array([[line.required_level for line in lines]], dtype=np.int8),
        assessed=np.array([[line.current_level or 0 for line in lines]], dtype=np.int8),
    )
    res = jpm(matrix, jpm_settings_for(employee.agency))
    value = int(res.jpm_hundredths[0])
    return JpmView(
        value / 100 if value >= 0 else None,
        MAPPING_CATEGORIES[res.mapping[0]],
        FILLING_CATEGORIES[res.filling[0]],
    )


@dataclass(frozen=True)
class NextPosition:
    position: Position
    jpm: float | None
    mapping: str
    filling: str
    gaps: list[tuple[str, int, int]]  # (competency code, required, current)


def next_positions(employee: Employee, *, limit: int = 50, search: str = "") -> list[NextPosition]:
    """JPM of this pegawai against every other jabatan's SKJ in the instansi, best first.

    Needs come from the gap to the next position too (PP 11/2017 art. 206): one engine row per candidate
    jabatan for the same person, so the ranking uses the very JPM rule of the exports.
    """
    positions = Position.objects.filter(agency_id=employee.agency_id).exclude(pk=employee.position_id)
    if search:
        positions = positions.filter(name__icontains=search)
    reqs = list(
        Requirement.objects.filter(position__in=positions)
        .select_related("competency", "position")
        .order_by("position__name", "position_id", "competency__code")
    )
    if not reqs:
        return []
    current = latest_levels([employee.pk])
    by_pos: dict[int, list[Requirement]] = {}
    for r in reqs:
        by_pos.setdefault(r.position_id, []).append(r)
    pos_list = list(by_pos)
    line_row = np.array([i for i, p in enumerate(pos_list) for _ in by_pos[p]], dtype=np.int64)
    required = np.array([r.required_level for p in pos_list for r in by_pos[p]], dtype=np.int8)
    assessed = np.array(
        [current.get((employee.pk, r.competency_id), (0, None))[0] for p in pos_list for r in by_pos[p]],
        dtype=np.int8,
    )
    matrix = matrix_from_lines(line_row, np.zeros(len(line_row), np.int32), required, assessed, len(pos_list))
    res = jpm(matrix, jpm_settings_for(employee.agency))
    # Stable sort on JPM descending keeps equal JPMs in name order; belum_dinilai (-1) goes last.
    order = np.argsort(-res.jpm_hundredths, kind="stable")[:limit]
    out = []
    for i in order.tolist():
        reqs_i = by_pos[pos_list[i]]
        value = int(res.jpm_hundredths[i])
        gaps = [
            (r.competency.code, r.required_level, current.get((employee.pk, r.competency_id), (0, None))[0])
            for r in reqs_i
            if current.get((employee.pk, r.competency_id), (0, None))[0] < r.required_level
        ]
        out.append(
            NextPosition(
                reqs_i[0].position,
                value / 100 if value >= 0 else None,
                MAPPING_CATEGORIES[res.mapping[i]],
                FILLING_CATEGORIES[res.filling[i]],
                gaps,
            )
        )
    return out


def unit_subtree_ids(unit: Unit) -> list[int]:
    """The unit and all units below it (one query for the instansi's units)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.filter(agency_id=unit.agency_id).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [unit.pk]
    while stack:
        current = stack.pop()
        if current in out:
            continue
        out.append(current)
        stack.extend(children.get(current, []))
    return out


def scoped_unit_employees(user: Any, unit: Unit) -> QuerySet[Employee]:
    return employees_visible_to(user).filter(unit_id__in=unit_subtree_ids(unit))


@dataclass(frozen=True)
class UnitMapping:
    """Page-ready mapping of a unit subtree; rows are the units that have pegawai in the caller's scope."""

    units: list[Unit]
    competency_ids: list[int]
    competency_codes: list[str]
    competency_names: list[str]
    share_below: np.ndarray  # [units, competencies], NaN when nothing assessed
    below: np.ndarray
    assessed: np.ndarray
    category_counts: np.ndarray  # [4] mapping categories over the whole selection
    mean_jpm: float | None
    n_employees: int
    unit_category_counts: np.ndarray  # [units, 4] mapping categories per unit
    unit_mean_jpm: list[float | None]  # per unit, None when no JPM is defined


def unit_mapping(user: Any, unit: Unit | None, agency: Agency) -> UnitMapping:
    """Heatmap (units x competencies, share below standard) and JPM distribution for the user's scope.

    unit None means everything the user may see: an atasan's whole chain, which need not sit under one
    unit. `agency` supplies the JPM cut-offs (per-instansi settings).
    """
    employees = scoped_unit_employees(user, unit) if unit is not None else employees_visible_to(user)
    data = load_mapping(employees=employees)
    unit_ids = sorted(set(data.unit_ids.tolist()))
    unit_index = {u: i for i, u in enumerate(unit_ids)}
    emp_unit = np.array([unit_index[u] for u in data.unit_ids.tolist()], dtype=np.int64)
    matrix = matrix_from_lines(
        data.line_employee, data.line_competency, data.line_required, data.line_assessed, data.n_employees
    )
    agg = aggregate(matrix, emp_unit, len(unit_ids), len(data.competency_ids))
    res = jpm(matrix, jpm_settings_for(agency))
    counts, mean = jpm_distribution(res, np.zeros(data.n_employees, dtype=np.int64), 1)
    unit_counts, unit_mean = jpm_distribution(res, emp_unit, len(unit_ids))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    names = dict(Competency.objects.filter(pk__in=data.competency_ids.tolist()).values_list("pk", "name"))
    return UnitMapping(
        units=[units[u] for u in unit_ids],
        competency_ids=data.competency_ids.tolist(),
        competency_codes=data.competency_codes,
        competency_names=[names.get(c, "") for c in data.competency_ids.tolist()],
        share_below=agg.share_below,
        below=agg.below,
        assessed=agg.assessed,
        category_counts=counts[0],
        mean_jpm=None if np.isnan(mean[0]) else float(mean[0]),
        n_employees=data.n_employees,
        unit_category_counts=unit_counts,
        unit_mean_jpm=[None if np.isnan(m) else float(m) for m in unit_mean.tolist()],
    )


@dataclass(frozen=True)
class DrillRow:
    employee_id: int
    nip: str
    name: str
    required: int
    current: int
    gap: int


def drilldown(user: Any, unit: Unit, competency_id: int) -> list[DrillRow]:
    """Pegawai of one unit (not its subtree) below standard in one competency, within the user's scope.

    One heatmap row is one unit, so a cell's pegawai are that unit's own; the numbers are the same SKJ
    lines the heatmap counted (engine line_gaps), so the list length equals the cell's "below" count.
    """
    employees = employees_visible_to(user).filter(unit_id=unit.pk)
    data = load_mapping(employees=employees)
    if competency_id not in data.competency_ids.tolist():
        return []
    c = data.competency_ids.tolist().index(competency_id)
    sel = (data.line_competency == c) & (line_gaps(data.line_required, data.line_assessed) > 0)
    idx = np.flatnonzero(sel)
    names = dict(
        employees.filter(pk__in=data.employee_ids[data.line_employee[idx]].tolist()).values_list("pk", "name")
    )
    rows = []
    for i in idx.tolist():
        e = int(data.line_employee[i])
        pk = int(data.employee_ids[e])
        req, cur = int(data.line_required[i]), int(data.line_assessed[i])
        rows.append(DrillRow(pk, data.nips[e], names.get(pk, ""), req, cur, req - cur))
    return sorted(rows, key=lambda r: (-r.gap, r.name))


def competency_for_unit(unit: Unit, competency_id: int) -> Competency | None:
    """A national competency or one of the unit's instansi; another instansi's technical one is 404."""
    return (
        Competency.objects.filter(pk=competency_id)
        .filter(Q(agency__isnull=True) | Q(agency_id=unit.agency_id))
        .first()
    )


def units_for(user: Any) -> QuerySet[Unit]:
    """Units the user may map: every unit of an admin's instansi, the units of an atasan's chain."""
    from bangkom.accounts.roles import roles_for

    roles = roles_for(user)
    if roles.admin_agency_ids:
        return (
            Unit.objects.filter(agency_id__in=roles.admin_agency_ids)
            .select_related("agency")
            .order_by("agency__code", "code")
        )
    unit_ids = employees_visible_to(user).values("unit_id")
    return Unit.objects.filter(pk__in=unit_ids).select_related("agency").order_by("code")
