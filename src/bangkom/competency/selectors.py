"""Reads of competency data for one pegawai, scoped through org.selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from bangkom.competency.models import Assessment, CompetencyLevel, Requirement
from bangkom.org.models import Employee


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
    """The SKJ of the pegawai's jabatan with current levels: three queries whatever the SKJ size.

    The caller must have obtained `employee` through a scoped selector (org.selectors.employee_get).
    """
    english = (get_language() or "id").startswith("en")
    reqs = list(
        Requirement.objects.filter(position_id=employee.position_id)
        .select_related("competency")
        .order_by("competency__type", "competency__code")
    )
    comp_ids = [r.competency_id for r in reqs]
    descriptions: dict[tuple[int, int], str] = {}
    for lv in CompetencyLevel.objects.filter(competency_id__in=comp_ids):
        descriptions[(lv.competency_id, lv.level)] = (
            lv.description_en if english and lv.description_en else lv.description
        )
    current = latest_levels([employee.pk])
    lines = []
    for r in reqs:
        c = r.competency
        level, on = current.get((employee.pk, c.pk), (None, None))
        nxt = descriptions.get((c.pk, level + 1), "") if level is not None else ""
        lines.append(
            SkjLine(
                competency_id=c.pk,
                code=c.code,
                name=(c.name_en if english and c.name_en else c.name),
                type=c.type,
                required_level=r.required_level,
                current_level=level,
                assessed_on=on,
                required_description=descriptions.get((c.pk, r.required_level), ""),
                next_description=nxt,
            )
        )
    return lines


def requirements_of_position(position_id: int) -> list[Any]:
    return list(
        Requirement.objects.filter(position_id=position_id)
        .select_related("competency")
        .order_by("competency__type", "competency__code")
    )
