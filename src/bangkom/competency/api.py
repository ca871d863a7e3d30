"""JSON API for competency mapping; the same scoped selectors and engine as the pages.

Out-of-scope ids answer 404 exactly like ids that do not exist, so an id cannot be probed.
"""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from bangkom.accounts.roles import roles_for
from bangkom.competency.mapping import employee_jpm, next_positions, unit_mapping, units_for
from bangkom.competency.selectors import skj_lines
from bangkom.engine.gaps import MAPPING_CATEGORIES
from bangkom.org.selectors import employee_get

router = Router(tags=["pemetaan kompetensi"])

NEXT_POSITIONS_LIMIT = 50


class JpmOut(Schema):
    nip: str
    position_code: str
    has_skj: bool
    jpm: float | None
    category_mapping: str | None
    category_filling: str | None


class GapOut(Schema):
    competency_code: str
    required_level: int
    assessed_level: int


class NextPositionOut(Schema):
    position_id: int
    position_code: str
    position_name: str
    jpm: float | None
    category_mapping: str
    category_filling: str
    gaps: list[GapOut]


class UnitCellOut(Schema):
    unit_code: str
    competency_code: str
    assessed: int
    below: int
    share_below: float | None


class UnitJpmOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    mean_jpm: float | None
    categories: dict[str, int]


class UnitMappingOut(Schema):
    unit_code: str
    n_employees: int
    mean_jpm: float | None
    categories: dict[str, int]
    competencies: dict[str, str]
    cells: list[UnitCellOut]
    units: list[UnitJpmOut]


@router.get("/employees/{employee_id}/jpm", response=JpmOut)
def employee_jpm_api(request: HttpRequest, employee_id: int) -> JpmOut:
    """JPM against the pegawai's own jabatan; has_skj false (and nulls) when that jabatan has no SKJ."""
    emp = employee_get(request.user, employee_id)
    if emp is None:
        raise Http404
    view = employee_jpm(emp, skj_lines(emp))
    return JpmOut(
        nip=emp.nip,
        position_code=emp.position.code,
        has_skj=view is not None,
        jpm=view.jpm if view else None,
        category_mapping=view.mapping if view else None,
        category_filling=view.filling if view else None,
    )


@router.get("/employees/{employee_id}/next-positions", response=list[NextPositionOut])
def next_positions_api(request: HttpRequest, employee_id: int, q: str = "") -> list[NextPositionOut]:
    """The best 50 other jabatan of the instansi by this pegawai's JPM; `q` filters by jabatan name."""
    emp = employee_get(request.user, employee_id)
    if emp is None:
        raise Http404
    return [
        NextPositionOut(
            position_id=r.position.pk,
            position_code=r.position.code,
            position_name=r.position.name,
            jpm=r.jpm,
            category_mapping=r.mapping,
            category_filling=r.filling,
            gaps=[
                GapOut(competency_code=c, required_level=req, assessed_level=cur) for c, req, cur in r.gaps
            ],
        )
        for r in next_positions(emp, search=q[:100], limit=NEXT_POSITIONS_LIMIT)
    ]


def _share(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


@router.get("/mapping/units/{unit_id}", response=UnitMappingOut)
def unit_mapping_api(request: HttpRequest, unit_id: int) -> UnitMappingOut:
    """Heatmap cells (unit x competency) and JPM distribution of a unit and the units below it."""
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_atasan):  # as the page: a pegawai has their own profile
        raise HttpError(403, "forbidden")
    unit = units_for(request.user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    result = unit_mapping(request.user, unit, unit.agency)
    cells = [
        UnitCellOut(
            unit_code=u.code,
            competency_code=code,
            assessed=int(result.assessed[i, j]),
            below=int(result.below[i, j]),
            share_below=_share(result.share_below[i, j]),
        )
        for i, u in enumerate(result.units)
        for j, code in enumerate(result.competency_codes)
    ]
    return UnitMappingOut(
        unit_code=unit.code,
        n_employees=result.n_employees,
        mean_jpm=result.mean_jpm,
        categories={name: int(c) for name, c in zip(MAPPING_CATEGORIES, result.category_counts, strict=True)},
        competencies=dict(zip(result.competency_codes, result.competency_names, strict=True)),
        cells=cells,
        units=[
            UnitJpmOut(
                unit_id=u.pk,
                unit_code=u.code,
                unit_name=u.name,
                mean_jpm=result.unit_mean_jpm[i],
                categories={
                    name: int(c)
                    for name, c in zip(MAPPING_CATEGORIES, result.unit_category_counts[i], strict=True)
                },
            )
            for i, u in enumerate(result.units)
        ],
    )
