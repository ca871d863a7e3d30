"""Writes to assessments and SKJ, each audited (who, when, before, after)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bangkom.audit.services import record, record_change, snapshot
from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.org.models import Employee, Position


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    employee: Employee,
    competency: Competency,
    assessed_on: dt.date,
    level: int,
    method: str,
    assessor: Employee | None = None,
    note: str = "",
) -> Assessment:
    """Record (or correct) the assessment of one competency on one date; history of other dates is kept."""
    existing = Assessment.objects.filter(
        employee=employee, competency=competency, assessed_on=assessed_on
    ).first()
    before = snapshot(existing) if existing else None
    obj = existing or Assessment(employee=employee, competency=competency, assessed_on=assessed_on)
    obj.level, obj.method, obj.assessor, obj.note = level, method, assessor, note
    obj.full_clean()
    obj.save()
    record_change(actor=actor, instance=obj, before=before, agency_id=employee.agency_id)
    return obj


@transaction.atomic
def requirement_set(
    *, actor: Any, position: Position, competency: Competency, required_level: int
) -> Requirement:
    existing = Requirement.objects.filter(position=position, competency=competency).first()
    before = snapshot(existing) if existing else None
    obj = existing or Requirement(position=position, competency=competency)
    obj.required_level = required_level
    obj.full_clean()
    obj.save()
    record_change(actor=actor, instance=obj, before=before, agency_id=position.agency_id)
    return obj


@transaction.atomic
def requirement_delete(*, actor: Any, requirement: Requirement) -> None:
    requirement.refresh_from_db()  # audit what is deleted, not what a stale instance remembers
    before = snapshot(requirement)
    agency_id = requirement.position.agency_id
    pk = requirement.pk
    requirement.delete()
    record(
        actor=actor,
        action="delete",
        entity="competency.requirement",
        object_id=pk,
        agency_id=agency_id,
        before=before,
        after=None,
    )
