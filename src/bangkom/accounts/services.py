"""Granting and revoking roles and API tokens, audited (who, when, before, after)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.accounts.models import ApiToken, RoleAssignment, User
from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record, snapshot
from bangkom.org.models import Agency

ROLE_FIELDS = ["user", "role", "agency"]
TOKEN_FIELDS = ["user", "name", "prefix", "created_at", "revoked_at"]  # never the hash
TOKEN_SCHEME = "bkm_"  # noqa: S105 - the public marker in front of every token, not a secret
TOKEN_PREFIX_LENGTH = len(TOKEN_SCHEME) + 8
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


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


# --- API tokens ---------------------------------------------------------------------------------------------


class TokenInvalid(Exception):
    """A token cannot be created or revoked as asked; the message is for the operator."""


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _token_agency_id(user: User) -> int | None:
    """The instansi whose admins see the token in their audit trail: the user's own, else the one they administer."""
    roles = roles_for(user)
    if roles.employee_agency_id is not None:
        return roles.employee_agency_id
    return min(roles.admin_agency_ids) if roles.admin_agency_ids else None


def token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise TokenInvalid(_("Nama token wajib diisi."))
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise TokenInvalid(_("Nama token paling panjang 100 karakter."))
    if not user.is_active:
        raise TokenInvalid(_("Pengguna %(username)s tidak aktif.") % {"username": user.get_username()})
    for _attempt in range(5):  # a prefix collision (48 random bits) is rare; try again with a new secret
        key = TOKEN_SCHEME + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user, name=name, prefix=key[:TOKEN_PREFIX_LENGTH], key_hash=token_hash(key)
                )
                record(
                    actor=actor,
                    action="create",
                    entity="accounts.apitoken",
                    object_id=token.pk,
                    agency_id=_token_agency_id(user),
                    before=None,
                    after=snapshot(token, TOKEN_FIELDS),
                    summary=_("Token API %(prefix)s untuk %(username)s")
                    % {"prefix": token.prefix, "username": user.get_username()},
                )
        except IntegrityError:
            continue
        return token, key
    raise TokenInvalid(_("Token tidak dapat dibuat; coba lagi."))


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent). The row stays, so the audit trail and the list still name it."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token, TOKEN_FIELDS)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="revoke",
        entity="accounts.apitoken",
        object_id=token.pk,
        agency_id=_token_agency_id(token.user),
        before=before,
        after=snapshot(token, TOKEN_FIELDS),
        summary=_("Token API %(prefix)s dicabut") % {"prefix": token.prefix},
    )
    return token


def token_user(key: str) -> User | None:
    """The active user behind a token, or None for an unknown, revoked or malformed one.

    Looked up by hash, so no timing comparison of secrets happens in Python. last_used_at is written at most
    once a minute per token: a busy integration must not turn every call into a write.
    """
    if not key.startswith(TOKEN_SCHEME) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
