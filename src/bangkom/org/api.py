"""JSON API for pegawai and jabatan: the same scoped selectors as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from bangkom.accounts.roles import roles_for
from bangkom.competency.selectors import employee_competency_profile, position_skj
from bangkom.config.pagination import PageNumberPagination
from bangkom.org.models import Employee, Position
from bangkom.org.selectors import employee_get, employee_list, position_list

router = Router(tags=["pegawai dan jabatan"])


class EmployeeOut(Schema):
    id: int
    nip: str
    name: str
    employment_type: str
    agency_code: str
    unit_code: str
    position_code: str
    position_name: str
    supervisor_nip: str | None

    @staticmethod
    def from_model(e: Employee) -> EmployeeOut:
        return EmployeeOut(
            id=e.pk,
            nip=e.nip,
            name=e.name,
            employment_type=e.employment_type,
            agency_code=e.agency.code,
            unit_code=e.unit.code,
            position_code=e.position.code,
            position_name=e.position.name,
            supervisor_nip=e.supervisor.nip if e.supervisor else None,
        )


class MeOut(Schema):
    username: str
    roles: list[str]
    employee: EmployeeOut | None


class CompetencyLineOut(Schema):
    code: str
    name: str
    type: str
    required_level: int
    current_level: int | None
    assessed_on: dt.date | None
    gap: int | None


class RequirementOut(Schema):
    competency_code: str
    competency_name: str
    required_level: int


class PositionOut(Schema):
    id: int
    agency_code: str
    code: str
    name: str
    kind: str
    functional_level: str
    unit_code: str


class PositionDetailOut(PositionOut):
    requirements: list[RequirementOut]


def _position_out(p: Position) -> dict[str, object]:
    return {
        "id": p.pk,
        "agency_code": p.agency.code,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "functional_level": p.functional_level,
        "unit_code": p.unit.code,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    roles = roles_for(request.user)
    emp = employee_get(request.user, roles.employee_id) if roles.employee_id else None
    return MeOut(
        username=request.user.get_username(),
        roles=roles.names(),
        employee=EmployeeOut.from_model(emp) if emp else None,
    )


@router.get("/employees", response=list[EmployeeOut])
@paginate(PageNumberPagination, page_size=50)
def employees(request: HttpRequest, q: str = "") -> list[EmployeeOut]:
    return [EmployeeOut.from_model(e) for e in employee_list(request.user, search=q)]


@router.get("/employees/{employee_id}", response=EmployeeOut)
def employee(request: HttpRequest, employee_id: int) -> EmployeeOut:
    emp = employee_get(request.user, employee_id)
    if emp is None:
        raise Http404
    return EmployeeOut.from_model(emp)


@router.get("/employees/{employee_id}/competencies", response=list[CompetencyLineOut])
def employee_competencies(request: HttpRequest, employee_id: int) -> list[CompetencyLineOut]:
    profile = employee_competency_profile(request.user, employee_id)
    if profile is None:
        raise Http404
    return [
        CompetencyLineOut(
            code=line.code,
            name=line.name,
            type=line.type,
            required_level=line.required_level,
            current_level=line.current_level,
            assessed_on=line.assessed_on,
            gap=line.gap,
        )
        for line in profile.lines
    ]


@router.get("/positions", response=list[PositionOut])
@paginate(PageNumberPagination, page_size=50)
def positions(request: HttpRequest, q: str = "") -> list[dict[str, object]]:
    return [_position_out(p) for p in position_list(request.user, search=q)]


@router.get("/positions/{position_id}", response=PositionDetailOut)
def position(request: HttpRequest, position_id: int) -> dict[str, object]:
    skj = position_skj(request.user, position_id)
    if skj is None:
        raise Http404
    reqs = [
        {
            "competency_code": r.competency.code,
            "competency_name": r.competency.name,
            "required_level": r.required_level,
        }
        for r in skj.requirements
    ]
    return {**_position_out(skj.position), "requirements": reqs}
