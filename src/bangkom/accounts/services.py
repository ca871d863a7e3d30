"""Granting and revoking roles, audited (who, when, before, after)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bangkom.accounts.models import RoleAssignment, User
from bangkom.audit.services import record, snapshot
from bangkom.org.models import Agency

ROLE_FIELDS = ["user", "role", "agency"]


def _forget_roles(user: Any) -> None:
    """roles_for() caches on the user object; a grant or revoke must not leave a stale answer behind."""
    user.__dict__.pop("_bangkom_roles", None)


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, agency: Agency | None) -> RoleAssignment:
    """Grant a role (idempotent: granting an existing role changes nothing and writes no event).

    Raises ValidationError for an unknown role or a wrong instansi binding (admin nasional has none,
    admin instansi and penyelenggara exactly one), before anything is written.
    """
    existing = RoleAssignment.objects.filter(user=user, role=role, agency=agency).first()
    if existing is not None:
        return existing
    obj = RoleAssignment(user=user, role=role, agency=agency)
    obj.full_clean()
    obj.save()
    record(
        actor=actor,
        action="create",
        entity="accounts.roleassignment",
        object_id=obj.pk,
        agency_id=agency.pk if agency else None,
        before=None,
        after=snapshot(obj, ROLE_FIELDS),
    )
    _forget_roles(user)
    return obj


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    before = snapshot(assignment, ROLE_FIELDS)
    pk, agency_id = assignment.pk, assignment.agency_id
    user = assignment.user
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
    _forget_roles(user)
