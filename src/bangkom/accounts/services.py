"""Granting and revoking roles, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bangkom.accounts.models import RoleAssignment, User
from bangkom.audit.services import record, snapshot
from bangkom.org.models import Agency


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, agency: Agency | None) -> RoleAssignment:
    obj, created = RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)
    if created:
        record(
            actor=actor,
            action="create",
            entity="accounts.roleassignment",
            object_id=obj.pk,
            agency_id=agency.pk if agency else None,
            before=None,
            after=snapshot(obj, ["user", "role", "agency"]),
        )
    return obj


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    before = snapshot(assignment, ["user", "role", "agency"])
    pk, agency_id = assignment.pk, assignment.agency_id
    assignment.delete()
    record(
        actor=actor,
        action="delete",
        entity="accounts.roleassignment",
        object_id=pk,
        agency_id=agency_id,
        before=before,
        after=None,
    )
