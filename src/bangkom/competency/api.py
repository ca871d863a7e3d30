"""JSON API for competency mapping; the same scoped selectors and engine as the pages."""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from bangkom.competency.mapping import employee_jpm, next_positions, unit_mapping, units_for
from bangkom.competency.selectors import skj_lines
from bangkom.org.selectors import employee_get

router = Router(tags=["pemetaan kompetensi"])


class JpmOut(Schema):
    nip: str
    position_code: str
    jpm: float | None
    category_mapping: str
    category_filling: str


class GapOut(Schema):
    competency_code: str
    required_level: int
    assessed_level: int


class NextPositionOut(Schema):
    position_id: int
    position_code: str
    position_name: str
    jpm: float | None
    category_filling: str
    gaps: list[GapOut]


class UnitCellOut(Schema):
    unit_code: str
    competency_code: str
    assessed: int
    below: int
    share_below: float | None


class UnitMappingOut(Schema):
    unit_code: str
    n_employees: int
    mean_jpm: float | None
    categories: dict[str, int]
    cells: list[UnitCellOut]


@router.get("/employees/{employee_id}/jpm", response=JpmOut)
def employee_jpm_api(request: HttpRequest, employee_id: int) -> JpmOut:
    emp = employee_get(request.user, employee_id)
    if emp is None:
        raise Http404
    view = employee_jpm(emp, skj_lines(emp))
    if view is None:
        raise Http404
    return JpmOut(
        nip=emp.nip,
        position_code=emp.position.code,
        jpm=view.jpm,
        category_mapping=view.mapping,
        category_filling=view.filling,
    )


@router.get("/employees/{employee_id}/next-positions", response=list[NextPositionOut])
def next_positions_api(request: HttpRequest, employee_id: int, q: str = "") -> list[NextPositionOut]:
    emp = employee_get(request.user, employee_id)
    if emp is None:
        raise Http404
    return [
        NextPositionOut(
            position_id=r.position.pk,
            position_code=r.position.code,
            position_name=r.position.name,
            jpm=r.jpm,
            category_filling=r.filling,
            gaps=[GapOut(competency_code=c, required_level=req, assessed_level=cur) for c, req, cur in r.gaps],
        )
        for r in next_positions(emp, search=q)
    ]


@router.get("/mapping/units/{unit_id}", response=UnitMappingOut)
def unit_mapping_api(request: HttpRequest, unit_id: int) -> UnitMappingOut:
    unit = units_for(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    result = unit_mapping(request.user, unit)
    from bangkom.engine.gaps import MAPPING_CATEGORIES

    cells = [
        UnitCellOut(
            unit_code=u.code,
            competency_code=code,
            assessed=int(result.assessed[i, j]),
            below=int(result.below[i, j]),
            share_below=None if math.isnan(result.share_below[i, j]) else round(float(result.share_below[i, j]), 4),
        )
        for i, u in enumerate(result.units)
        for j, code in enumerate(result.competency_codes)
    ]
    return UnitMappingOut(
        unit_code=unit.code,
        n_employees=result.n_employees,
        mean_jpm=result.mean_jpm,
        categories={name: int(c) for name, c in zip(MAPPING_CATEGORIES, result.category_counts, strict=True)},
        cells=cells,
    )
