"""Reads of competency data for one pegawai, scoped through org.selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language

from bangkom.competency.models import Assessment, CompetencyLevel, Requirement
from bangkom.org.models import Employee, Position
from bangkom.org.selectors import employee_get, position_get


@dataclass(frozen=True)
class SkjLine:
    """One SKJ line of a pegawai: what the jabatan requires and where the person stands."""

    competency_id: int
    code: str
    name: str
    type: str
    required_level: int
    current_level: int | None
    assessed_on: dt.date | None
    required_description: str
    next_description: str  # what the level above the current one looks like ("" at 5 or unassessed)

    @property
    def gap(self) -> int | None:
        if self.current_level is None:
            return None
        return max(0, self.required_level - self.current_level)

    @property
    def meets(self) -> bool:
        return self.current_level is not None and self.current_level >= self.required_level


def latest_levels(employee_ids: list[int]) -> dict[tuple[int, int], tuple[int, dt.date]]:
    """(employee_id, competency_id) -> (level, assessed_on) of the latest assessment, in one query."""
    out: dict[tuple[int, int], tuple[int, dt.date]] = {}
    rows = (
        Assessment.objects.filter(employee_id__in=employee_ids)
        .order_by("employee_id", "competency_id", "assessed_on")
        .values_list("employee_id", "competency_id", "level", "assessed_on")
    )
    for emp, comp, level, on in rows:
        out[(emp, comp)] = (level, on)  # ordered by date: the last one wins
    return out


def skj_lines(employee: Employee) -> list[SkjLine]:
    """The SKJ of the pegawai's jabatan with current levels: two queries whatever the SKJ size.

    Query 1: the requirements with their competency, each annotated with its latest assessment (a correlated
    subquery served by the (employee, competency, assessed_on) unique index). Query 2: the level descriptions
    of those competencies (five rows each), from which the required and the next level are picked.
    The caller must have obtained `employee` through a scoped selector; use employee_competency_profile.
    """
    english = (get_language() or "id").startswith("en")
    latest = Assessment.objects.filter(
        employee_id=employee.pk, competency_id=OuterRef("competency_id")
    ).order_by("-assessed_on")
    reqs = list(
        Requirement.objects.filter(position_id=employee.position_id)
        .select_related("competency")
        .annotate(
            current_level=Subquery(latest.values("level")[:1]),
            current_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .order_by("competency__type", "competency__code")
    )
    descriptions: dict[tuple[int, int], str] = {}
    if reqs:
        rows = CompetencyLevel.objects.filter(competency_id__in=[r.competency_id for r in reqs]).values_list(
            "competency_id", "level", "description", "description_en"
        )
        for comp_id, lv, text, text_en in rows:
            descriptions[(comp_id, lv)] = text_en if english and text_en else text
    lines = []
    for r in reqs:
        c = r.competency
        level: int | None = r.current_level
        lines.append(
            SkjLine(
                competency_id=c.pk,
                code=c.code,
                name=(c.name_en if english and c.name_en else c.name),
                type=c.type,
                required_level=r.required_level,
                current_level=level,
                assessed_on=r.current_on,
                required_description=descriptions.get((c.pk, r.required_level), ""),
                next_description=descriptions.get((c.pk, level + 1), "") if level is not None else "",
            )
        )
    return lines


@dataclass(frozen=True)
class CompetencyProfile:
    """A pegawai with the SKJ of their jabatan and where they stand on each line."""

    employee: Employee
    lines: list[SkjLine]

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def met(self) -> int:
        return sum(1 for line in self.lines if line.meets)

    @property
    def unassessed(self) -> int:
        return sum(1 for line in self.lines if line.current_level is None)


def employee_competency_profile(user: Any, employee_id: int) -> CompetencyProfile | None:
    """The competency profile of one pegawai if `user` may see them, else None (callers answer 404).

    Scope comes from org.selectors.employee_get, the one place where it is defined.
    """
    employee = employee_get(user, employee_id)
    if employee is None:
        return None
    return CompetencyProfile(employee=employee, lines=skj_lines(employee))


def requirements_of_position(position_id: int) -> list[Requirement]:
    """The SKJ lines of a jabatan, with their competency. Reference data; callers scope the position."""
    return list(
        Requirement.objects.filter(position_id=position_id)
        .select_related("competency")
        .order_by("competency__type", "competency__code")
    )


@dataclass(frozen=True)
class PositionSkj:
    position: Position
    requirements: list[Requirement]


def position_skj(user: Any, position_id: int) -> PositionSkj | None:
    """A jabatan with its SKJ if the user may read that instansi's reference data, else None."""
    position = position_get(user, position_id)
    if position is None:
        return None
    return PositionSkj(position=position, requirements=requirements_of_position(position.pk))
